import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BusEvent } from '../../domain/cross-province-rules.js';
import { publicKeyFingerprint, type TrustedKey } from '../../domain/signature.js';
import { signedRequestBytes } from '../../domain/signed-request.js';
import type { PeerDirectory } from '../../ports/peers.js';
import type { Signer } from '../../ports/signer.js';

/**
 * How a partner is reached: its API base URL. (A peers-folder file also shows the partner's public
 * key, for people; verification never reads it: keys are pinned at start, see PinnedKeys.)
 */
export interface PeerAddress {
  url?: string;
  publicKeyPem?: string;
}

/** Where addresses come from: the deployment config on AWS, a shared folder on one machine. */
export type PeerResolver = (province: string) => PeerAddress | undefined;

/** Partners from configuration (AWS: the PARTNERS variable the stack sets). */
export function configResolver(partners: Record<string, PeerAddress>): PeerResolver {
  return (province) => partners[province];
}

/**
 * Partners on the same machine: each local province writes `<dir>/<CODE>.json` with its URL and
 * public key when it starts, so the others find it even after it restarts on another port. Only
 * the URL is used: the folder is writable, so a key read from it at verification time could be
 * anyone's.
 */
export function folderResolver(dir: string): PeerResolver {
  return (province) => {
    try {
      const { url } = JSON.parse(readFileSync(join(dir, `${province}.json`), 'utf8')) as PeerAddress;
      return typeof url === 'string' ? { url } : undefined;
    } catch {
      return undefined;
    }
  };
}

export function registerInFolder(
  dir: string,
  province: string,
  address: Required<PeerAddress> & { keyId: string; pid: number },
) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${province}.json`);
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ province, ...address }, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/**
 * The partners' keys, pinned once at start: a frozen copy that nothing can add to or change while
 * the province runs (a key file rewritten afterwards is simply never read again).
 */
export interface PinnedKeys {
  of(origin: string): readonly TrustedKey[];
}

export function pinKeys(keys: readonly TrustedKey[]): PinnedKeys {
  const byOrigin = new Map<string, TrustedKey[]>();
  for (const k of keys) {
    if (typeof k.keyId !== 'string' || k.keyId.length === 0) {
      throw new Error(`partner key of ${k.origin} has no key id`);
    }
    byOrigin.set(k.origin, [...(byOrigin.get(k.origin) ?? []), Object.freeze({ ...k })]);
  }
  for (const list of byOrigin.values()) Object.freeze(list);
  return Object.freeze({ of: (origin: string) => byOrigin.get(origin) ?? [] });
}

/**
 * Local runtime: a partner's public key as its signer published it next to its key file
 * (`<partner data dir>/result-signing-key.pem.pub.pem`), read once, at start. The supervisor
 * creates every province's key before starting any, so the file exists by then.
 */
export function readPublishedKey(origin: string, publicKeyFile: string): TrustedKey | undefined {
  let publicKeyPem: string;
  try {
    publicKeyPem = readFileSync(publicKeyFile, 'utf8');
  } catch {
    return undefined;
  }
  return { origin, publicKeyPem, keyId: publicKeyFingerprint(publicKeyPem) };
}

const TIMEOUT_MS = 10_000;

/** A partner's HTTP API, reached with requests signed by this province's key. */
export class HttpPeerDirectory implements PeerDirectory {
  constructor(
    private readonly self: string,
    private readonly signer: Signer,
    private readonly resolve: PeerResolver,
    private readonly keys: PinnedKeys = pinKeys([]),
  ) {}

  trustedKeys(province: string): readonly TrustedKey[] {
    return this.keys.of(province);
  }

  async fetchSharedMaterial(origin: string, projectCode: string, sha256: string) {
    const url = this.resolve(origin)?.url;
    if (!url) return undefined;
    const path = `/partner/materials/${encodeURIComponent(projectCode)}/${sha256}`;
    const timestamp = new Date().toISOString();
    const signature = await this.signer.sign(signedRequestBytes('GET', path, timestamp, this.self));
    try {
      const res = await fetch(`${url}${path}`, {
        headers: {
          'x-gc-province': this.self,
          'x-gc-timestamp': timestamp,
          'x-gc-signature': signature,
          'x-gc-key-id': this.signer.keyId,
        },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!res.ok) return undefined;
      return {
        bytes: new Uint8Array(await res.arrayBuffer()),
        contentType: res.headers.get('content-type') ?? 'application/octet-stream',
      };
    } catch {
      return undefined;
    }
  }

  /**
   * The local bus's forwarding target for one partner: delivers the event to the partner's inbound
   * endpoint. Anything but a 2xx answer throws, so the outbox keeps the event and retries it.
   */
  forwardTo(partner: string): (event: BusEvent) => Promise<void> {
    return async (event) => {
      const url = this.resolve(partner)?.url;
      if (!url) throw new Error(`partner ${partner} has no known address`);
      const res = await fetch(`${url}/partner/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`partner ${partner} answered ${res.status}`);
    };
  }
}
