import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Bucket, type CfnBucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PRIVATE_BUCKET } from './private-bucket.js';

export interface AccessLogsProps {
  /** how long access records are kept (default 400 days: a full year of audits and some slack) */
  retention?: Duration;
}

/**
 * S3 server access logs of the province's buckets (who read which drawing, when a checkpoint was
 * written): one bucket, a prefix per logged bucket. Delivered by the S3 logging service under a
 * bucket policy scoped to each source bucket, so no ACLs are needed (owner-enforced ownership).
 */
export class AccessLogs extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: AccessLogsProps = {}) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      ...PRIVATE_BUCKET,
      lifecycleRules: [{ expiration: props.retention ?? Duration.days(400) }],
      // evidence of access outlives the stack
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** Turns on server access logging of `bucket` into `<prefix>/`. */
  record(bucket: IBucket, prefix: string): void {
    // The buckets are built by their own constructs; logging is set on their CloudFormation resource
    // so each stays unaware of where its logs go.
    const cfn = bucket.node.defaultChild as CfnBucket;
    cfn.loggingConfiguration = { destinationBucketName: this.bucket.bucketName, logFilePrefix: `${prefix}/` };
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: `ServerAccessLogs${prefix.replace(/[^A-Za-z0-9]/g, '')}`,
        principals: [new ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${prefix}/*`)],
        conditions: {
          ArnLike: { 'aws:SourceArn': bucket.bucketArn },
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        },
      }),
    );
  }
}
