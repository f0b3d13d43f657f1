import type { ProvinceConfig } from '../config/province-config.js';
import type { BlobStore } from '../ports/blobs.js';
import type { CheckpointLog } from '../ports/checkpoints.js';
import type { PeerDirectory } from '../ports/peers.js';
import type { Clock, EventPublisher, IdGenerator } from '../ports/runtime.js';
import type { Signer } from '../ports/signer.js';
import type { Store } from '../ports/store.js';
import type { WorkflowEngine } from '../ports/workflow.js';

/** Everything a province's services need; built by one composition root per runtime. */
export interface Deps {
  province: ProvinceConfig;
  store: Store;
  workflow: WorkflowEngine;
  events: EventPublisher;
  clock: Clock;
  ids: IdGenerator;
  /** signs what leaves the province for partners */
  signer: Signer;
  /** material content */
  blobs: BlobStore;
  peers: PeerDirectory;
  /** the append-only log of signed audit checkpoints; without one no checkpoints are written */
  checkpoints?: CheckpointLog;
  /** how long an Idempotency-Key's answer is replayed (default 24 h); after that it is a new request */
  idempotencyTtlHours?: number;
  /**
   * What a commit that wrote outbox messages does next. `background` (the default, for the local
   * runtime, whose process lives on): it starts the relay at once without waiting for it.
   * `none` (Lambda, frozen once the response is sent): nothing; the table's stream triggers the
   * relay function instead, so a handler that has returned leaves no work behind.
   */
  relay?: 'background' | 'none';
}
