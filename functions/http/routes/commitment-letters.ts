import { z } from '@hono/zod-openapi';
import { ctxOf } from '../auth.js';
import { json, op } from '../openapi-route.js';
import { type RouteKit, versioned } from '../route-kit.js';
import * as s from '../schemas.js';

const code = z.string().min(1).max(64);

export const commitmentLetterBody = z
  .object({
    materials: z
      .array(
        z
          .object({
            itemCode: code,
            materialCode: code,
            days: z.number().int().min(1).max(60).openapi({ description: '承诺自受理之日起补交的工作日数' }),
          })
          .strict(),
      )
      .min(1)
      .max(50),
    textZh: z.string().min(1).max(4000).openapi({ description: '申请人阅读并签署的承诺书全文' }),
  })
  .strict()
  .openapi('CommitmentLetterSigning');

const instant = z.string().openapi({ description: '时间点（ISO 8601，UTC）' });

export const commitmentLetterSchema = z
  .object({
    caseId: z.string(),
    projectCode: z.string(),
    creditCode: z.string().openapi({ description: '申请单位统一社会信用代码' }),
    materials: z.array(
      z.object({
        itemCode: z.string(),
        materialCode: z.string(),
        materialName: z.string().openapi({ description: '材料名称' }),
        days: z.number().int().openapi({ description: '承诺补交期限（工作日，自受理起算）' }),
      }),
    ),
    textZh: z.string().openapi({ description: '已签署的承诺书全文' }),
    contentHash: z.string().openapi({ description: '签署内容的 SHA-256 摘要' }),
    signedBy: z.string(),
    signerName: z.string(),
    signedAt: instant,
    version: z.number().int(),
  })
  .openapi('CommitmentLetter', { description: '申请人在线签署的容缺受理承诺书' });

export const supplementDeadlinesSchema = z
  .object({
    today: z.string().openapi({ description: '本省今日（北京时间）' }),
    deadlines: z.array(
      z.object({
        itemCode: z.string(),
        materialCode: z.string(),
        materialName: z.string(),
        deadline: z.string().openapi({ description: '最后补交日' }),
        provisional: z.boolean().openapi({ description: '期限为暂定（节假日安排未公布）' }),
        workingDaysLeft: z.number().int().openapi({
          description: '距最后补交日尚余的工作日（按本省节假日安排计算；0 为今日截止，负数为逾期）',
        }),
      }),
    ),
  })
  .openapi('SupplementDeadlines', { description: '未补交的容缺材料及剩余工作日' });

/** 容缺受理承诺书 signed online by the applicant, and the countdown of open 容缺 commitments. */
export function mountCommitmentLetterRoutes({ app, services, idem }: RouteKit): void {
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/commitment-letter',
      '办件',
      '申请人签署容缺受理承诺书（受理前；窗口容缺受理时据此视为已签署）',
      { params: s.caseIdParam, body: { ...json(commitmentLetterBody), required: true } },
      { status: 201, schema: commitmentLetterSchema, description: '已签署' },
      ['Idempotency-Key'],
    ),
    async (c) => {
      const { caseId } = c.req.valid('param');
      const body = c.req.valid('json');
      return idem(c, body, 201, (x) => services.commitmentLetters.sign(x, caseId, body));
    },
  );
  app.openapi(
    op(
      'get',
      '/cases/{caseId}/commitment-letter',
      '办件',
      '查看申请人签署的容缺受理承诺书',
      { params: s.caseIdParam },
      { status: 200, schema: commitmentLetterSchema, description: '承诺书' },
    ),
    async (c) => versioned(c, await services.commitmentLetters.get(ctxOf(c), c.req.valid('param').caseId)),
  );
  app.openapi(
    op(
      'get',
      '/cases/{caseId}/supplement-deadlines',
      '办件',
      '容缺补交倒计时：未补交材料的最后补交日与剩余工作日',
      { params: s.caseIdParam },
      { status: 200, schema: supplementDeadlinesSchema, description: '补交期限' },
    ),
    async (c) =>
      c.json(
        await services.commitmentLetters.supplementDeadlines(ctxOf(c), c.req.valid('param').caseId),
        200,
      ),
  );
}
