import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { invalid } from '../../shared/domain/errors.js';
import type { Actor } from '../../shared/domain/model.js';
import type { Services } from '../../shared/services/index.js';
import { type AppEnv, actorOf, authMiddleware, requestIdMiddleware, type TokenVerifier } from './auth.js';
import { mountDocs } from './docs.js';
import { expectedVersionFrom, optionalExpectedVersionFrom, setVersionHeader } from './etag.js';
import { withIdempotency } from './idempotency.js';
import { json, op } from './openapi-route.js';
import { paginationQuerySchema } from './pagination.js';
import { errorHandler, notFoundHandler, validationHook } from './problem.js';
import * as s from './schemas.js';

export interface AppOptions {
  /** verifies bearer tokens: the local signing key locally, the province's JWKS on AWS */
  verifier: TokenVerifier;
}

/** Province-to-province endpoints authenticate by signature (payload or request), not by bearer token. */
const PUBLIC_PATHS = ['/health', '/openapi.json', '/docs', '/partner/*'];

/** Material uploads are capped so one request cannot exhaust memory. */
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

/**
 * The province's HTTP API. Handlers only translate: parse, call one service, shape the answer.
 * The same app is served by the local Node server and by API Gateway → Lambda.
 */
export function createApp(services: Services, options: AppOptions): OpenAPIHono<AppEnv> {
  const { deps } = services;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.onError(errorHandler);
  app.notFound(notFoundHandler);
  app.use('*', requestIdMiddleware());
  app.use('*', authMiddleware(options.verifier, { publicPaths: PUBLIC_PATHS }));
  mountDocs(app, {
    title: `工程绿色通道 API（${deps.province.name}）`,
    version: '1.0.0',
    description: '重点项目审批绿色通道：申请、受理、审查、批准、监督、反馈六步闭环。',
  });

  const versioned = <T extends object>(
    c: Context<AppEnv>,
    v: { value: T; version: number },
    status: 200 | 201 = 200,
  ) => {
    setVersionHeader(c, v.version);
    return c.json({ ...v.value, version: v.version }, status);
  };
  const idem = (
    c: Context<AppEnv>,
    body: unknown,
    run: (ctx: {
      actor: Actor;
      idempotency?: { scope: string; key: string; requestHash: string };
    }) => Promise<{ value: object; version: number }>,
    status: 200 | 201 = 200,
  ) =>
    withIdempotency(c, deps, body, async (intent) => {
      const saved = await run({ actor: actorOf(c), ...(intent ? { idempotency: intent } : {}) });
      setVersionHeader(c, saved.version);
      return { status, body: { ...saved.value, version: saved.version } };
    });

  app.get('/health', (c) => c.json({ status: 'ok', province: deps.province.code }));

  app.openapi(
    op(
      'get',
      '/me',
      '运维',
      '当前登录用户',
      {},
      { status: 200, schema: s.looseObject, description: '当前用户' },
    ),
    async (c) => c.json(actorOf(c), 200) as never,
  );

  app.openapi(
    op(
      'get',
      '/catalogue',
      '项目',
      '本省审批事项目录（阶段、事项、部门、材料、时限）',
      {},
      {
        status: 200,
        schema: s.looseObject,
        description: '事项目录',
      },
    ),
    async (c) => {
      const p = deps.province;
      return c.json(
        {
          province: p.code,
          name: p.name,
          departments: p.departments,
          stages: p.stages,
          items: p.items,
          materials: p.materials,
        },
        200,
      ) as never;
    },
  );

  // 项目 and 准入
  app.openapi(
    op(
      'post',
      '/projects',
      '项目',
      '登记项目（校验统一社会信用代码与投资项目代码）',
      { body: { ...json(s.registerProjectBody), required: true } },
      { status: 201, schema: s.projectResponse, description: '已登记' },
      ['Idempotency-Key'],
    ),
    async (c) => {
      const body = c.req.valid('json');
      return (await idem(c, body, (x) => services.projects.register(x, body), 201)) as never;
    },
  );
  app.openapi(
    op(
      'get',
      '/projects',
      '项目',
      '项目列表（申请单位看本单位，工作人员按准入状态）',
      {
        query: paginationQuerySchema.extend({
          status: z.enum(['notApplied', 'pending', 'admitted', 'rejected', 'exited']).optional(),
        }),
      },
      { status: 200, schema: s.looseObject, description: '分页列表' },
    ),
    async (c) => {
      const q = c.req.valid('query');
      const page = await services.projects.list({ actor: actorOf(c) }, q);
      return c.json(pageBody(page), 200) as never;
    },
  );
  app.openapi(
    op(
      'get',
      '/projects/{projectId}',
      '项目',
      '查看项目',
      { params: s.projectIdParam },
      {
        status: 200,
        schema: s.projectResponse,
        description: '项目',
      },
    ),
    async (c) =>
      versioned(
        c,
        await services.projects.get({ actor: actorOf(c) }, c.req.valid('param').projectId),
      ) as never,
  );
  app.openapi(
    op(
      'post',
      '/projects/{projectId}/admission',
      '准入',
      '申请纳入绿色通道（即时返回准入条件评估）',
      { params: s.projectIdParam },
      { status: 200, schema: s.projectResponse, description: '已申请' },
      ['If-Match', 'Idempotency-Key'],
    ),
    async (c) => {
      const { projectId } = c.req.valid('param');
      const expected = expectedVersionFrom(c);
      return (await idem(c, { projectId, expected }, (x) =>
        services.projects.applyAdmission(x, projectId, expected),
      )) as never;
    },
  );
  app.openapi(
    op(
      'post',
      '/projects/{projectId}/admission/decision',
      '准入',
      '准入决定（专项工作组，须说明理由）',
      { params: s.projectIdParam, body: { ...json(s.admissionDecisionBody), required: true } },
      { status: 200, schema: s.projectResponse, description: '已决定' },
      ['If-Match', 'Idempotency-Key'],
    ),
    async (c) => {
      const { projectId } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = expectedVersionFrom(c);
      return (await idem(c, body, (x) =>
        services.projects.decideAdmission(x, projectId, expected, body),
      )) as never;
    },
  );

  // 申请
  app.openapi(
    op(
      'post',
      '/pre-review',
      '办件',
      '智能预审：检查材料是否齐全，不保存',
      {
        body: { ...json(s.submitCaseBody), required: true },
      },
      { status: 200, schema: s.looseObject, description: '预审结果' },
    ),
    async (c) =>
      c.json(await services.cases.preReview({ actor: actorOf(c) }, c.req.valid('json')), 200) as never,
  );
  app.openapi(
    op(
      'post',
      '/cases',
      '办件',
      '提交阶段申请（返回预审意见）',
      { body: { ...json(s.submitCaseBody), required: true } },
      { status: 201, schema: s.stageCaseResponse, description: '已提交' },
      ['Idempotency-Key'],
    ),
    async (c) => {
      const body = c.req.valid('json');
      return (await idem(c, body, (x) => services.cases.submit(x, body), 201)) as never;
    },
  );
  app.openapi(
    op(
      'get',
      '/cases',
      '办件',
      '办件列表：申请单位看本单位办件，窗口、督查和评估机构按状态查看',
      {
        query: paginationQuerySchema.extend({
          status: z
            .enum([
              'submitted',
              'correctionRequested',
              'underReview',
              'approved',
              'rejected',
              'refused',
              'terminated',
            ])
            .optional(),
        }),
      },
      { status: 200, schema: s.looseObject, description: '分页列表' },
    ),
    async (c) =>
      c.json(pageBody(await services.cases.list({ actor: actorOf(c) }, c.req.valid('query'))), 200) as never,
  );
  app.openapi(
    op(
      'get',
      '/cases/{caseId}',
      '办件',
      '查看办件',
      { params: s.caseIdParam },
      {
        status: 200,
        schema: s.stageCaseResponse,
        description: '办件',
      },
    ),
    async (c) =>
      versioned(c, await services.cases.get({ actor: actorOf(c) }, c.req.valid('param').caseId)) as never,
  );
  app.openapi(
    op(
      'get',
      '/cases/{caseId}/progress',
      '办件',
      '办理进度：六步进度、各事项时限、亮灯与时间线',
      { params: s.caseIdParam },
      {
        status: 200,
        schema: s.looseObject,
        description: '进度',
      },
    ),
    async (c) => {
      const p = await services.cases.progress({ actor: actorOf(c) }, c.req.valid('param').caseId);
      setVersionHeader(c, p.version);
      return c.json(p, 200) as never;
    },
  );

  // 受理
  app.openapi(
    op(
      'get',
      '/acceptance-queue',
      '受理',
      '待受理办件（按受理时限排序）',
      { query: paginationQuerySchema },
      {
        status: 200,
        schema: s.looseObject,
        description: '分页列表',
      },
    ),
    async (c) =>
      c.json(
        pageBody(await services.cases.acceptanceQueue({ actor: actorOf(c) }, c.req.valid('query'))),
        200,
      ) as never,
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/acceptance',
      '受理',
      '受理决定：受理、容缺受理、一次性告知补正、不予受理',
      { params: s.caseIdParam, body: { ...json(s.acceptanceBody), required: true } },
      { status: 200, schema: s.stageCaseResponse, description: '已决定' },
      ['If-Match', 'Idempotency-Key'],
    ),
    async (c) => {
      const { caseId } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = expectedVersionFrom(c);
      return (await idem(c, body, (x) => services.cases.actOnAcceptance(x, caseId, expected, body))) as never;
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/resubmission',
      '受理',
      '按补正通知补齐后重新提交',
      { params: s.caseIdParam, body: { ...json(s.materialsBody), required: true } },
      { status: 200, schema: s.stageCaseResponse, description: '已重新提交' },
      ['If-Match', 'Idempotency-Key'],
    ),
    async (c) => {
      const { caseId } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = expectedVersionFrom(c);
      return (await idem(c, body, (x) =>
        services.cases.resubmit(x, caseId, expected, body.materials),
      )) as never;
    },
  );

  // 审查
  app.openapi(
    op(
      'get',
      '/inbox',
      '审查',
      '本部门待审事项（按到期日排序）',
      { query: paginationQuerySchema },
      {
        status: 200,
        schema: s.looseObject,
        description: '分页列表',
      },
    ),
    async (c) => {
      const page = await services.cases.inbox({ actor: actorOf(c) }, c.req.valid('query'));
      return c.json({ items: page.items, ...(page.cursor ? { nextCursor: page.cursor } : {}) }, 200) as never;
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/items/{itemCode}/decision',
      '审查',
      '事项审批决定（批准或不予批准）',
      { params: s.itemParams, body: { ...json(s.itemDecisionBody), required: true } },
      { status: 200, schema: s.stageCaseResponse, description: '已决定' },
      ['Idempotency-Key', 'If-Match?'],
    ),
    async (c) => {
      const { caseId, itemCode } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = optionalExpectedVersionFrom(c);
      return (await idem(c, body, (x) =>
        services.cases.decideItem(x, caseId, itemCode, expected, body),
      )) as never;
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/items/{itemCode}/correction',
      '审查',
      '审查中一次性告知补正（计时暂停）',
      { params: s.itemParams, body: { ...json(s.itemCorrectionBody), required: true } },
      { status: 200, schema: s.stageCaseResponse, description: '已告知' },
      ['Idempotency-Key', 'If-Match?'],
    ),
    async (c) => {
      const { caseId, itemCode } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = optionalExpectedVersionFrom(c);
      return (await idem(c, body, (x) =>
        services.cases.requestItemCorrection(x, caseId, itemCode, expected, body),
      )) as never;
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/items/{itemCode}/special-procedure',
      '审查',
      '特别程序（专家评审、听证、现场踏勘、公示等）开始或结束，期间不计时',
      { params: s.itemParams, body: { ...json(s.specialProcedureBody), required: true } },
      { status: 200, schema: s.stageCaseResponse, description: '已记录' },
      ['Idempotency-Key', 'If-Match?'],
    ),
    async (c) => {
      const { caseId, itemCode } = c.req.valid('param');
      const body = c.req.valid('json');
      const expected = optionalExpectedVersionFrom(c);
      return (await idem(c, body, (x) =>
        services.cases.specialProcedure(x, caseId, itemCode, expected, body),
      )) as never;
    },
  );

  // 监督 and 反馈
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/supplements',
      '办件',
      '补交容缺或补正材料',
      { params: s.caseIdParam, body: { ...json(s.materialsBody), required: true } },
      { status: 200, schema: s.stageCaseResponse, description: '已补交' },
      ['Idempotency-Key'],
    ),
    async (c) => {
      const { caseId } = c.req.valid('param');
      const body = c.req.valid('json');
      return (await idem(c, body, (x) => services.cases.supplement(x, caseId, body.materials))) as never;
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/feedback',
      '办件',
      '服务评价（满意度 1–5 分）',
      { params: s.caseIdParam, body: { ...json(s.feedbackBody), required: true } },
      { status: 200, schema: s.stageCaseResponse, description: '已评价' },
      ['Idempotency-Key'],
    ),
    async (c) => {
      const { caseId } = c.req.valid('param');
      const body = c.req.valid('json');
      return (await idem(c, body, (x) => services.cases.feedback(x, caseId, body))) as never;
    },
  );
  app.openapi(
    op(
      'post',
      '/cases/{caseId}/termination',
      '办件',
      '终止办件（专项工作组）',
      { params: s.caseIdParam, body: { ...json(s.terminationBody), required: true } },
      { status: 200, schema: s.stageCaseResponse, description: '已终止' },
      ['Idempotency-Key'],
    ),
    async (c) => {
      const { caseId } = c.req.valid('param');
      const body = c.req.valid('json');
      return (await idem(c, body, (x) =>
        services.cases.terminate(x, caseId, body.reason, body.creditMark),
      )) as never;
    },
  );

  // 审计
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
        {
          status: 200,
          schema: s.looseObject,
          description: '审计记录',
        },
      ),
      async (c) => {
        const events = await services.audit.trail({ actor: actorOf(c) }, kind, idOf(c.req.valid('param')));
        return c.json({ events }, 200) as never;
      },
    );
    app.openapi(
      op(
        'get',
        `${base}/audit/verification`,
        '审计',
        '校验审计哈希链，报告第一个断裂处',
        { params },
        {
          status: 200,
          schema: s.looseObject,
          description: '校验结果',
        },
      ),
      async (c) =>
        c.json(
          await services.audit.verify({ actor: actorOf(c) }, kind, idOf(c.req.valid('param'))),
          200,
        ) as never,
    );
  }

  // 区域协同 (cross-province)
  app.post('/partner/events', async (c) => {
    // An event that arrived is acknowledged even when refused: the refusal is recorded here, and a
    // retry by the sender would be refused again. Only a failure to process it asks for a retry.
    const event = await c.req.json().catch(() => null);
    const outcome = await services.partners.receive(event);
    return c.json(outcome, 202);
  });
  app.get('/partner/materials/:projectCode/:sha256', async (c) => {
    const blob = await services.partners.serveToPartner({
      requester: c.req.header('x-gc-province') ?? '',
      timestamp: c.req.header('x-gc-timestamp') ?? '',
      signature: c.req.header('x-gc-signature') ?? '',
      method: 'GET',
      path: c.req.path,
      projectCode: c.req.param('projectCode'),
      sha256: c.req.param('sha256'),
    });
    return c.body(new Uint8Array(blob.bytes).buffer as ArrayBuffer, 200, {
      'content-type': blob.contentType,
    });
  });
  app.post('/materials', async (c) => {
    const length = Number(c.req.header('content-length') ?? '0');
    if (length > MAX_UPLOAD_BYTES) throw invalid('CONTENT_TOO_LARGE', '材料文件超过 20 MB');
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.length > MAX_UPLOAD_BYTES) throw invalid('CONTENT_TOO_LARGE', '材料文件超过 20 MB');
    const stored = await services.partners.uploadMaterial(
      { actor: actorOf(c) },
      bytes,
      c.req.header('content-type') ?? 'application/octet-stream',
    );
    return c.json(stored, 201);
  });
  app.openapi(
    op(
      'post',
      '/projects/{projectId}/shared-materials',
      '区域协同',
      '向合作省份共享材料（先通过 POST /materials 上传内容）',
      { params: s.projectIdParam, body: { ...json(s.shareMaterialBody), required: true } },
      { status: 200, schema: s.projectResponse, description: '已共享' },
      ['Idempotency-Key'],
    ),
    async (c) => {
      const { projectId } = c.req.valid('param');
      const body = c.req.valid('json');
      return (await idem(c, body, (x) => services.partners.shareMaterial(x, projectId, body))) as never;
    },
  );
  app.openapi(
    op(
      'get',
      '/partner-projects',
      '区域协同',
      '合作省份共享的跨省项目',
      { query: paginationQuerySchema },
      {
        status: 200,
        schema: s.looseObject,
        description: '分页列表',
      },
    ),
    async (c) => {
      const page = await services.partners.list({ actor: actorOf(c) }, c.req.valid('query'));
      return c.json({ items: page.items, ...(page.cursor ? { nextCursor: page.cursor } : {}) }, 200) as never;
    },
  );
  app.openapi(
    op(
      'get',
      '/partner-projects/{projectCode}',
      '区域协同',
      '跨省项目在合作省份的只读摘要、已互认的审批结果与共享材料',
      { params: z.object({ projectCode: z.string().min(1).max(64) }) },
      { status: 200, schema: s.looseObject, description: '合作省份视图' },
    ),
    async (c) => {
      const views = await services.partners.viewsOf({ actor: actorOf(c) }, c.req.valid('param').projectCode);
      return c.json({ views }, 200) as never;
    },
  );
  app.get('/partner-projects/:projectCode/materials/:origin/:sha256', async (c) => {
    const content = await services.partners.fetchPartnerMaterial(
      { actor: actorOf(c) },
      c.req.param('origin'),
      c.req.param('projectCode'),
      c.req.param('sha256'),
    );
    return c.body(new Uint8Array(content.bytes).buffer as ArrayBuffer, 200, {
      'content-type': content.contentType,
    });
  });
  app.openapi(
    op(
      'get',
      '/partner-events/rejected',
      '区域协同',
      '被拒收的合作省份事件（伪造、篡改、未授权等）',
      {
        query: paginationQuerySchema,
      },
      { status: 200, schema: s.looseObject, description: '分页列表' },
    ),
    async (c) => {
      const page = await services.partners.rejected({ actor: actorOf(c) }, c.req.valid('query'));
      return c.json({ items: page.items, ...(page.cursor ? { nextCursor: page.cursor } : {}) }, 200) as never;
    },
  );

  // 日历
  app.openapi(
    op(
      'get',
      '/calendar',
      '日历',
      '工作日历覆盖的年份与已加载的节假日安排',
      {},
      {
        status: 200,
        schema: s.looseObject,
        description: '覆盖情况',
      },
    ),
    async (c) => c.json(await services.calendar.coverage(), 200) as never,
  );
  app.openapi(
    op(
      'put',
      '/calendar/years/{year}',
      '日历',
      '加载某年节假日与调休安排（管理员），并重算暂定时限',
      {
        params: z.object({ year: z.coerce.number().int().min(2000).max(2100) }),
        body: { ...json(s.calendarYearBody), required: true },
      },
      { status: 200, schema: s.looseObject, description: '已加载' },
    ),
    async (c) => {
      const { year } = c.req.valid('param');
      const body = c.req.valid('json');
      const loaded = await services.calendar.loadYear({ actor: actorOf(c) }, { year, ...body });
      const recomputed = await services.cases.recomputeProvisional();
      return c.json({ ...loaded, recomputedCases: recomputed }, 200) as never;
    },
  );

  // 运维
  app.openapi(
    op(
      'post',
      '/sweeps',
      '运维',
      '立即运行时限巡检（亮灯、容缺到期终止）',
      {},
      {
        status: 200,
        schema: s.looseObject,
        description: '巡检结果',
      },
    ),
    async (c) => {
      return c.json(await services.sweep({ actor: actorOf(c) }), 200) as never;
    },
  );

  return app;
}

function pageBody<T>(page: { items: { value: T; version: number }[]; cursor?: string }) {
  return {
    items: page.items.map((v) => ({ ...v.value, version: v.version })),
    ...(page.cursor ? { nextCursor: page.cursor } : {}),
  };
}
