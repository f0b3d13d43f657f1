import { type OpenAPIHono, z } from '@hono/zod-openapi';
import type { NotificationService } from '../../../shared/services/notifications.js';
import { type AppEnv, ctxOf } from '../auth.js';
import { op } from '../openapi-route.js';
import * as r from '../response-schemas.js';

const inboxQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ description: '每条数（1–100，默认 20）', example: 20 }),
  before: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: '上一页返回的 nextBefore，用于取更早的通知' }),
});

/** 通知: the signed-in person's notices (own, role, department, lead, unit, organisation). */
export function mountNotificationRoutes(
  app: OpenAPIHono<AppEnv>,
  services: { notifications: NotificationService },
): void {
  app.openapi(
    op(
      'get',
      '/notifications',
      '通知',
      '我的通知（按时间倒序，含所在部门、单位、角色与本单位的通知）',
      { query: inboxQuery },
      { status: 200, schema: r.notificationInbox, description: '通知列表与未读数' },
    ),
    async (c) => {
      const { limit, before } = c.req.valid('query');
      const ctx = ctxOf(c);
      const [items, unread] = await Promise.all([
        services.notifications.inbox(ctx, { limit, ...(before ? { before } : {}) }),
        services.notifications.unreadCount(ctx),
      ]);
      const last = items[items.length - 1];
      return c.json(
        {
          items,
          unread,
          ...(last && items.length === limit ? { nextBefore: `${last.createdAt}#${last.id}` } : {}),
        },
        200,
      );
    },
  );

  app.openapi(
    op(
      'post',
      '/notifications/{id}/read',
      '通知',
      '标记通知为已读（仅收件人；重复标记无副作用）',
      { params: z.object({ id: z.string().min(1).max(80) }) },
      { status: 200, schema: r.notificationSchema, description: '已读的通知' },
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      return c.json(await services.notifications.markRead(ctxOf(c), id), 200);
    },
  );
}
