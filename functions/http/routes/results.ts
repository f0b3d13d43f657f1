import { createRoute, z } from '@hono/zod-openapi';
import { ctxOf } from '../auth.js';
import { json, op } from '../openapi-route.js';
import { problemResponses } from '../problem.js';
import * as r from '../response-schemas.js';
import type { RouteKit } from '../route-kit.js';

/** Result numbers are `<province><year>-<id>`: letters, digits and hyphens. */
const resultNo = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/)
  .openapi({ description: '电子批文编号', example: 'JS2026-R-0001' });

/**
 * GET /verify/results/{resultNo}: public (no token, see PUBLIC_PATHS in app.ts). A wrong hash and
 * an unknown number give the same answer, so the sequential numbers cannot be enumerated.
 */
const verifyRoute = createRoute({
  method: 'get',
  path: '/verify/results/{resultNo}',
  tags: ['电子批文'],
  summary: '公开核验电子批文（无需登录）：有效、已撤销或未找到',
  security: [],
  request: {
    params: z.object({ resultNo }),
    query: z.object({
      hash: z
        .string()
        .regex(/^[0-9a-fA-F]{64}$/)
        .openapi({ description: '批文上印明的 SHA-256 摘要（64 位十六进制）' }),
    }),
  },
  responses: {
    200: { ...json(r.resultVerificationSchema), description: '核验结果' },
    400: problemResponses[400],
    500: problemResponses[500],
  },
});

/** GET /verify/keys: public too, so a printed result's signature can be checked without the API. */
const keysRoute = createRoute({
  method: 'get',
  path: '/verify/keys',
  tags: ['电子批文'],
  summary: '电子批文签名公钥（无需登录）：按批文上的密钥标识离线核对签名',
  security: [],
  responses: {
    200: { ...json(r.resultKeysSchema), description: '签名公钥' },
    500: problemResponses[500],
  },
});

/** Routes of 电子批文: the printable result for those who may read its case, and public verification. */
export function mountResultRoutes({ app, services }: RouteKit): void {
  app.openapi(
    op(
      'get',
      '/results/{resultNo}',
      '电子批文',
      '电子批文（可打印）：编号、事项、决定、日期、部门、摘要、签名与密钥标识',
      { params: z.object({ resultNo }) },
      { status: 200, schema: r.resultDocumentSchema, description: '电子批文' },
    ),
    async (c) => c.json(await services.results.document(ctxOf(c), c.req.valid('param').resultNo), 200),
  );
  app.openapi(keysRoute, async (c) => {
    const published = await services.results.publicKeys();
    return c.json({ ...published, signedMessage: 'green-channel.result.v1:<resultNo>:<resultHash>' }, 200);
  });
  app.openapi(verifyRoute, async (c) => {
    const answer = await services.results.verify(c.req.valid('param').resultNo, c.req.valid('query').hash);
    // a revocation must show at once: no cache may keep an earlier 'valid'
    c.header('Cache-Control', 'no-store');
    return c.json(answer, 200);
  });
}
