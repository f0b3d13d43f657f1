import { z } from '@hono/zod-openapi';
import { ctxOf } from '../auth.js';
import { json, op } from '../openapi-route.js';
import { paginationQuerySchema } from '../pagination.js';
import * as r from '../response-schemas.js';
import { plainPage, type RouteKit } from '../route-kit.js';

export const tokenRevocationBody = z
  .object({
    jti: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9_.:-]+$/, '凭证编号只能由字母、数字、下划线、点、冒号和连字符组成')
      .openapi({ description: '要吊销的登录凭证编号（JWT 的 jti）' }),
    reason: z.string().min(1).max(200).openapi({ description: '吊销原因，如"令牌泄露"' }),
  })
  .strict()
  .openapi('TokenRevocationRequest');

/** 登录凭证吊销: the administrator's revocation list, checked on every authenticated request. */
export function mountTokenRevocationRoutes({ app, services }: RouteKit): void {
  app.openapi(
    op(
      'post',
      '/token-revocations',
      '运维',
      '吊销登录凭证（管理员）：此后携带该 jti 的凭证一律被拒（TOKEN_REVOKED）',
      { body: { ...json(tokenRevocationBody), required: true } },
      { status: 201, schema: r.tokenRevocationSchema, description: '已吊销' },
    ),
    async (c) => {
      const revoked = await services.tokenRevocations.revoke(ctxOf(c), c.req.valid('json'));
      return c.json(revoked, 201);
    },
  );
  app.openapi(
    op(
      'get',
      '/token-revocations',
      '运维',
      '已吊销的登录凭证（管理员）',
      { query: paginationQuerySchema },
      { status: 200, schema: r.tokenRevocationPage, description: '分页列表，最近吊销的在前' },
    ),
    async (c) => c.json(plainPage(await services.tokenRevocations.list(ctxOf(c), c.req.valid('query'))), 200),
  );
}
