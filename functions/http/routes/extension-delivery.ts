import { optionalExpectedVersionFrom } from '../etag.js';
import { json, op } from '../openapi-route.js';
import * as r from '../response-schemas.js';
import type { RouteKit } from '../route-kit.js';
import * as s from '../schemas.js';

/** Routes of 延长审查期限 (行政许可法第四十二条) and 送达 (第四十四条). */
export function mountExtensionDeliveryRoutes({ app, services, idem }: RouteKit): void {
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/items/{itemCode}/extension',
      '审查',
      '申请延长审查期限（须说明理由，至多10个工作日，每个事项一次，期限届满前申请）',
      { params: s.itemParams, body: { ...json(s.extensionRequestBody), required: true } },
      { status: 200, schema: r.stageCaseResponse, description: '已申请，待部门负责人审批' },
      ['Idempotency-Key', 'If-Match?'],
    ),
    async (c) => {
      const { caseId, itemCode } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = optionalExpectedVersionFrom(c);
      return idem(c, body, 200, (x) =>
        services.extensionDelivery.requestExtension(x, caseId, itemCode, expected, body),
      );
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/items/{itemCode}/extension/decision',
      '审查',
      '部门负责人批准或不予批准延长审查期限（须为申请人以外的人；批准后告知申请人理由与新的期限）',
      { params: s.itemParams, body: { ...json(s.extensionDecisionBody), required: true } },
      { status: 200, schema: r.stageCaseResponse, description: '已审批' },
      ['Idempotency-Key', 'If-Match?'],
    ),
    async (c) => {
      const { caseId, itemCode } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = optionalExpectedVersionFrom(c);
      return idem(c, body, 200, (x) =>
        services.extensionDelivery.decideExtension(x, caseId, itemCode, expected, body),
      );
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/items/{itemCode}/delivery',
      '审查',
      '窗口记录审批决定的送达（电子送达、直接送达或邮寄送达）',
      { params: s.itemParams, body: { ...json(s.deliveryBody), required: true } },
      { status: 200, schema: r.stageCaseResponse, description: '已记录送达' },
      ['Idempotency-Key', 'If-Match?'],
    ),
    async (c) => {
      const { caseId, itemCode } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = optionalExpectedVersionFrom(c);
      return idem(c, body, 200, (x) =>
        services.extensionDelivery.recordDelivery(x, caseId, itemCode, expected, body),
      );
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/items/{itemCode}/delivery/receipt',
      '审查',
      '申请人在线签收审批决定（电子送达，送达日为当日）',
      { params: s.itemParams },
      { status: 200, schema: r.stageCaseResponse, description: '已签收' },
      ['Idempotency-Key', 'If-Match?'],
    ),
    async (c) => {
      const { caseId, itemCode } = c.req.valid('param');
      const expected = optionalExpectedVersionFrom(c);
      return idem(c, {}, 200, (x) =>
        services.extensionDelivery.signForDelivery(x, caseId, itemCode, expected),
      );
    },
  );
}
