import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { KmsSigner } from '../../shared/adapters/signing/kms-signer.js';
import { signEnvelope, verifyEnvelope } from '../../shared/domain/signature.js';

const KEY_ARN = 'arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/**
 * A fake KMS that behaves like the real one for an ECC_NIST_P256 key: RAW messages are hashed and
 * signed, DIGEST messages are signed as the digest, signatures come back DER-encoded.
 */
function fakeKms(options: { keySpec?: string; failPublicKeyOnce?: boolean } = {}) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const calls: { name: string; input: Record<string, unknown> }[] = [];
  const preimages = new Map<string, Uint8Array>();
  let failPublicKey = options.failPublicKeyOnce ?? false;
  const client = {
    async send(command: unknown) {
      if (command instanceof SignCommand) {
        const input = command.input;
        calls.push({ name: 'Sign', input: { ...input } });
        if (input.SigningAlgorithm !== 'ECDSA_SHA_256') throw new Error('unsupported algorithm');
        const message = input.Message!;
        if (input.MessageType === 'RAW') {
          if (message.byteLength > 4096) throw new Error('ValidationException: message too long');
          return { KeyId: input.KeyId, Signature: new Uint8Array(sign('sha256', message, privateKey)) };
        }
        if (input.MessageType === 'DIGEST') {
          if (message.byteLength !== 32) throw new Error('ValidationException: digest length');
          // node:crypto cannot sign a bare digest; sign the message the test says it came from
          const original = preimages.get(Buffer.from(message).toString('hex'));
          if (!original) throw new Error('unknown digest');
          return { KeyId: input.KeyId, Signature: new Uint8Array(sign('sha256', original, privateKey)) };
        }
        throw new Error('unsupported message type');
      }
      if (command instanceof GetPublicKeyCommand) {
        calls.push({ name: 'GetPublicKey', input: { ...command.input } });
        if (failPublicKey) {
          failPublicKey = false;
          throw new Error('ThrottlingException');
        }
        return {
          KeyId: command.input.KeyId,
          KeySpec: options.keySpec ?? 'ECC_NIST_P256',
          KeyUsage: 'SIGN_VERIFY',
          SigningAlgorithms: ['ECDSA_SHA_256'],
          PublicKey: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
        };
      }
      throw new Error('unexpected command');
    },
  };
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    client: client as never,
    calls,
    publicPem,
    knowPreimage(bytes: Uint8Array) {
      preimages.set(createHash('sha256').update(bytes).digest('hex'), bytes);
    },
  };
}

const payload = { kind: 'resultIssued', origin: 'SH', eventId: 'E-9', resultNo: '沪建审〔2026〕7号' };
const AT = '2026-05-06T08:00:00.000Z';

describe('KmsSigner', () => {
  it('signs envelopes with RAW ECDSA_SHA_256 that verifyEnvelope accepts against the KMS public key', async () => {
    const kms = fakeKms();
    const signer = new KmsSigner({ client: kms.client, keyId: KEY_ARN });
    expect(signer.keyId).toBe(KEY_ARN);
    const envelope = await signEnvelope(signer, 'SH', payload, AT);
    expect(kms.calls[0]).toMatchObject({
      name: 'Sign',
      input: { KeyId: KEY_ARN, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' },
    });
    expect((kms.calls[0]!.input.Message as Uint8Array).byteLength).toBeLessThanOrEqual(4096);

    const publicKeyPem = await signer.publicKeyPem();
    expect(publicKeyPem).toBe(kms.publicPem);
    expect(publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(verifyEnvelope(envelope, [{ origin: 'SH', publicKeyPem, keyId: KEY_ARN }])).toEqual({
      ok: true,
      envelope,
    });
    const tampered = { ...envelope, payload: { ...payload, resultNo: 'x' } };
    expect(verifyEnvelope(tampered, [{ origin: 'SH', publicKeyPem, keyId: KEY_ARN }])).toEqual({
      ok: false,
      reason: 'hashMismatch',
    });
  });

  it('caches the public key, and fetches again after a failure', async () => {
    const kms = fakeKms({ failPublicKeyOnce: true });
    const signer = new KmsSigner({ client: kms.client, keyId: KEY_ARN });
    await expect(signer.publicKeyPem()).rejects.toThrow(/Throttling/);
    const [a, b] = await Promise.all([signer.publicKeyPem(), signer.publicKeyPem()]);
    expect(a).toBe(kms.publicPem);
    expect(b).toBe(a);
    await signer.publicKeyPem();
    expect(kms.calls.filter((c) => c.name === 'GetPublicKey')).toHaveLength(2);
  });

  it('refuses a key that is not ECC_NIST_P256', async () => {
    const kms = fakeKms({ keySpec: 'RSA_2048' });
    await expect(new KmsSigner({ client: kms.client, keyId: KEY_ARN }).publicKeyPem()).rejects.toThrow(
      /ECC_NIST_P256/,
    );
  });

  it('sends messages over the 4096-byte RAW limit as a SHA-256 DIGEST, with the same signature semantics', async () => {
    const kms = fakeKms();
    const signer = new KmsSigner({ client: kms.client, keyId: KEY_ARN });
    const big = new Uint8Array(5000).fill(7);
    kms.knowPreimage(big);
    const signature = await signer.sign(big);
    const call = kms.calls.at(-1)!;
    expect(call.input.MessageType).toBe('DIGEST');
    expect(Buffer.from(call.input.Message as Uint8Array).toString('hex')).toBe(
      createHash('sha256').update(big).digest('hex'),
    );
    expect(
      verify('sha256', big, { key: kms.publicPem, dsaEncoding: 'der' }, Buffer.from(signature, 'base64')),
    ).toBe(true);

    const edge = new Uint8Array(4096).fill(1);
    await signer.sign(edge);
    expect(kms.calls.at(-1)!.input.MessageType).toBe('RAW');
  });

  it('fails loudly when KMS returns no signature', async () => {
    const signer = new KmsSigner({ client: { send: async () => ({}) } as never, keyId: KEY_ARN });
    await expect(signer.sign(new Uint8Array([1]))).rejects.toThrow(/no signature/);
    await expect(signer.publicKeyPem()).rejects.toThrow(/no public key/);
  });
});
