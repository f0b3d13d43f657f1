import { describe, expect, it } from 'vitest';
import { parseDeployments } from '../../infra/config.js';
import { defaultDeployments } from '../../infra/deployments.js';
import { fetchPartnerKey, fingerprintOf, pinPartnerKey } from '../../infra/pin-partner-key.js';
import { publicKeyFingerprint } from '../../shared/domain/signature.js';
import { ApiClient } from '../support/api-client.js';

/** A partner's key: served by GET /partner/public-key, checked by fingerprint, pinned into the deployment. */

describe('partner key exchange', () => {
  it('serves the signing key with its id and fingerprint, without a token', async () => {
    const js = await ApiClient.create();
    const res = await js.app.request('/partner/public-key');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      province: string;
      keys: { keyId: string; publicKeyPem: string; fingerprint: string }[];
    };
    expect(body.province).toBe('JS');
    expect(body.keys).toHaveLength(1);
    expect(body.keys[0]!.keyId).toBe(js.h.services.deps.signer.keyId);
    expect(body.keys[0]!.publicKeyPem).toBe(await js.h.services.deps.signer.publicKeyPem());
    expect(body.keys[0]!.fingerprint).toBe(publicKeyFingerprint(body.keys[0]!.publicKeyPem));
  });

  it('fetches the partner key, pins it into the deployment that names the partner, and the config accepts it', async () => {
    const js = await ApiClient.create();
    const fetchFn = async (url: string) => js.app.request(new URL(url).pathname);
    const key = await fetchPartnerKey('https://api.js.example/', 'JS', fetchFn);
    // the operator's tool computes the very fingerprint the province serves
    expect(key.fingerprint).toBe(publicKeyFingerprint(await js.h.services.deps.signer.publicKeyPem()));
    expect(fingerprintOf(key.publicKeyPem)).toBe(publicKeyFingerprint(key.publicKeyPem));

    const pinned = pinPartnerKey(structuredClone(defaultDeployments), 'ZJ', 'JS', key);
    const zj = parseDeployments(pinned).find((d) => d.province === 'ZJ')!;
    expect(zj.partners.find((p) => p.code === 'JS')).toMatchObject({
      publicKeyPem: key.publicKeyPem.trim(),
      keyId: key.keyId,
    });
    // nothing else moved
    expect(pinned.find((d) => d.province === 'JS')).toEqual(
      defaultDeployments.find((d) => d.province === 'JS'),
    );
  });

  it('refuses another province’s answer, a fingerprint that does not match the key, and an unknown link', async () => {
    const js = await ApiClient.create();
    const fetchFn = async (url: string) => js.app.request(new URL(url).pathname);
    await expect(fetchPartnerKey('https://api.zj.example', 'ZJ', fetchFn)).rejects.toThrow(
      /是 JS 的部署，不是 ZJ/,
    );

    const tampered = async () => {
      const real = (await (await js.app.request('/partner/public-key')).json()) as {
        province: string;
        keys: { fingerprint: string }[];
      };
      real.keys[0]!.fingerprint = '0000000000000000';
      return new Response(JSON.stringify(real), { headers: { 'content-type': 'application/json' } });
    };
    await expect(fetchPartnerKey('https://api.js.example', 'JS', tampered)).rejects.toThrow(/指纹/);

    const key = await fetchPartnerKey('https://api.js.example', 'JS', fetchFn);
    expect(() => pinPartnerKey(structuredClone(defaultDeployments), 'JS', 'JS', key)).toThrow(
      /没有合作省份 JS/,
    );
    expect(() => pinPartnerKey(structuredClone(defaultDeployments), 'GD', 'JS', key)).toThrow(/没有省份 GD/);
  });
});
