import { createRoute, z } from '@hono/zod-openapi';
import { ctxOf } from '../auth.js';
import { BEARER_SCHEME, PARTNER_SCHEME } from '../docs.js';
import { materialHeaders } from '../material-download.js';
import { json, op } from '../openapi-route.js';
import { paginationQuerySchema } from '../pagination.js';
import { PROBLEM_CONTENT_TYPE, problemResponses, problemSchema } from '../problem.js';
import * as r from '../response-schemas.js';
import { plainPage, type RouteKit } from '../route-kit.js';
import * as s from '../schemas.js';

const binary = z.string().openapi({ type: 'string', format: 'binary', description: '文件内容（原始字节）' });
const binaryContent = (description: string) => ({
  content: { 'application/octet-stream': { schema: binary }, '*/*': { schema: binary } },
  description,
});
const problem = (description: string) => ({
  content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
  description,
});

/**
 * Path parameters of the raw routes are documented, not constrained: the service decides (a
 * malformed hash is simply not found or refused), exactly as before they were documented.
 */
const text = (description: string) => z.string().openapi({ description });

/** POST /partner/events: the body is documented, but read raw (a malformed event is recorded, not refused). */
const partnerEventsRoute = createRoute({
  method: 'post',
  path: '/partner/events',
  tags: ['区域协同'],
  summary: '接收合作省份的事件（签名信封；伪造、篡改、非发给本省的事件被拒收并记录）',
  security: [{ [PARTNER_SCHEME]: [] }],
  request: {
    body: { content: { 'application/json': { schema: r.partnerBusEventSchema } }, required: true },
  },
  responses: {
    202: { ...json(r.partnerEventOutcomeSchema), description: '已处理：接收、重复或拒收（拒收已记录）' },
    413: problem('请求体超过 256 KB（PAYLOAD_TOO_LARGE）'),
    429: problem('该发送省份的请求过于频繁（TOO_MANY_REQUESTS，见 Retry-After），发送方应稍后重试'),
    500: problem('处理失败，发送方应重试'),
  },
});

/**
 * GET /partner/public-key: the keys this province signs partner events, shared-material requests and
 * results with, for a partner's operator to pin (`npm run partner-key`). Public: a key is no secret,
 * and trust comes from comparing the fingerprint out of band, not from this answer.
 */
const publicKeyRoute = createRoute({
  method: 'get',
  path: '/partner/public-key',
  tags: ['区域协同'],
  summary: '本省签名公钥（无需登录）：合作省份核对指纹后固定到其部署配置',
  security: [],
  responses: { 200: { ...json(r.partnerPublicKeysSchema), description: '签名公钥及其标识、指纹' } },
});

/** A refused event as stored: only the fields it was recorded with, each when present. */
function rejectedEvent(v: Record<string, unknown>) {
  const str = (x: unknown) => (typeof x === 'string' ? x : undefined);
  const eventId = str(v.eventId);
  const source = str(v.source);
  const type = str(v.type);
  const caseId = str(v.caseId);
  const sender = str(v.sender);
  const firstAt = str(v.firstAt);
  const count =
    typeof v.count === 'number' && Number.isInteger(v.count) && v.count >= 1 ? v.count : undefined;
  return {
    ...(eventId !== undefined ? { eventId } : {}),
    ...(source !== undefined ? { source } : {}),
    ...(type !== undefined ? { type } : {}),
    ...(caseId !== undefined ? { caseId } : {}),
    reason: str(v.reason) ?? '',
    ...(sender !== undefined ? { sender } : {}),
    ...(count !== undefined ? { count } : {}),
    ...(firstAt !== undefined ? { firstAt } : {}),
    at: str(v.at) ?? '',
  };
}

