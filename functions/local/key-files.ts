import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateLocalSigner } from '../../shared/adapters/signing/local-signer.js';

/** Where a local province keeps the key it signs cross-province envelopes with. */
export const resultKeyFile = (dataRoot: string, code: string) =>
  join(dataRoot, code, 'result-signing-key.pem');

/** The public half its signer publishes next to it, which partners pin at their start. */
export const publishedKeyFile = (dataRoot: string, code: string) =>
  `${resultKeyFile(dataRoot, code)}.pub.pem`;

/**
 * The supervisor creates every province's signing key before it starts any province, so each
 * province can pin its partners' public keys once, at its own start, instead of reading a key file
 * whenever it verifies (a file someone could rewrite meanwhile).
 */
export async function ensureResultKeys(dataRoot: string, codes: readonly string[]): Promise<void> {
  for (const code of new Set(codes)) await loadOrCreateLocalSigner(resultKeyFile(dataRoot, code));
}

/** tokens.json holds bearer tokens: owner-only, also when the file existed with looser permissions. */
export function writeTokenFile(file: string, tokens: unknown): void {
  writeFileSync(file, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}
