import { createRoute, z } from '@hono/zod-openapi';
import { STAGES } from '../../../shared/domain/model.js';
import { CoordinationService } from '../../../shared/services/coordination.js';
import { actorOf } from '../auth.js';
import { BEARER_SCHEME } from '../docs.js';
import { op } from '../openapi-route.js';
import { paginationQuerySchema } from '../pagination.js';
import { problemResponses } from '../problem.js';
import type { RouteKit } from '../route-kit.js';

/**
 * 首接负责 and 容缺台账 for the window unit, and the content of a case's submitted materials for the
 * people who handle the case (reviewers preview and download what they decide on).
 */

const isoDate = z.string().openapi({ description: '日期 YYYY-MM-DD（北京时间）', example: '2026-03-02' });
const instant = z.string().openapi({ description: '时间点（ISO 8601，UTC）' });
const lamp = z
  .enum(['green', 'yellow', 'red'])
  .openapi({ description: '亮灯：绿灯正常、黄灯预警、红灯超期' });
const caseStatus = z.enum([
  'submitted',
  'correctionRequested',
  'underReview',
  'approved',
  'rejected',
  'refused',
  'terminated',
]);
const deficiencyStatus = z
  .enum(['open', 'supplemented', 'overdue'])
  .openapi({ description: '容缺承诺状态：待补齐、已补齐、逾期未补' });

const coordinatedItemSchema = z.object({
  code: z.string(),
  name: z.string(),
  department: z.string(),
  departmentName: z.string(),
  status: z.enum([
    'inReview',
    'correctionRequested',
    'specialProcedure',
    'approved',
    'rejected',
    'recognised',
  ]),
  promisedDays: z.number().int(),
  statutoryDays: z.number().int(),
  startDate: isoDate.optional(),
  elapsedDays: z.number().int(),
  remainingDays: z.number().int().optional(),
  dueDate: isoDate.optional(),
  provisional: z.boolean(),
  statutoryDueDate: isoDate.optional(),
  lamp,
  clockStopped: z.boolean(),
  stoppedDays: z.number().int(),
  holder: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('assignee'), id: z.string(), name: z.string(), since: instant }),
      z.object({ kind: z.literal('department'), name: z.string() }),
    ])
    .openapi({ description: '当前承办：转办指定的审查人员，否则为承办部门' }),
  decided: z.boolean(),
  escalations: z.array(
    z.object({
      level: z.number().int(),
      role: z.enum(['reviewer', 'departmentLead', 'firstReceiver', 'workingGroup', 'chairLeader']),
      nameZh: z.string(),
      address: z.string(),
      at: instant,
      overdueDays: z.number().int(),
    }),
  ),
});

export const coordinatedCasePage = z
  .object({
    items: z.array(
      z.object({
        caseId: z.string(),
        version: z.number().int(),
        projectCode: z.string(),
        projectName: z.string(),
        applicantName: z.string(),
        stage: z.enum(STAGES),
        status: caseStatus,
        firstReceiver: z.object({
          officerId: z.string(),
          name: z.string(),
          unit: z.string(),
          since: instant,
        }),
        items: z.array(coordinatedItemSchema),
        openDeficiencies: z.number().int(),
      }),
    ),
    nextCursor: z.string().optional().openapi({ description: '存在时表示可能还有下一页' }),
  })
  .openapi('CoordinatedCasePage', {
    description: '本单位首接负责的办件（各事项承办、时限、亮灯与督办记录）',
  });

export const deficiencyLedgerSchema = z
  .object({
    items: z.array(
      z.object({
        caseId: z.string(),
        caseVersion: z.number().int(),
        projectCode: z.string(),
        projectName: z.string(),
        applicantName: z.string(),
        caseStatus,
        itemCode: z.string(),
        itemName: z.string(),
        materialCode: z.string(),
        materialName: z.string(),
        grantedDays: z.number().int(),
        deadline: isoDate,
        provisional: z.boolean(),
        status: deficiencyStatus,
        supplementedAt: instant.optional(),
        remindedAt: instant.optional(),
      }),
    ),
    truncated: z.boolean().openapi({ description: '办件过多，仅列出前 2000 件的承诺' }),
  })
  .openapi('DeficiencyLedger', { description: '容缺台账：本单位首接办件的全部容缺承诺，按补齐期限排序' });

const binary = z.string().openapi({ type: 'string', format: 'binary', description: '文件内容（原始字节）' });

export function mountCoordinationRoutes({ app, services }: RouteKit): void {
  const coordination = new CoordinationService(services.deps, services.calendar);
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
      const page = await coordination.coordinatedCases({ actor: actorOf(c) }, c.req.valid('query'));
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
    async (c) =>
      c.json(await coordination.deficiencyLedger({ actor: actorOf(c) }, c.req.valid('query')), 200),
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
        ...problemResponses,
      },
    }),
    async (c) => {
      const { caseId, sha256 } = c.req.valid('param');
      const found = await coordination.caseMaterial({ actor: actorOf(c) }, caseId, sha256);
      const fileName = found.material.fileName ?? `${found.materialName}`;
      return c.body(new Uint8Array(found.bytes), 200, {
        'content-type': found.contentType,
        // inline, so a PDF or image opens in the browser; the name survives a download
        'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(fileName)}`,
        'cache-control': 'private, no-store',
        'x-content-type-options': 'nosniff',
      });
    },
  );
}
