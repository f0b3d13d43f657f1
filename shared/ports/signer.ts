/**
 * The province's signing key: a local P-256 key file on one machine, a KMS asymmetric key
 * (ECC_NIST_P256, ECDSA_SHA_256) on AWS. Verification needs only the public key and lives in the
 * domain (shared/domain/signature.ts), so partners check signatures without any port.
 */
export interface Signer {
  /** the key id partners know this province's public key by */
  readonly keyId: string;
  /** ECDSA P-256 / SHA-256 signature over the bytes, DER-encoded, base64 */
  sign(bytes: Uint8Array): Promise<string>;
  /** the public key as SPKI PEM, for the partners' configuration */
  publicKeyPem(): Promise<string>;
}
