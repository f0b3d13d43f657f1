import { createRoute, type RouteConfig, z } from '@hono/zod-openapi';
import { problemResponses } from './problem.js';

/** The operation groups of the API reference (/docs), in Chinese as people read them. */
export type Tag =
  | '项目'
  | '准入'
  | '办件'
  | '受理'
  | '审查'
  | '审计'
  | '日历'
  | '运维'
  | '区域协同'
  | '督办通报'
  | '通知'
  | '投诉与退出';

export const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const ok = (schema: z.ZodType, description: string) => ({ ...json(schema), description });

/**
 * One documented operation: bearer auth, the given request parts, its success response and every
 * problem+json answer; headers name the Idempotency-Key and If-Match it takes.
 */
export function op<Req extends NonNullable<RouteConfig['request']>>(
  method: 'get' | 'post' | 'put',
  path: string,
  tag: Tag,
  summary: string,
  request: Req,
  response: { status: 200 | 201; schema: z.ZodType; description: string },
  headers: ('Idempotency-Key' | 'If-Match' | 'If-Match?')[] = [],
) {
  const headerParams = headers.length
    ? z.object(
        Object.fromEntries(
          headers.map((h) => [
            h.replace('?', '').toLowerCase(),
            h === 'If-Match'
              ? z.string().openapi({ description: '期望版本号（ETag），如 "3"' })
              : z
                  .string()
                  .optional()
                  .openapi({
                    description:
                      h === 'Idempotency-Key' ? '幂等键：同一键重复提交返回首次结果' : '可选的期望版本号',
                  }),
          ]),
        ),
      )
    : undefined;
  return createRoute({
    method,
    path,
    tags: [tag],
    summary,
    security: [{ bearerAuth: [] }],
    request: { ...request, ...(headerParams ? { headers: headerParams } : {}) } as Req,
    responses: { [response.status]: ok(response.schema, response.description), ...problemResponses },
  });
}
