import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Bucket, HttpMethods } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PRIVATE_BUCKET } from './private-bucket.js';

/** The largest material the API presigns an upload for (GC_MATERIAL_MAX_BYTES of the API function). */
export const MATERIAL_MAX_BYTES = 200 * 1024 * 1024;

/**
 * Content of submitted materials, addressed by sha256 (shared/ports/blobs.ts). Private: nobody
 * reaches it without a URL the API presigned (its role signs them) after checking who asks; partners
 * get one only after their signed request is verified. Uploads and downloads go between the browser
 * and the bucket directly, because API Gateway → Lambda carries at most 6 MB. Versioned and retained
 * like the table: materials are evidence in approval files.
 */
export class MaterialBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      ...PRIVATE_BUCKET,
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

  /**
   * Lets the console (at these origins) PUT to presigned upload URLs and GET presigned downloads.
   * The headers are those the presigned PUT signs (content-type, the SHA-256 checksum).
   */
  allowConsole(origins: string[]): void {
    this.bucket.addCorsRule({
      allowedOrigins: origins,
      allowedMethods: [HttpMethods.PUT, HttpMethods.GET, HttpMethods.HEAD],
      allowedHeaders: ['content-type', 'x-amz-checksum-sha256'],
      exposedHeaders: ['ETag', 'x-amz-checksum-sha256'],
      maxAge: 3600,
    });
  }

  /**
   * Read and store content, which also lets the role presign GetObject and PutObject URLs (a
   * presigned request acts with the signer's permissions); nothing may delete or overwrite history
   * (no s3:DeleteObject*).
   */
  grantReadPut(grantee: IGrantable): void {
    this.bucket.grantRead(grantee);
    this.bucket.grantPut(grantee);
  }
}
