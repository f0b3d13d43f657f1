import { z } from '@hono/zod-openapi';

/**
 * Cursor pagination for list operations. Cursors are opaque (the store's own), so clients page
 * forward without offsets that shift while cases move between inboxes.
 *
 * Not strict, unlike bodies: query strings routinely carry cache-busting or tracking parameters,
 * and an unknown query parameter cannot smuggle data into a change.
 */
export const paginationQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ description: '每页条数（1–100，默认 20）', example: 20 }),
  cursor: z
    .string()
    .min(1)
    .max(2048)
    .optional()
    .openapi({ description: '上一页返回的 nextCursor，用于取下一页' }),
});

export type PaginationQuery = z.infer<typeof paginationQuerySchema>;

/** `{ items, nextCursor? }`; nextCursor is present while there may be more. */
export function pageResponseSchema<T extends z.ZodType>(itemSchema: T) {
  return z.object({
    items: z.array(itemSchema),
    nextCursor: z.string().optional().openapi({ description: '存在时表示可能还有下一页' }),
  });
}
