import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { rememberVerified, type TokenVerifier } from '../../functions/http/auth.js';
import { DomainError } from '../../shared/domain/errors.js';
import type { Actor } from '../../shared/domain/model.js';

const actor: Actor = { id: 'u-1', name: '王敏', role: 'windowOfficer', unit: '专窗' };
const secret = new TextEncoder().encode('only-the-claims-matter-here-0123456789');

/** A token whose claims the cache reads (exp); its signature is the inner verifier's business. */
const tokenExpiringAt = (expSeconds: number, sub = 'u-1') =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime(expSeconds)
    .sign(secret);

/** An inner verifier that counts its signature checks and refuses what it is told to. */
function counting(refuse: (token: string) => boolean = () => false) {
  const calls: string[] = [];
  const verifier: TokenVerifier = {
    async verify(token) {
      calls.push(token);
      if (refuse(token)) throw new DomainError('unauthenticated', 'TOKEN_INVALID', '登录凭证无效');
      return actor;
    },
  };
  return { calls, verifier };
}

describe('verified tokens are remembered, never past their exp', () => {
  it('the same token is checked once, then answered from memory', async () => {
    let now = 1_800_000_000_000;
    const inner = counting();
    const v = rememberVerified(inner.verifier, { now: () => now });
    const token = await tokenExpiringAt(now / 1000 + 3600);
    expect(await v.verify(token)).toEqual(actor);
    now += 1000;
    expect(await v.verify(token)).toEqual(actor);
    expect(inner.calls).toHaveLength(1);
  });

  it('after exp (or maxAgeMs) the inner verifier decides again', async () => {
    let now = 1_800_000_000_000;
    const inner = counting();
    const v = rememberVerified(inner.verifier, { now: () => now, maxAgeMs: 60_000 });
    const shortLived = await tokenExpiringAt(now / 1000 + 10);
    const longLived = await tokenExpiringAt(now / 1000 + 3600, 'u-2');
    await v.verify(shortLived);
    await v.verify(longLived);
    now += 11_000; // past the short token's exp
    await v.verify(shortLived);
    await v.verify(longLived);
    expect(inner.calls.filter((t) => t === shortLived)).toHaveLength(2);
    expect(inner.calls.filter((t) => t === longLived)).toHaveLength(1);
    now += 60_000; // past maxAgeMs for the long one
    await v.verify(longLived);
    expect(inner.calls.filter((t) => t === longLived)).toHaveLength(2);
  });

  it('a refused token is never remembered: it is refused every time', async () => {
    const now = 1_800_000_000_000;
    const bad = await tokenExpiringAt(now / 1000 + 3600);
    const inner = counting((t) => t === bad);
    const v = rememberVerified(inner.verifier, { now: () => now });
    await expect(v.verify(bad)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    await expect(v.verify(bad)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    expect(inner.calls).toHaveLength(2);
  });

  it('holds at most `max` tokens, forgetting the least recently used', async () => {
    const now = 1_800_000_000_000;
    const inner = counting();
    const v = rememberVerified(inner.verifier, { now: () => now, max: 2 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((s) => tokenExpiringAt(now / 1000 + 3600, s)));
    await v.verify(a!);
    await v.verify(b!);
    await v.verify(a!); // a is now the most recent
    await v.verify(c!); // evicts b
    await v.verify(a!);
    await v.verify(b!);
    expect(inner.calls.filter((t) => t === a)).toHaveLength(1);
    expect(inner.calls.filter((t) => t === b)).toHaveLength(2);
  });
});
