import { createRoute, z } from '@hono/zod-openapi';
import { serveCheckpointToPartner } from '../../../shared/services/partner-checkpoints.js';
import { ctxOf } from '../auth.js';
import { PARTNER_SCHEME } from '../docs.js';
import { op } from '../openapi-route.js';
import { PROBLEM_CONTENT_TYPE, problemSchema } from '../problem.js';
import * as r from '../response-schemas.js';
import type { RouteKit } from '../route-kit.js';
import * as s from '../schemas.js';

const partnerProblem = (description: string) => ({
  content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
  description,
});

/** Routes of the audit trail: the hash-chained events of a case or project, and their verification. */
export function mountAuditRoutes({ app, services, partnerRate }: RouteKit): void {
  for (const kind of ['stageCase', 'project'] as const) {
    const base = kind === 'stageCase' ? '/cases/{caseId}' : '/projects/{projectId}';
    const params = kind === 'stageCase' ? s.caseIdParam : s.projectIdParam;
    const idOf = (p: Record<string, string>) => (kind === 'stageCase' ? p.caseId : p.projectId) ?? '';
    app.openapi(
      op(
        'get',
        `${base}/audit`,
        '审计',
        '审计记录（哈希链，只增不改）',
        { params },
        { status: 200, schema: r.auditTrailSchema, description: '审计记录' },
      ),
      async (c) => {
        const events = await services.audit.trail(ctxOf(c), kind, idOf(c.req.valid('param')));
        return c.json({ events }, 200);
      },
    );
    app.openapi(
      op(
        'get',
        `${base}/audit/verification`,
        '审计',
        '校验审计哈希链，报告第一个断裂处',
        { params },
        { status: 200, schema: r.chainVerificationSchema, description: '校验结果' },
      ),
      async (c) => c.json(await services.audit.verify(ctxOf(c), kind, idOf(c.req.valid('param'))), 200),
    );
  }

  const checkpointIdParam = z.object({ checkpointId: z.string().min(1).max(128) });
  app.openapi(
    op(
      'get',
      '/audit/checkpoints',
      '审计',
      '审计检查点列表（本省签名的各审计流链头，新的在前）',
      {},
      { status: 200, schema: r.checkpointListSchema, description: '检查点' },
    ),
    async (c) => c.json({ items: await services.audit.checkpoints(ctxOf(c)) }, 200),
  );
  app.openapi(
    op(
      'get',
      '/audit/partner-checkpoints',
      '审计',
      '合作省份发来的审计检查点（经签名链路送达，按省份保存）',
      {},
      { status: 200, schema: r.partnerCheckpointListSchema, description: '合作省份检查点' },
    ),
    async (c) => c.json({ items: await services.audit.partnerCheckpoints(ctxOf(c)) }, 200),
  );
  app.openapi(
    op(
      'get',
      '/audit/checkpoints/{checkpointId}',
      '审计',
      '一个审计检查点全文：签名、密钥标识、公钥与链头，可离线用公钥校验',
      { params: checkpointIdParam },
      { status: 200, schema: r.auditCheckpointSchema, description: '检查点全文' },
    ),
    async (c) => c.json(await services.audit.checkpoint(ctxOf(c), c.req.valid('param').checkpointId), 200),
  );
  app.openapi(
    op(
      'get',
      '/audit/checkpoints/{checkpointId}/verification',
      '审计',
      '以检查点校验本省全部审计流，报告第一个不符的审计流与事件',
      { params: checkpointIdParam },
      { status: 200, schema: r.checkpointVerificationSchema, description: '校验结果' },
    ),
    async (c) =>
      c.json(await services.audit.verifyCheckpoint(ctxOf(c), c.req.valid('param').checkpointId), 200),
  );

  // A partner province reads a checkpoint for a project shared with it, by a request signed with
  // its pinned key (same scheme as shared material content).
  const partnerCodes = new Set(services.deps.province.partners.map((p) => p.code));
  app.openapi(
    createRoute({
      method: 'get',
      path: '/partner/audit-checkpoints/{checkpointId}/projects/{projectCode}',
      tags: ['区域协同'],
      summary: '合作省份读取本省审计检查点中共享项目的链头与 Merkle 证明（签名请求）',
      security: [{ [PARTNER_SCHEME]: [] }],
      request: {
        params: z.object({
          checkpointId: z.string().openapi({ description: '审计检查点编号' }),
          projectCode: z.string().openapi({ description: '投资项目统一代码' }),
        }),
        headers: z.object({
          'x-gc-province': z.string().optional().openapi({ description: '请求方省份代码，如 ZJ' }),
          'x-gc-timestamp': z.string().optional().openapi({ description: '签名时间（ISO 8601）' }),
          'x-gc-key-id': z.string().optional().openapi({ description: '签名所用密钥的编号' }),
        }),
      },
      responses: {
        200: {
          content: { 'application/json': { schema: r.projectCheckpointExtractSchema } },
          description: '检查点签名信封与该项目各审计记录的链头及证明',
        },
        403: partnerProblem('签名无效、过期，或请求方不是该项目的合作省份（PARTNER_REQUEST_REFUSED）'),
        404: partnerProblem('审计检查点不存在（CHECKPOINT_NOT_FOUND）'),
        429: partnerProblem('该请求省份的请求过于频繁（TOO_MANY_REQUESTS，见 Retry-After）'),
        500: partnerProblem('服务器内部错误'),
      },
    }),
    async (c) => {
      const requester = c.req.header('x-gc-province') ?? '';
      partnerRate.take(partnerCodes.has(requester) ? requester : 'unknown');
      const { checkpointId, projectCode } = c.req.valid('param');
      const extract = await serveCheckpointToPartner(services.deps, {
        requester,
        checkpointId,
        projectCode,
        timestamp: c.req.header('x-gc-timestamp') ?? '',
        signature: c.req.header('x-gc-signature') ?? '',
        keyId: c.req.header('x-gc-key-id') ?? '',
        method: 'GET',
        path: c.req.path,
      });
      return c.json(extract, 200);
    },
  );
}
