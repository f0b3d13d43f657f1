import { z } from '@hono/zod-openapi';
import { actorOf } from '../auth.js';
import { op } from '../openapi-route.js';
import * as r from '../response-schemas.js';
import type { RouteKit } from '../route-kit.js';
import * as s from '../schemas.js';

/** Routes of the audit trail: the hash-chained events of a case or project, and their verification. */
export function mountAuditRoutes({ app, services }: RouteKit): void {
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
        const events = await services.audit.trail({ actor: actorOf(c) }, kind, idOf(c.req.valid('param')));
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
      async (c) =>
        c.json(await services.audit.verify({ actor: actorOf(c) }, kind, idOf(c.req.valid('param'))), 200),
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
    async (c) => c.json({ items: await services.audit.checkpoints({ actor: actorOf(c) }) }, 200),
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
    async (c) =>
      c.json(await services.audit.checkpoint({ actor: actorOf(c) }, c.req.valid('param').checkpointId), 200),
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
      c.json(
        await services.audit.verifyCheckpoint({ actor: actorOf(c) }, c.req.valid('param').checkpointId),
        200,
      ),
  );
}
