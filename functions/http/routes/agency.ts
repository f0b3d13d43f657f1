import { expectedVersionFrom } from '../etag.js';
import { json, op } from '../openapi-route.js';
import * as r from '../response-schemas.js';
import type { RouteKit } from '../route-kit.js';
import * as s from '../schemas.js';

/** Routes of 专窗代办: the green-channel desk files for an enterprise, and the enterprise confirms. */
export function mountAgencyRoutes({ app, services, idem }: RouteKit): void {
  app.openapi(
    op(
      'post',
      '/agency/projects',
      '受理',
      '专窗代办登记项目（代企业登记，校验企业统一社会信用代码）',
      { body: { ...json(s.agencyProjectBody), required: true } },
      { status: 201, schema: r.projectResponse, description: '已代办登记' },
      ['Idempotency-Key'],
    ),
    async (c) => {
      const body = c.req.valid('json');
      return idem(c, body, 201, (x) => services.agency.registerProject(x, body));
    },
  );
  app.openapi(
    op(
      'post',
      '/agency/cases',
      '受理',
      '专窗代办提交阶段申请（须附企业签章的代办授权委托书，待企业确认后受理）',
      { body: { ...json(s.submitCaseBody), required: true } },
      { status: 201, schema: r.stageCaseResponse, description: '已代办提交，待企业确认' },
      ['Idempotency-Key'],
    ),
    async (c) => {
      const body = c.req.valid('json');
      return idem(c, body, 201, (x) => services.agency.submitCase(x, body));
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/confirmation',
      '受理',
      '申请单位确认或不予确认专窗代办的申请（确认后起算受理时限）',
      { params: s.caseIdParam, body: { ...json(s.agencyConfirmationBody), required: true } },
      { status: 200, schema: r.stageCaseResponse, description: '已确认或已不予确认' },
      ['If-Match', 'Idempotency-Key'],
    ),
    async (c) => {
      const { caseId } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = expectedVersionFrom(c);
      return idem(c, body, 200, (x) => services.agency.answer(x, caseId, expected, body));
    },
  );
}
