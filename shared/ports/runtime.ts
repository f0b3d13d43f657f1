/** Small ports the services need besides the store. */

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** a new unique id with a readable prefix, e.g. `C-...` for a stage case */
  next(prefix: string): string;
}

/** A domain event as it leaves the province (past-tense type, versioned schema, source = province). */
export interface DomainEvent {
  id: string;
  type: string;
  version: number;
  source: string;
  time: string;
  subject: string;
  data: Record<string, unknown>;
  /** the correlation id of the request that committed it, for following it across logs */
  correlationId?: string;
}

export interface EventPublisher {
  publish(events: DomainEvent[]): Promise<void>;
}
