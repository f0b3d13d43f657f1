import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { publicKeyFingerprint } from '../../domain/signature.js';
import type { Signer } from '../../ports/signer.js';

/**
 * The province's signing key on one machine: a P-256 private key in a PKCS#8 PEM file readable by
 * its owner only (0600), with the public key next to it as `<keyFile>.pub.pem` for the partners'
 * configuration. The key id is the public key's fingerprint.
 */
export async function loadOrCreateLocalSigner(keyFile: string): Promise<Signer> {
  const existing = await readIfExists(keyFile);
  const privatePem = existing ?? (await createKeyFile(keyFile));
  const signer = localSignerFromPem(privatePem);
  if (existing !== undefined) await tightenPermissions(keyFile);
  const publicFile = `${keyFile}.pub.pem`;
  const publicPem = await signer.publicKeyPem();
  if ((await readIfExists(publicFile)) !== publicPem) await writeFile(publicFile, publicPem, { mode: 0o644 });
  return signer;
}

/** A signer over a PKCS#8 (or SEC1) PEM private key, which must be an EC P-256 key. */
export function localSignerFromPem(privatePem: string): Signer {
  const key = createPrivateKey(privatePem);
  assertP256(key);
  const publicPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  const keyId = publicKeyFingerprint(publicPem);
  return {
    keyId,
    async sign(bytes: Uint8Array): Promise<string> {
      return sign('sha256', bytes, { key, dsaEncoding: 'der' }).toString('base64');
    },
    async publicKeyPem(): Promise<string> {
      return publicPem;
    },
  };
}

function assertP256(key: KeyObject): void {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('signing key must be an EC P-256 (prime256v1) private key');
  }
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Writes a fresh key to a temporary file (0600), then links it into place: the key file appears
 * complete or not at all, and if another process created it meanwhile, its key wins.
 */
async function createKeyFile(keyFile: string): Promise<string> {
  await mkdir(dirname(keyFile), { recursive: true });
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const tmp = `${keyFile}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, pem, { mode: 0o600, flag: 'wx' });
    await chmod(tmp, 0o600);
    try {
      await link(tmp, keyFile);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return await readFile(keyFile, 'utf8');
    }
    return pem;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** A key file others can read is made owner-only again (not meaningful on Windows). */
async function tightenPermissions(keyFile: string): Promise<void> {
  if (process.platform === 'win32') return;
  const { mode } = await stat(keyFile);
  if ((mode & 0o077) !== 0) await chmod(keyFile, 0o600);
}
