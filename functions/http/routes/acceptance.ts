import { ctxOf } from '../auth.js';
import { expectedVersionFrom } from '../etag.js';
import { json, op } from '../openapi-route.js';
import { paginationQuerySchema } from '../pagination.js';
import * as r from '../response-schemas.js';
import { pageBody, type RouteKit } from '../route-kit.js';
import * as s from '../schemas.js';

/** Routes of 受理 (acceptance): the window's queue, its four outcomes, and resubmission after a correction notice. */
export function mountAcceptanceRoutes({ app, services, idem }: RouteKit): void {
  app.openapi(
    op(
      'get',
      '/acceptance-queue',
      '受理',
      '待受理办件（按受理时限排序）',
      { query: paginationQuerySchema },
      { status: 200, schema: r.stageCasePage, description: '分页列表' },
    ),
    async (c) => c.json(pageBody(await services.cases.acceptanceQueue(ctxOf(c), c.req.valid('query'))), 200),
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/acceptance',
      '受理',
      '受理决定：受理、容缺受理、一次性告知补正、不予受理',
      { params: s.caseIdParam, body: { ...json(s.acceptanceBody), required: true } },
      { status: 200, schema: r.stageCaseResponse, description: '已决定' },
      ['If-Match', 'Idempotency-Key'],
    ),
    async (c) => {
      const { caseId } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = expectedVersionFrom(c);
      return idem(c, body, 200, (x) => services.cases.actOnAcceptance(x, caseId, expected, body));
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/resubmission',
      '受理',
      '按补正通知补齐后重新提交',
      { params: s.caseIdParam, body: { ...json(s.materialsBody), required: true } },
      { status: 200, schema: r.stageCaseResponse, description: '已重新提交' },
      ['If-Match', 'Idempotency-Key'],
    ),
    async (c) => {
      const { caseId } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = expectedVersionFrom(c);
      return idem(c, body, 200, (x) => services.cases.resubmit(x, caseId, expected, body.materials));
    },
  );
}
