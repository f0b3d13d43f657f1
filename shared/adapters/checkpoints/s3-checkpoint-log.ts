import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AuditCheckpoint } from '../../domain/audit-checkpoint.js';
import type { CheckpointLog } from '../../ports/checkpoints.js';

export interface S3CheckpointLogOptions {
  client: S3Client;
  bucket: string;
}

const PREFIX = 'checkpoints/';
const SAFE_ID = /^[A-Za-z0-9:._-]{1,128}$/;
const keyOf = (number: number, id: string) => `${PREFIX}${String(number).padStart(9, '0')}-${id}.json`;

/**
 * Checkpoints in an S3 bucket with Object Lock in compliance mode (infra/constructs/
 * checkpoint-bucket.ts): the default retention keeps every version undeletable and unchangeable,
 * by anyone, root included, until it expires. The writer is granted s3:PutObject only, with
 * If-None-Match so a key is never written twice; readers list and get.
 */
export class S3CheckpointLog implements CheckpointLog {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(options: S3CheckpointLogOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
  }

  async append(checkpoint: AuditCheckpoint): Promise<void> {
    const { id, number } = checkpoint.envelope.payload;
    if (!SAFE_ID.test(id)) throw new Error(`checkpoint id not usable as a key: ${id}`);
    const body = JSON.stringify(checkpoint);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: keyOf(number, id),
        Body: body,
        ContentType: 'application/json',
        IfNoneMatch: '*',
        // Object Lock requires an integrity checksum on every put.
        ChecksumAlgorithm: 'SHA256',
      }),
    );
  }

  async list(): Promise<AuditCheckpoint[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: PREFIX, ContinuationToken: token }),
      );
      for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    keys.sort();
    const out: AuditCheckpoint[] = [];
    for (const key of keys) {
      const found = await this.read(key);
      if (found) out.push(found);
    }
    return out;
  }

  async get(id: string): Promise<AuditCheckpoint | undefined> {
    if (!SAFE_ID.test(id)) return undefined;
    return (await this.list()).find((c) => c.envelope.payload.id === id);
  }

  private async read(key: string): Promise<AuditCheckpoint | undefined> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const text = (await out.Body?.transformToString('utf8')) ?? '';
    try {
      const value = JSON.parse(text) as AuditCheckpoint;
      return value?.envelope?.payload && Array.isArray(value.heads) ? value : undefined;
    } catch {
      return undefined;
    }
  }
}
