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
}
