import { createRoute, z } from '@hono/zod-openapi';
import { ctxOf } from '../auth.js';
import { BEARER_SCHEME } from '../docs.js';
import { materialHeaders } from '../material-download.js';
import { op } from '../openapi-route.js';
import { paginationQuerySchema } from '../pagination.js';
import { problemResponses } from '../problem.js';
import { coordinatedCasePage, deficiencyLedgerSchema, deficiencyStatus } from '../response-schemas.js';
import type { RouteKit } from '../route-kit.js';

/**
 * 首接负责 and 容缺台账 for the window unit, and the content of a case's submitted materials for the
 * people who handle the case (reviewers preview and download what they decide on).
 */

const binary = z.string().openapi({ type: 'string', format: 'binary', description: '文件内容（原始字节）' });

export function mountCoordinationRoutes({ app, services, limits }: RouteKit): void {
  const { coordination } = services;
  app.openapi(
    op(
      'get',
      '/coordinated-cases',
      '受理',
      '首接负责：本窗口单位受理并协调的办件（按提交时间倒序）',
      { query: paginationQuerySchema },
      { status: 200, schema: coordinatedCasePage, description: '分页列表' },
    ),
    async (c) => {
      const page = await coordination.coordinatedCases(ctxOf(c), c.req.valid('query'));
      return c.json({ items: page.items, ...(page.cursor ? { nextCursor: page.cursor } : {}) }, 200);
    },
  );
  app.openapi(
    op(
      'get',
      '/deficiency-ledger',
      '受理',
      '容缺台账：本窗口单位首接办件的容缺承诺（可按状态筛选）',
      { query: z.object({ status: deficiencyStatus.optional() }) },
      { status: 200, schema: deficiencyLedgerSchema, description: '容缺承诺' },
    ),
    async (c) => c.json(await coordination.deficiencyLedger(ctxOf(c), c.req.valid('query')), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/cases/{caseId}/materials/{sha256}',
      tags: ['办件'],
      summary: '办件材料的文件内容（申请单位、窗口、督查与办理该办件的审查人员可查看）',
      security: [{ [BEARER_SCHEME]: [] }],
      request: {
        params: z.object({
          caseId: z.string().min(1).max(80),
          sha256: z.string().openapi({ description: '材料内容的 SHA-256（小写十六进制）' }),
        }),
      },
      responses: {
        200: {
          content: { 'application/octet-stream': { schema: binary }, '*/*': { schema: binary } },
          description: '材料内容（Content-Type 为上传时保存的类型）',
        },
        303: { description: '内容大于 4 MB：重定向到预签名下载地址（5 分钟内有效）' },
        ...problemResponses,
      },
    }),
    async (c) => {
      const { caseId, sha256 } = c.req.valid('param');
      const found = await coordination.caseMaterial(ctxOf(c), caseId, sha256, {
        inlineMaxBytes: limits.inlineDownloadBytes,
      });
      // too large for the API to carry (6 MB through API Gateway): a short-lived presigned URL
      if (found.content.kind === 'redirect') {
        return c.redirect(new URL(found.content.url, c.req.url).toString(), 303);
      }
      const fileName = found.material.fileName ?? `${found.materialName}`;
      return c.body(
        new Uint8Array(found.content.bytes),
        200,
        materialHeaders(found.content.contentType, fileName),
      );
    },
  );
}
