import type { AuditCheckpoint } from '../domain/audit-checkpoint.js';

/**
 * Where the province keeps its signed audit checkpoints, outside the store and append-only: files
 * under the data folder that the store never writes (local), an S3 bucket with Object Lock in
 * compliance mode (AWS). What comes back is checked with the public key before anyone relies on it.
 */
export interface CheckpointLog {
  /** adds a checkpoint; refuses (throws) to replace one that exists */
  append(checkpoint: AuditCheckpoint): Promise<void>;
  /** every checkpoint, oldest (lowest number) first */
  list(): Promise<AuditCheckpoint[]>;
  get(id: string): Promise<AuditCheckpoint | undefined>;
}
