import { json, op } from '../openapi-route.js';
import * as r from '../response-schemas.js';
import type { RouteKit } from '../route-kit.js';
import * as s from '../schemas.js';

/** Routes of 联合审查: convening a joint review meeting and recording its minutes and opinions. */
export function mountJointReviewRoutes({ app, services, idem }: RouteKit): void {
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/joint-reviews',
      '审查',
      '召集联合审查（本办件两个以上事项；本省将其计入特别程序的，相关事项自召集起暂停计时）',
      { params: s.caseIdParam, body: { ...json(s.conveneJointReviewBody), required: true } },
      { status: 200, schema: r.stageCaseResponse, description: '已召集' },
      ['Idempotency-Key'],
    ),
    async (c) => {
      const { caseId } = c.req.valid('param');
      const body = c.req.valid('json');
      return idem(c, body, 200, (x) => services.jointReviews.convene(x, caseId, body));
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/joint-reviews/{reviewId}/minutes',
      '审查',
      '召集人记录联合审查会议纪要（存为办件材料）和各事项审查意见，恢复计时',
      { params: s.jointReviewParams, body: { ...json(s.recordJointReviewBody), required: true } },
      { status: 200, schema: r.stageCaseResponse, description: '已记录' },
      ['Idempotency-Key'],
    ),
    async (c) => {
      const { caseId, reviewId } = c.req.valid('param');
      const body = c.req.valid('json');
      return idem(c, body, 200, (x) => services.jointReviews.record(x, caseId, reviewId, body));
    },
  );
}
