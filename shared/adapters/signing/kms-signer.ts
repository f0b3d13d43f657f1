import { createHash, createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import type { Signer } from '../../ports/signer.js';

/** KMS accepts at most 4096 bytes with MessageType RAW; longer messages are hashed here first. */
export const KMS_RAW_MESSAGE_LIMIT = 4096;

export interface KmsSignerOptions {
  /** anything with the client's send: a KMSClient, or a fake in tests */
  client: Pick<KMSClient, 'send'>;
  /** the KMS key (id, ARN or alias) of an ECC_NIST_P256 SIGN_VERIFY key */
  keyId: string;
}

/**
 * The province's signing key on AWS: a KMS asymmetric key (ECC_NIST_P256, ECDSA_SHA_256), available
 * in the aws and aws-cn partitions alike. The private key never leaves KMS. KMS returns ECDSA
 * signatures DER-encoded, which is the port's format as is.
 *
 * Envelopes sign `green-channel.envelope.v1:<contentHash>` (90 bytes, see
 * shared/domain/signature.ts), so they always go as RAW. Anything over KMS's 4096-byte RAW limit
 * is hashed here and sent as DIGEST, which yields the same ECDSA-SHA-256 signature over the bytes.
 *
 * keyId is the configured KMS key id: it names the key in the envelopes partners receive.
 */
export class KmsSigner implements Signer {
  readonly keyId: string;
  private readonly client: Pick<KMSClient, 'send'>;
  private publicPem: Promise<string> | undefined;

  constructor(options: KmsSignerOptions) {
    this.client = options.client;
    this.keyId = options.keyId;
  }

  async sign(bytes: Uint8Array): Promise<string> {
    const raw = bytes.byteLength <= KMS_RAW_MESSAGE_LIMIT;
    const out = await this.client.send(
      new SignCommand({
        KeyId: this.keyId,
        Message: raw ? bytes : new Uint8Array(createHash('sha256').update(bytes).digest()),
        MessageType: raw ? 'RAW' : 'DIGEST',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    if (!out.Signature || out.Signature.byteLength === 0) {
      throw new Error(`KMS returned no signature for key ${this.keyId}`);
    }
    return Buffer.from(out.Signature).toString('base64');
  }

  /** The public key as SPKI PEM, fetched once (a failed fetch is retried on the next call). */
  publicKeyPem(): Promise<string> {
    if (!this.publicPem) {
      this.publicPem = this.fetchPublicKey();
      this.publicPem.catch(() => {
        this.publicPem = undefined;
      });
    }
    return this.publicPem;
  }

  private async fetchPublicKey(): Promise<string> {
    const out = await this.client.send(new GetPublicKeyCommand({ KeyId: this.keyId }));
    if (!out.PublicKey || out.PublicKey.byteLength === 0) {
      throw new Error(`KMS returned no public key for key ${this.keyId}`);
    }
    if (out.KeySpec !== undefined && out.KeySpec !== 'ECC_NIST_P256') {
      throw new Error(`KMS key ${this.keyId} is ${out.KeySpec}, expected ECC_NIST_P256`);
    }
    if (out.KeyUsage !== undefined && out.KeyUsage !== 'SIGN_VERIFY') {
      throw new Error(`KMS key ${this.keyId} is for ${out.KeyUsage}, expected SIGN_VERIFY`);
    }
    const key = createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error(`KMS key ${this.keyId} is not an EC P-256 key`);
    }
    return key.export({ type: 'spki', format: 'pem' }).toString();
  }
}
