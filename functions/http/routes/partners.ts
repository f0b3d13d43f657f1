import { z } from '@hono/zod-openapi';
import { invalid } from '../../../shared/domain/errors.js';
import { actorOf } from '../auth.js';
import { json, op } from '../openapi-route.js';
import { paginationQuerySchema } from '../pagination.js';
import type { RouteKit } from '../route-kit.js';
import * as s from '../schemas.js';

/** Material uploads are capped so one request cannot exhaust memory. */
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

/** Routes of 区域协同 (cross-province): inbound partner events, shared material content, partner projects. */
export function mountPartnerRoutes({ app, services, idem }: RouteKit): void {
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
}
