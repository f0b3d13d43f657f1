import { describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';

/** /health says the process runs; /health/ready that it can read its store (for load balancers). */

describe('readiness', () => {
  it('is ready without a token while the store answers, and 503 problem+json once it does not', async () => {
    const c = await ApiClient.create();
    const ready = await c.app.request('/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', province: 'JS' });

    await c.h.store.close();
    const down = await c.app.request('/health/ready');
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toContain('application/problem+json');
    expect(down.headers.get('retry-after')).toBe('5');
    const body = (await down.json()) as { code: string; title: string };
    expect(body.code).toBe('STORE_UNAVAILABLE');
    expect(body.title).toMatch(/数据存储不可用/);
    // liveness stays up: the process itself is fine
    expect((await c.app.request('/health')).status).toBe(200);
  });

  it('every answer carries the security headers, problems and public paths included', async () => {
    const c = await ApiClient.create();
    for (const path of ['/health', '/cases', '/public/guide', '/nowhere']) {
      const res = await c.app.request(path);
      expect(res.headers.get('strict-transport-security'), path).toMatch(/max-age=\d+/);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });
});
