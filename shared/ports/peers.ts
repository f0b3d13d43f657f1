/**
 * The partner provinces as this province reaches them: their public keys (to verify what they
 * sign) and their shared material content (fetched from the origin's storage on demand).
 */
export interface PeerDirectory {
  /** the partner's signing public key (SPKI PEM), or undefined when unknown */
  publicKeyOf(province: string): Promise<string | undefined>;
  /** the content of a material the origin shared for a project, or undefined when it refuses or lacks it */
  fetchSharedMaterial(
    origin: string,
    projectCode: string,
    sha256: string,
  ): Promise<{ bytes: Uint8Array; contentType: string } | undefined>;
}
