import { DomainError, notFound } from '../domain/errors.js';
import type { Instant, Notification } from '../domain/model.js';
import { addressesOf, type NoticeText } from '../domain/notifications.js';
import type { Change, IndexEntry } from '../ports/store.js';
import type { Ctx } from './context.js';
import type { Deps } from './deps.js';
import { commit, nowIso } from './unit-of-work.js';

const MAX_LIMIT = 100;
/** unreadCount looks at most this many recent notices per address */
const UNREAD_SCAN = 500;

const indexesOf = (n: Notification): IndexEntry[] => [
  { index: 'notifications', key: n.address, sort: `${n.createdAt}#${n.id}` },
];

/** A new notice to `address`; ids come from the deployment's id generator. */
export function newNotification(
  deps: Deps,
  address: string,
  text: NoticeText,
  refs: { caseId?: string; projectId?: string; itemCode?: string } = {},
  at: Instant = nowIso(deps),
): Notification {
  return {
    id: deps.ids.next('N'),
    address,
    type: text.type,
    titleZh: text.titleZh,
    bodyZh: text.bodyZh,
    ...(refs.caseId ? { caseId: refs.caseId } : {}),
    ...(refs.projectId ? { projectId: refs.projectId } : {}),
    ...(refs.itemCode ? { itemCode: refs.itemCode } : {}),
    createdAt: at,
  };
}

/**
 * The store change creating a notice, for a service to commit together with the change that
 * caused it (a lost race then writes neither). Its 'NotificationCreated' event goes through the
 * outbox to the bus, where the webhook rule picks it up.
 */
export function notificationChange(n: Notification, actor = 'system'): Change {
  return {
    kind: 'notification',
    id: n.id,
    expectedVersion: 0,
    value: n,
    indexes: indexesOf(n),
    events: [
      {
        type: 'NotificationCreated',
        actor,
        at: n.createdAt,
        data: {
          notificationId: n.id,
          address: n.address,
          notificationType: n.type,
          titleZh: n.titleZh,
          bodyZh: n.bodyZh,
          ...(n.caseId ? { caseId: n.caseId } : {}),
          ...(n.projectId ? { projectId: n.projectId } : {}),
          ...(n.itemCode ? { itemCode: n.itemCode } : {}),
        },
      },
    ],
  };
}

/**
 * 通知: the actor's inbox merged from every address they read (own, role, department, lead, unit,
 * organisation). Read state belongs to the notice: a notice to a department or role is read for
 * all its members once one of them marked it.
 */
export class NotificationService {
  constructor(private readonly deps: Deps) {}

  /** Newest first; `before` is the `${createdAt}#${id}` of the last notice of the previous page. */
  async inbox(ctx: Ctx, options: { limit?: number; before?: string } = {}): Promise<Notification[]> {
    const limit = Math.min(Math.max(1, options.limit ?? 20), MAX_LIMIT);
    const pages = await Promise.all(
      addressesOf(ctx.actor).map((address) =>
        this.deps.store.query('notifications', address, {
          descending: true,
          limit: limit + 1,
          ...(options.before ? { to: options.before } : {}),
        }),
      ),
    );
    const hits = pages
      .flatMap((p) => p.items)
      .filter((h) => h.sort !== options.before)
      .sort((a, b) => (a.sort < b.sort ? 1 : a.sort > b.sort ? -1 : 0))
      .slice(0, limit);
    const found = await this.deps.store.getMany<Notification>(
      'notification',
      hits.map((h) => h.id),
    );
    const byId = new Map(found.map((f) => [f.value.id, f.value]));
    return hits.flatMap((h) => byId.get(h.id) ?? []);
  }

  async unreadCount(ctx: Ctx): Promise<number> {
    let unread = 0;
    for (const address of addressesOf(ctx.actor)) {
      const page = await this.deps.store.query('notifications', address, {
        descending: true,
        limit: UNREAD_SCAN,
      });
      const found = await this.deps.store.getMany<Notification>(
        'notification',
        page.items.map((h) => h.id),
      );
      unread += found.filter((f) => !f.value.readAt).length;
    }
    return unread;
  }

  /** Marks a notice read; only one of its recipients may, and marking it again changes nothing. */
  async markRead(ctx: Ctx, id: string): Promise<Notification> {
    for (let attempt = 0; ; attempt++) {
      const found = await this.deps.store.get<Notification>('notification', id);
      // a stranger learns nothing: someone else's notice does not exist for them
      if (!found || !addressesOf(ctx.actor).includes(found.value.address)) {
        throw notFound('NOTIFICATION_NOT_FOUND', '通知不存在');
      }
      if (found.value.readAt) return found.value;
      const next: Notification = { ...found.value, readAt: nowIso(this.deps) };
      try {
        await commit(this.deps, ctx, [
          {
            kind: 'notification',
            id,
            expectedVersion: found.version,
            value: next,
            indexes: indexesOf(next),
            events: [],
          },
        ]);
        return next;
      } catch (err) {
        const lostRace = err instanceof DomainError && err.code === 'VERSION_CONFLICT' && attempt < 3;
        if (!lostRace) throw err;
      }
    }
  }
}
