import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Bucket, ObjectLockRetention } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PRIVATE_BUCKET } from './private-bucket.js';

export interface CheckpointBucketProps {
  /** how long each checkpoint is locked; approval files are kept for years */
  retention?: Duration;
}

/**
 * 审计检查点 (shared/adapters/checkpoints/s3-checkpoint-log.ts): Object Lock in compliance mode,
 * so no one, the account root included, can delete or overwrite a checkpoint before its retention
 * ends. That is what lets a checkpoint stand against an insider who controls the table.
 */
export class CheckpointBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: CheckpointBucketProps = {}) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      ...PRIVATE_BUCKET,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(props.retention ?? Duration.days(365 * 10)),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** The writer may add checkpoints and nothing else: no read, no delete, no retention change. */
  grantAppend(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('checkpoints/*')],
      }),
    );
  }

  /** Auditors and partners read checkpoints through the API. */
  grantRead(grantee: IGrantable): void {
    this.bucket.grantRead(grantee, 'checkpoints/*');
  }
}
