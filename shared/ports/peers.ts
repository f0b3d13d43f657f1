import type { TrustedKey } from '../domain/signature.js';

/**
 * The partner provinces as this province reaches them: their public keys (to verify what they
 * sign) and their shared material content (fetched from the origin's storage on demand).
 */
export interface PeerDirectory {
  /** the partner's keys pinned at start (empty when none): never re-read while running */
  trustedKeys(province: string): readonly TrustedKey[];
  /** the content of a material the origin shared for a project, or undefined when it refuses or lacks it */
  fetchSharedMaterial(
    origin: string,
    projectCode: string,
    sha256: string,
  ): Promise<{ bytes: Uint8Array; contentType: string } | undefined>;
}
