import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * Content of submitted materials, addressed by sha256 (shared/ports/blobs.ts). Private: partners
 * fetch shared content through this province's HTTP API, never from the bucket. Versioned and
 * retained like the table: materials are evidence in approval files.
 */
export class MaterialBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        // Content-addressed: a second put of the same key stores the same bytes again; the
        // older copy is redundant.
        { noncurrentVersionExpiration: Duration.days(30) },
        { abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });
  }

  /** Read and store content; nothing may delete or overwrite history (no s3:DeleteObject*). */
  grantReadPut(grantee: IGrantable): void {
    this.bucket.grantRead(grantee);
    this.bucket.grantPut(grantee);
  }
}
