import { createHash, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/http/app.js';
import { createJwksVerifier } from '../../functions/http/auth.js';
import { CONSOLE_DIST } from '../../functions/local/console-build.js';
import { FileConsoleAssets } from '../../shared/adapters/console/file-console-assets.js';
import { type Harness, makeHarness } from '../support/province-harness.js';
import { checkPage, expectNoConsoleErrors, launchBrowser, openPage } from './support.js';

/**
 * The console as deployed on AWS: sign-in with OpenID Connect (authorization code + PKCE) against
 * the province's identity provider, here a small provider in the test that checks what a real one
 * checks (client, redirect, state round trip, S256 verifier) and signs ES256 tokens from its JWKS.
 */

type Server = ReturnType<typeof serve>;
const listen = async (fetch: (req: Request) => Response | Promise<Response>): Promise<[Server, string]> => {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
};

const CLIENT_ID = 'green-channel-console';
const AUDIENCE = 'green-channel-JS';

let idp: Server;
let idpUrl: string;
let province: Server;
let provinceUrl: string;
let harness: Harness;
let browser: Browser;
const issued: string[] = [];
const authorizeRequests: URLSearchParams[] = [];

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' };
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const app = new Hono();
  app.get('/.well-known/openid-configuration', (c) =>
    c.json(
      {
        issuer: idpUrl,
        authorization_endpoint: `${idpUrl}/authorize`,
        token_endpoint: `${idpUrl}/token`,
        jwks_uri: `${idpUrl}/jwks`,
      },
      200,
      { 'access-control-allow-origin': '*' },
    ),
  );
  app.get('/jwks', (c) => c.json({ keys: [jwk] }));
  app.get('/authorize', (c) => {
    const q = new URL(c.req.url).searchParams;
    authorizeRequests.push(q);
    if (q.get('client_id') !== CLIENT_ID || q.get('code_challenge_method') !== 'S256') {
      return c.text('bad request', 400);
    }
    const code = randomUUID();
    codes.set(code, { challenge: q.get('code_challenge') ?? '', redirectUri: q.get('redirect_uri') ?? '' });
    const back = new URL(q.get('redirect_uri') ?? '');
    back.search = new URLSearchParams({ code, state: q.get('state') ?? '' }).toString();
    return c.html(
      `<!doctype html><html lang="zh-CN"><title>统一身份认证</title><link rel="icon" href="data:,"><main><h1>统一身份认证</h1><a id="consent" href="${back}">同意并登录</a></main></html>`,
    );
  });
  app.post('/token', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const grant = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? '');
    const verifier = form.get('code_verifier') ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const cors = { 'access-control-allow-origin': provinceUrl };
    if (!grant || grant.challenge !== challenge || grant.redirectUri !== form.get('redirect_uri')) {
      return c.json({ error: 'invalid_grant' }, 400, cors);
    }
    const token = await new SignJWT({
      name: '赵刚（专项工作组）',
      role: 'supervisor',
      unit: '重大项目审批专项工作组',
    })
      .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
      .setSubject('oidc-supervisor-1')
      .setIssuer(idpUrl)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('1h')
      .setJti(`oidc-${issued.length + 1}`)
      .sign(privateKey);
    issued.push(token);
    return c.json({ access_token: token, token_type: 'Bearer', expires_in: 3600 }, 200, cors);
  });
  [idp, idpUrl] = await listen(app.fetch);

  harness = makeHarness();
  const api = createApp(harness.services, {
    verifier: createJwksVerifier({ jwksUrl: `${idpUrl}/jwks`, issuer: idpUrl, audience: AUDIENCE }),
    console: {
      assets: new FileConsoleAssets(CONSOLE_DIST),
      signIn: { mode: 'oidc', issuer: idpUrl, clientId: CLIENT_ID, scope: 'openid profile' },
    },
  });
  [province, provinceUrl] = await listen(api.fetch);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  province?.close();
  idp?.close();
  await harness?.stop();
});

describe('signing in to the console with the province identity provider (OIDC code + PKCE)', () => {
  it('goes to the provider, comes back signed in, and leaves no code or token in any address', async () => {
    const w = await openPage(browser);
    const requested: string[] = [];
    w.page.on('request', (r) => requested.push(r.url()));
    await w.page.goto(`${provinceUrl}/`);
    await w.page.waitForURL(/#\/sign-in/);
    // no demo users on a deployed province
    expect(await w.page.locator('[data-user]').count()).toBe(0);
    await checkPage(w.page, 'sign-in-oidc');
    await w.page.getByRole('button', { name: '使用统一身份认证登录' }).click();
    await w.page.waitForURL(/\/authorize\?/);
    const asked = authorizeRequests.at(-1)!;
    expect(asked.get('response_type')).toBe('code');
    expect(asked.get('redirect_uri')).toBe(`${provinceUrl}/`);
    expect(asked.get('scope')).toBe('openid profile');
    expect(asked.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    await w.page.locator('#consent').click();
    await w.page.waitForURL((url) => url.origin === provinceUrl && !url.hash.startsWith('#/sign-in'));
    await expect.poll(() => w.page.locator('.who-name').textContent()).toBe('赵刚（专项工作组）');
    await expect.poll(() => w.page.locator('nav .active').textContent()).toContain('工作台');
    // the one-time code is gone from the address bar, and the token was never in an address
    expect(new URL(w.page.url()).search).toBe('');
    const token = issued.at(-1)!;
    expect(requested.filter((u) => u.includes(token))).toEqual([]);
    expect(await w.page.evaluate(() => localStorage.length)).toBe(0);
    expectNoConsoleErrors(w);
    await w.close();
  });

  it('refuses a return that does not carry the state it sent, and says so in Chinese', async () => {
    const w = await openPage(browser);
    await w.page.goto(`${provinceUrl}/?code=forged&state=not-mine#/sign-in`);
    await expect.poll(() => w.page.locator('.el-alert').textContent()).toContain('统一身份认证登录未完成');
    expect(new URL(w.page.url()).search).toBe('');
    expect(await w.page.locator('.who-name').count()).toBe(0);
    await w.close();
  });
});