/** Routes of 区域协同 (cross-province): inbound partner events, shared material content, partner projects. */
export function mountPartnerRoutes({ app, services, idem, partnerRate, limits }: RouteKit): void {
  app.openapi(publicKeyRoute, async (c) => {
    return c.json(await services.results.partnerKeys(), 200);
  });
  // The bucket is the claimed sender's when it is a configured partner, one shared 'unknown'
  // bucket otherwise: a forger can at worst slow the sender it impersonates, whose outbox retries.
  const partnerCodes = new Set(services.deps.province.partners.map((p) => p.code));
  const senderOf = (claimed: unknown) =>
    typeof claimed === 'string' && partnerCodes.has(claimed) ? claimed : 'unknown';
  // Documented with its envelope body; served by a route without body validation (hidden from the
  // generator, so the operation appears once).
  app.openAPIRegistry.registerPath(partnerEventsRoute);
  app.openapi(
    {
      method: partnerEventsRoute.method,
      path: partnerEventsRoute.path,
      responses: partnerEventsRoute.responses,
      hide: true,
    },
    async (c) => {
      // An event that arrived is acknowledged even when refused: the refusal is recorded here, and a
      // retry by the sender would be refused again. Only a failure to process it asks for a retry.
      const event = await c.req.json().catch(() => null);
      const source = (event as { source?: unknown } | null)?.source;
      partnerRate.take(
        senderOf(typeof source === 'string' ? source.replace(/^green-channel\./, '') : undefined),
      );
      const outcome = await services.partners.receive(event);
      return c.json(outcome, 202);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/partner/materials/{projectCode}/{sha256}',
      tags: ['区域协同'],
      summary: '合作省份取得本省共享材料的内容（签名请求）',
      security: [{ [PARTNER_SCHEME]: [] }],
      request: {
        params: z.object({
          projectCode: text('投资项目统一代码'),
          sha256: text('材料内容的 SHA-256（小写十六进制）'),
        }),
        headers: z.object({
          'x-gc-province': z.string().optional().openapi({ description: '请求方省份代码，如 ZJ' }),
          'x-gc-timestamp': z
            .string()
            .optional()
            .openapi({ description: '签名时间（ISO 8601），与本省时钟相差不得超过 5 分钟' }),
          'x-gc-key-id': z
            .string()
            .optional()
            .openapi({ description: '签名所用密钥的编号（须为本省为该合作省份配置的密钥之一）' }),
        }),
      },
      responses: {
        200: binaryContent('材料内容（Content-Type 为上传时的类型）'),
        303: { description: '内容大于 4 MB：验证通过后重定向到预签名下载地址（5 分钟内有效）' },
        403: problem('签名无效、过期，请求方不是该项目的合作省份，或材料未共享（PARTNER_REQUEST_REFUSED）'),
        404: problem('材料内容不存在（CONTENT_NOT_FOUND）'),
        429: problem('该请求省份的请求过于频繁（TOO_MANY_REQUESTS，见 Retry-After）'),
        500: problem('服务器内部错误'),
      },
    }),
    async (c) => {
      partnerRate.take(senderOf(c.req.header('x-gc-province')));
      const content = await services.partners.serveToPartner(
        {
          requester: c.req.header('x-gc-province') ?? '',
          timestamp: c.req.header('x-gc-timestamp') ?? '',
          signature: c.req.header('x-gc-signature') ?? '',
          keyId: c.req.header('x-gc-key-id') ?? '',
          method: 'GET',
          path: c.req.path,
          projectCode: c.req.param('projectCode'),
          sha256: c.req.param('sha256'),
        },
        { inlineMaxBytes: limits.inlineDownloadBytes },
      );
      // issued only after the signature, the partnership and the sharing were verified
      if (content.kind === 'redirect') return c.redirect(new URL(content.url, c.req.url).toString(), 303);
      return c.body(new Uint8Array(content.bytes), 200, materialHeaders(content.contentType));
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/materials',
      tags: ['区域协同'],
      summary: '上传材料文件（原始字节，最大 20 MB；按内容寻址，返回 SHA-256 供提交或共享材料时引用）',
      security: [{ [BEARER_SCHEME]: [] }],
      request: {
        body: {
          content: { 'application/octet-stream': { schema: binary }, '*/*': { schema: binary } },
          required: true,
          description: '文件内容；Content-Type 随内容保存（缺省为 application/octet-stream）',
        },
      },
      responses: {
        201: { ...json(r.uploadedMaterialSchema), description: '已保存' },
        ...problemResponses,
        413: problem('材料文件超过 20 MB（PAYLOAD_TOO_LARGE；分块上传在读到上限时即中止）'),
        422: problem('内容为空（EMPTY_CONTENT）'),
      },
    }),
    async (c) => {
      // The body limit (limits.ts, 20 MB here) has cut off anything larger while it streamed in.
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      const stored = await services.partners.uploadMaterial(
        ctxOf(c),
        bytes,
        c.req.header('content-type') ?? 'application/octet-stream',
      );
      return c.json(stored, 201);
    },
  );
  app.openapi(
    op(
      'post',
      '/projects/{projectId}/shared-materials',
      '区域协同',
      '向合作省份共享材料（先通过 POST /materials 上传内容）',
      { params: s.projectIdParam, body: { ...json(s.shareMaterialBody), required: true } },
      { status: 200, schema: r.projectResponse, description: '已共享' },
      ['Idempotency-Key'],
    ),
    async (c) => {
      const { projectId } = c.req.valid('param');
      const body = c.req.valid('json');
      return idem(c, body, 200, (x) => services.partners.shareMaterial(x, projectId, body));
    },
  );
  app.openapi(
    op(
      'get',
      '/partner-projects',
      '区域协同',
      '合作省份共享的跨省项目',
      { query: paginationQuerySchema },
      { status: 200, schema: r.partnerProjectPage, description: '分页列表' },
    ),
    async (c) => c.json(plainPage(await services.partners.list(ctxOf(c), c.req.valid('query'))), 200),
  );
  app.openapi(
    op(
      'get',
      '/partner-projects/{projectCode}',
      '区域协同',
      '跨省项目在合作省份的只读摘要、已互认的审批结果与共享材料',
      { params: z.object({ projectCode: z.string().min(1).max(64) }) },
      { status: 200, schema: r.partnerViewsSchema, description: '合作省份视图' },
    ),
    async (c) => {
      const views = await services.partners.viewsOf(ctxOf(c), c.req.valid('param').projectCode);
      return c.json({ views }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/partner-projects/{projectCode}/materials/{origin}/{sha256}',
      tags: ['区域协同'],
      summary: '审查人员查看合作省份共享材料的内容（从来源省份取得并核对签名摘要）',
      security: [{ [BEARER_SCHEME]: [] }],
      request: {
        params: z.object({
          projectCode: text('投资项目统一代码'),
          origin: text('来源省份代码，如 JS'),
          sha256: text('材料内容的 SHA-256（小写十六进制）'),
        }),
      },
      responses: {
        200: binaryContent('材料内容（Content-Type 为来源省份保存的类型）'),
        303: { description: '内容大于 4 MB：核对摘要后存入本省存储，重定向到预签名下载地址（5 分钟内有效）' },
        ...problemResponses,
      },
    }),
    async (c) => {
      const { content } = await services.partners.fetchPartnerMaterial(
        ctxOf(c),
        c.req.param('origin'),
        c.req.param('projectCode'),
        c.req.param('sha256'),
        { inlineMaxBytes: limits.inlineDownloadBytes },
      );
      if (content.kind === 'redirect') return c.redirect(new URL(content.url, c.req.url).toString(), 303);
      return c.body(new Uint8Array(content.bytes), 200, materialHeaders(content.contentType));
    },
  );
  app.openapi(
    op(
      'get',
      '/partner-events/rejected',
      '区域协同',
      '被拒收的合作省份事件（伪造、篡改、未授权等）',
      { query: paginationQuerySchema },
      { status: 200, schema: r.rejectedEventPage, description: '分页列表' },
    ),
    async (c) => {
      const page = await services.partners.rejected(ctxOf(c), c.req.valid('query'));
      return c.json(plainPage({ ...page, items: page.items.map(rejectedEvent) }), 200);
    },
  );
}
