/**
 * Structured logs and metrics without a vendor: Powertools for AWS Lambda behind it on AWS
 * (functions/aws/observability.ts), JSON lines on stdout locally (shared/adapters/system/json-logger.ts).
 * Both write one JSON object per line with the same keys, so a query written against one runtime's
 * logs works on the other's.
 */

/** The keys every line about a request or a case carries when they are known. */
export interface LogContext {
  requestId?: string;
  province?: string;
  caseId?: string;
  correlationId?: string;
}

export type LogFields = LogContext & Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields & { error?: unknown }): void;
  /** a logger whose every line also carries `fields` (e.g. the request's ids) */
  child(fields: LogFields): Logger;
}

export type MetricUnit = 'Count' | 'Milliseconds' | 'Seconds';

/** The metric names the runtimes emit; alarms and dashboards refer to them by these names. */
export const METRICS = {
  /** one per recorded decision, dimension `decision` (the domain event type) */
  decisions: 'Decisions',
  /** items overdue (red lamp) seen by a sweep run */
  itemsOverdue: 'ItemsOverdue',
  sweepDuration: 'SweepDuration',
  /** age of the oldest event a relay run published: how far the outbox is behind */
  relayLag: 'RelayLag',
  relayPublished: 'RelayPublished',
  relayFailures: 'RelayFailures',
  /** partner events refused (bad signature, unknown sender, schema …), dimension `reason` */
  partnerRefusals: 'PartnerRefusals',
} as const;

export interface Metrics {
  /** `dimensions` beyond the province (which every metric carries) */
  add(name: string, unit: MetricUnit, value: number, dimensions?: Record<string, string>): void;
  /** writes what was added since the last flush (on AWS: one EMF blob per dimension set) */
  flush(): void;
}

export interface Telemetry {
  logger: Logger;
  metrics: Metrics;
}
