import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { drainServer } from '../../functions/local/province-runtime.js';

/** A stopping province lets requests in flight finish, closes idle connections at once, cuts the rest. */

let server: Server | undefined;
afterEach(() => server?.closeAllConnections());

function listen(handler: Parameters<typeof createServer>[1]): Promise<number> {
  server = createServer({ keepAliveTimeout: 60_000 }, handler);
  return new Promise((resolve) =>
    server!.listen(0, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port)),
  );
}

function get(port: number, path: string): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = request({ port, path, host: '127.0.0.1', agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (e) => resolve({ error: e.message }));
    });
    req.on('error', (e) => resolve({ error: e.message }));
    req.end();
  });
}

describe('graceful stop (drainServer)', () => {
  it('a request in flight when the province stops still gets its answer', async () => {
    const port = await listen((req, res) => {
      setTimeout(() => res.end(`done ${req.url}`), 300);
    });
    const inFlight = get(port, '/slow');
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await drainServer(server!, 5_000);
    expect(await inFlight).toEqual({ status: 200, body: 'done /slow' });
    // it waited for the answer, not for the keep-alive timeout or the cut
    expect(Date.now() - started).toBeLessThan(2_000);
    // and no new connection is taken
    expect(await get(port, '/late')).toHaveProperty('error');
  });

  it('a request that outlives the drain period is cut, and the stop completes', async () => {
    const port = await listen(() => {
      // never answers
    });
    const hung = get(port, '/hung');
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await drainServer(server!, 300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(await hung).toHaveProperty('error');
  });
});
