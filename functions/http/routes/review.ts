import { ctxOf } from '../auth.js';
import { optionalExpectedVersionFrom } from '../etag.js';
import { json, op } from '../openapi-route.js';
import { paginationQuerySchema } from '../pagination.js';
import * as r from '../response-schemas.js';
import { plainPage, type RouteKit } from '../route-kit.js';
import * as s from '../schemas.js';

/** Routes of 审查 (review): the department inbox, item decisions, corrections and special procedures. */
export function mountReviewRoutes({ app, services, idem }: RouteKit): void {
  app.openapi(
    op(
      'get',
      '/inbox',
      '审查',
      '本部门待审事项（按到期日排序）',
      { query: paginationQuerySchema },
      { status: 200, schema: r.inboxPage, description: '分页列表' },
    ),
    async (c) => {
      const page = await services.cases.inbox(ctxOf(c), c.req.valid('query'));
      return c.json(plainPage(page), 200);
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/items/{itemCode}/decision',
      '审查',
      '事项审批决定（批准或不予批准）',
      { params: s.itemParams, body: { ...json(s.itemDecisionBody), required: true } },
      { status: 200, schema: r.stageCaseResponse, description: '已决定' },
      ['Idempotency-Key', 'If-Match?'],
    ),
    async (c) => {
      const { caseId, itemCode } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = optionalExpectedVersionFrom(c);
      return idem(c, body, 200, (x) => services.cases.decideItem(x, caseId, itemCode, expected, body));
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/items/{itemCode}/refusal-signoff',
      '审查',
      '部门负责人签发或退回拟不予批准意见（拒绝须上一级签发）',
      { params: s.itemParams, body: { ...json(s.refusalSignOffBody), required: true } },
      { status: 200, schema: r.stageCaseResponse, description: '已签发或退回' },
      ['Idempotency-Key', 'If-Match?'],
    ),
    async (c) => {
      const { caseId, itemCode } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = optionalExpectedVersionFrom(c);
      return idem(c, body, 200, (x) => services.cases.signOffRefusal(x, caseId, itemCode, expected, body));
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/items/{itemCode}/correction',
      '审查',
      '审查中一次性告知补正（计时暂停）',
      { params: s.itemParams, body: { ...json(s.itemCorrectionBody), required: true } },
      { status: 200, schema: r.stageCaseResponse, description: '已告知' },
      ['Idempotency-Key', 'If-Match?'],
    ),
    async (c) => {
      const { caseId, itemCode } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = optionalExpectedVersionFrom(c);
      return idem(c, body, 200, (x) =>
        services.cases.requestItemCorrection(x, caseId, itemCode, expected, body),
      );
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/items/{itemCode}/special-procedure',
      '审查',
      '特别程序（行政许可法第四十五条）：审查人员申请，部门负责人批准或直接开始，期间不计时并书面告知申请单位；审查人员结束',
      { params: s.itemParams, body: { ...json(s.specialProcedureBody), required: true } },
      { status: 200, schema: r.stageCaseResponse, description: '已记录' },
      ['Idempotency-Key', 'If-Match?'],
    ),
    async (c) => {
      const { caseId, itemCode } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = optionalExpectedVersionFrom(c);
      return idem(c, body, 200, (x) => services.specialProcedures.act(x, caseId, itemCode, expected, body));
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/items/{itemCode}/assignment',
      '审查',
      '转办：部门负责人或当前承办人将事项交由本部门另一名审查人员办理',
      { params: s.itemParams, body: { ...json(s.assignmentBody), required: true } },
      { status: 200, schema: r.stageCaseResponse, description: '已转办' },
      ['Idempotency-Key', 'If-Match?'],
    ),
    async (c) => {
      const { caseId, itemCode } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = optionalExpectedVersionFrom(c);
      return idem(c, body, 200, (x) => services.cases.assignItem(x, caseId, itemCode, expected, body));
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/items/{itemCode}/revocation',
      '审查',
      '撤销已办结阶段中的批准决定（专项工作组纠错，须说明理由）',
      { params: s.itemParams, body: { ...json(s.revocationBody), required: true } },
      { status: 200, schema: r.stageCaseResponse, description: '已撤销' },
      ['Idempotency-Key', 'If-Match?'],
    ),
    async (c) => {
      const { caseId, itemCode } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = optionalExpectedVersionFrom(c);
      return idem(c, body, 200, (x) => services.cases.revokeDecision(x, caseId, itemCode, expected, body));
    },
  );
}
