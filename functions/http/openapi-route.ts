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
  | '投诉与退出'
  | '电子批文'
  | '信息公开'
  | '一张图';

export const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });

/** The success answer of an operation: its JSON schema under its status code. */
export type JsonSuccess<Status extends 200 | 201, Schema extends z.ZodType> = {
  [K in Status]: { content: { 'application/json': { schema: Schema } }; description: string };
};

function success<Status extends 200 | 201, Schema extends z.ZodType>(
  status: Status,
  schema: Schema,
  description: string,
): JsonSuccess<Status, Schema> {
  // A computed key widens to an index signature; the object has exactly the one key `status`.
  return { [status]: { ...json(schema), description } } as JsonSuccess<Status, Schema>;
}

/**
 * One documented operation: bearer auth, the given request parts, its success response and every
 * problem+json answer; headers name the Idempotency-Key and If-Match it takes. The route's type
 * keeps the success schema, so `app.openapi` checks the handler's `c.json(body, status)` against it.
 */
export function op<
  Req extends NonNullable<RouteConfig['request']>,
  Path extends string,
  Status extends 200 | 201,
  Schema extends z.ZodType,
>(
  method: 'get' | 'post' | 'put',
  path: Path,
  tag: Tag,
  summary: string,
  request: Req,
  response: { status: Status; schema: Schema; description: string },
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
    responses: {
      ...success(response.status, response.schema, response.description),
      ...problemResponses,
    },
  });
}
