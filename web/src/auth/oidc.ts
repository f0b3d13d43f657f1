import { api, call } from '../api/client';
import { signIn } from './session';

/**
 * OpenID Connect sign-in against the province's identity provider: authorization code with PKCE
 * (RFC 7636). Nothing secret is in the console; the code in the return address is useless without
 * the verifier kept in this tab's sessionStorage, and it is removed from the address at once.
 */

const PENDING_KEY = 'green-channel.oidc';

interface Pending {
  state: string;
  verifier: string;
  tokenEndpoint: string;
  clientId: string;
  next: string;
}

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** Where the provider sends the browser back: the console itself. */
export function redirectUri(): string {
  return `${location.origin}/`;
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
}

async function discover(issuer: string): Promise<Discovery> {
  const res = await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`discovery answered ${res.status}`);
  return (await res.json()) as Discovery;
}

/** Leaves for the provider's sign-in page. */
export async function startOidcSignIn(
  config: { issuer: string; clientId: string; scope: string },
  next: string,
): Promise<void> {
  const endpoints = await discover(config.issuer);
  const pending: Pending = {
    state: randomToken(),
    verifier: randomToken(),
    tokenEndpoint: endpoints.token_endpoint,
    clientId: config.clientId,
    next,
  };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(endpoints.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    scope: config.scope,
    state: pending.state,
    code_challenge: await challengeOf(pending.verifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/** On return from the provider: exchange the code, sign in, and clean the address bar. */
export async function completeOidcSignIn(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const state = params.get('state');
  const providerError = params.get('error');
  if (!code && !providerError) return;
  // the code must never stay in the address bar or the history
  history.replaceState(null, '', `${location.pathname}${location.hash || '#/'}`);
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = raw ? (JSON.parse(raw) as Pending) : undefined;
  if (providerError || !pending || !code || state !== pending.state) {
    sessionStorage.setItem('green-channel.signin-error', '统一身份认证登录未完成，请重试');
    return;
  }
  try {
    const res = await fetch(pending.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri(),
        client_id: pending.clientId,
        code_verifier: pending.verifier,
      }),
    });
    if (!res.ok) throw new Error(`token endpoint answered ${res.status}`);
    const tokens = (await res.json()) as { access_token?: string };
    if (!tokens.access_token) throw new Error('no access token');
    const me = await call(api.GET('/me', { headers: { authorization: `Bearer ${tokens.access_token}` } }));
    signIn(tokens.access_token, me);
    history.replaceState(null, '', `${location.pathname}#${pending.next || '/'}`);
  } catch {
    sessionStorage.setItem('green-channel.signin-error', '统一身份认证登录失败，请重试或联系管理员');
  }
}
