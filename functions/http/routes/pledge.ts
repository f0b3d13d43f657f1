import { z } from '@hono/zod-openapi';
import { ctxOf } from '../auth.js';
import { optionalExpectedVersionFrom } from '../etag.js';
import { json, op } from '../openapi-route.js';
import * as r from '../response-schemas.js';
import type { RouteKit } from '../route-kit.js';
import * as s from '../schemas.js';

export const pledgeSigningBody = z
  .object({
    textZh: z
      .string()
      .min(1)
      .max(8000)
      .openapi({ description: '申请人阅读并签署的告知承诺书全文（须与本事项生成的承诺书一致）' }),
  })
  .strict()
  .openapi('PledgeSigning');

export const pledgeCheckBody = z
  .object({
    outcome: z.enum(['passed', 'failed']).openapi({ description: 'passed 通过；failed 不通过（撤销批准）' }),
    reasonsZh: z.string().max(2000).optional().openapi({ description: '核查意见；不通过时必填' }),
  })
  .strict()
  .openapi('PledgeCheck');

export const pledgeOffersSchema = z
  .object({
    items: z.array(
      z.object({
        itemCode: z.string(),
        itemName: z.string(),
        department: z.string(),
        textZh: z.string().openapi({ description: '本事项的告知承诺书全文' }),
        signable: z.boolean().openapi({ description: '现在可以签署（事项审查中、尚未决定、未暂停计时）' }),
        checkDays: z.number().int().openapi({ description: '批准后事后核查的期限（工作日）' }),
      }),
    ),
  })
  .openapi('PledgeOffers', { description: '办件中可告知承诺的事项及其承诺书' });

/** 告知承诺 (国办发〔2020〕42号): the applicant's commitment approves at once; the department checks later. */
export function mountPledgeRoutes({ app, services, idem }: RouteKit): void {
  app.openapi(
    op(
      'get',
      '/cases/{caseId}/pledges',
      '办件',
      '可告知承诺的事项及告知承诺书全文',
      { params: s.caseIdParam },
      { status: 200, schema: pledgeOffersSchema, description: '承诺书' },
    ),
    async (c) => c.json(await services.pledges.offers(ctxOf(c), c.req.valid('param').caseId), 200),
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/items/{itemCode}/pledge',
      '办件',
      '申请单位签署告知承诺书，事项当即批准并安排事后核查',
      { params: s.itemParams, body: { ...json(pledgeSigningBody), required: true } },
      { status: 200, schema: r.stageCaseResponse, description: '已按告知承诺批准' },
      ['Idempotency-Key'],
    ),
    async (c) => {
      const { caseId, itemCode } = c.req.valid('param');
      const body = c.req.valid('json');
      return idem(c, body, 200, (x) => services.pledges.sign(x, caseId, itemCode, body));
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/items/{itemCode}/pledge-check',
      '审查',
      '事后核查：通过，或不通过（撤销批准、记入信用记录，滥用时建议退出绿色通道）',
      { params: s.itemParams, body: { ...json(pledgeCheckBody), required: true } },
      { status: 200, schema: r.stageCaseResponse, description: '已记录核查结论' },
      ['Idempotency-Key', 'If-Match?'],
    ),
    async (c) => {
      const { caseId, itemCode } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = optionalExpectedVersionFrom(c);
      return idem(c, body, 200, (x) => services.pledges.check(x, caseId, itemCode, expected, body));
    },
  );
}
