import { BlockPublicAccess, BucketEncryption, type BucketProps, ObjectOwnership } from 'aws-cdk-lib/aws-s3';

/**
 * What every bucket of the stack is: encrypted with S3-managed keys (server access logging cannot
 * deliver to SSE-KMS buckets, so the log bucket must be this too), never public, owned by the
 * account with ACLs disabled, reachable over TLS only. Each bucket adds its own retention.
 */
export const PRIVATE_BUCKET = {
  encryption: BucketEncryption.S3_MANAGED,
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
  enforceSSL: true,
} as const satisfies BucketProps;
