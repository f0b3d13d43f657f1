import { OpenAPIHono } from '@hono/zod-openapi';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AppEnv,
  actorFromClaims,
  authMiddleware,
  createLocalSigner,
} from '../../functions/http/auth.js';
import { errorHandler, validationHook } from '../../functions/http/problem.js';
import { mountNotificationRoutes } from '../../functions/http/routes/notifications.js';
import { demoActors } from '../../functions/local/demo-actors.js';
import { jiangsu } from '../../shared/config/provinces/jiangsu.js';
import type { Actor } from '../../shared/domain/model.js';
import {
  NotificationService,
  newNotification,
  notificationChange,
} from '../../shared/services/notifications.js';
import { commit } from '../../shared/services/unit-of-work.js';
import { type Harness, makeHarness } from '../support/province-harness.js';

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.stop()));
});

describe('department leads', () => {
  it('each department has a demo lead, and the lead claim survives a token', async () => {
    const leads = demoActors(jiangsu).filter((a) => a.lead);
    expect(leads.map((a) => a.id)).toContain('js-lead-nrp');
    expect(leads).toHaveLength(jiangsu.departments.length);
    expect(leads.every((a) => a.role === 'reviewer' && a.department)).toBe(true);
    expect(
      actorFromClaims({ sub: 'x', name: 'x', role: 'reviewer', department: 'nrp', lead: true }).lead,
    ).toBe(true);
    expect(() => actorFromClaims({ sub: 'x', name: 'x', role: 'supervisor', lead: true })).toThrow();
  });
});

describe('GET /notifications, POST /notifications/{id}/read', () => {
  it('lists the caller’s notices with the unread count and marks one read', async () => {
    const h = makeHarness();
    harnesses.push(h);
    const deps = h.services.deps;
    const signer = await createLocalSigner({ issuer: 'test', audience: 'test' });
    const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
    app.onError(errorHandler);
    app.use('*', authMiddleware(signer.verifier()));
    mountNotificationRoutes(app, { notifications: new NotificationService(deps) });

    const lead: Actor = { id: 'js-lead-nrp', name: '处长', role: 'reviewer', department: 'nrp', lead: true };
    const stranger: Actor = { id: 'js-reviewer-eco', name: '审查员', role: 'reviewer', department: 'eco' };
    for (const address of ['dept:nrp', 'dept:nrp:lead', 'dept:eco']) {
      await commit(deps, undefined, [
        notificationChange(newNotification(deps, address, { type: 't', titleZh: '标题', bodyZh: '正文' })),
      ]);
    }
    const call = async (actor: Actor, method: string, path: string) =>
      app.request(path, { method, headers: { authorization: `Bearer ${await signer.sign(actor)}` } });

    const res = await call(lead, 'GET', '/notifications?limit=1');
    expect(res.status).toBe(200);
    const page = (await res.json()) as {
      items: { id: string; address: string }[];
      unread: number;
      nextBefore?: string;
    };
    expect(page.unread).toBe(2);
    expect(page.items).toHaveLength(1);
    expect(page.nextBefore).toBeDefined();
    const rest = (await (
      await call(lead, 'GET', `/notifications?before=${encodeURIComponent(page.nextBefore!)}`)
    ).json()) as { items: { address: string }[] };
    expect([...page.items, ...rest.items].map((n) => n.address).sort()).toEqual([
      'dept:nrp',
      'dept:nrp:lead',
    ]);

    const id = page.items[0]!.id;
    expect((await call(stranger, 'POST', `/notifications/${id}/read`)).status).toBe(404);
    const read = await call(lead, 'POST', `/notifications/${id}/read`);
    expect(read.status).toBe(200);
    expect(((await read.json()) as { readAt?: string }).readAt).toBeDefined();
    expect(((await (await call(lead, 'GET', '/notifications')).json()) as { unread: number }).unread).toBe(1);
  });
});
