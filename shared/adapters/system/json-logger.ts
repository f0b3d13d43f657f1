import type { LogFields, Logger, Metrics, MetricUnit, Telemetry } from '../../ports/telemetry.js';

/**
 * The local runtime's telemetry: one JSON object per line on stdout, keyed as Powertools Logger
 * keys them on Lambda (`level`, `message`, `timestamp`, `service`, then the fields), and metrics as
 * the same CloudWatch Embedded Metric Format blobs Powertools Metrics writes. So a log query or a
 * metric filter tried on a local run reads the Lambda logs unchanged.
 */

export const METRICS_NAMESPACE = 'GreenChannel';

export interface JsonTelemetryOptions {
  service: string;
  province: string;
  /** where lines go (default: stdout) */
  write?: (line: string) => void;
  clock?: () => Date;
}

type Level = 'INFO' | 'WARN' | 'ERROR';

/** An Error as Powertools formats one: name, message, the first stack frame and the stack. */
export function errorFields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const location = err.stack
    ?.split('\n')[1]
    ?.trim()
    .replace(/^at\s+/, '');
  return {
    name: err.name,
    message: err.message,
    ...(location ? { location } : {}),
    ...(err.stack ? { stack: err.stack } : {}),
    ...(err.cause !== undefined ? { cause: errorFields(err.cause) } : {}),
  };
}

class JsonLogger implements Logger {
  constructor(
    private readonly options: Required<Pick<JsonTelemetryOptions, 'write' | 'clock' | 'service'>>,
    private readonly persistent: LogFields,
  ) {}

  private line(level: Level, message: string, fields: LogFields = {}) {
    const { error, ...rest } = fields as LogFields & { error?: unknown };
    this.options.write(
      JSON.stringify({
        level,
        message,
        timestamp: this.options.clock().toISOString(),
        service: this.options.service,
        ...this.persistent,
        ...rest,
        ...(error !== undefined ? { error: errorFields(error) } : {}),
      }),
    );
  }

  info(message: string, fields?: LogFields) {
    this.line('INFO', message, fields);
  }
  warn(message: string, fields?: LogFields) {
    this.line('WARN', message, fields);
  }
  error(message: string, fields?: LogFields & { error?: unknown }) {
    this.line('ERROR', message, fields);
  }
  child(fields: LogFields): Logger {
    return new JsonLogger(this.options, { ...this.persistent, ...fields });
  }
}

/** Metrics buffered until flush, then one EMF line per dimension set (as Powertools groups them). */
class EmfLines implements Metrics {
  private pending = new Map<
    string,
    { dims: Record<string, string>; values: Map<string, [MetricUnit, number[]]> }
  >();

  constructor(
    private readonly options: Required<
      Pick<JsonTelemetryOptions, 'write' | 'clock' | 'service' | 'province'>
    >,
  ) {}

  add(name: string, unit: MetricUnit, value: number, dimensions: Record<string, string> = {}) {
    const dims = { service: this.options.service, province: this.options.province, ...dimensions };
    const key = JSON.stringify(Object.entries(dims).sort());
    let group = this.pending.get(key);
    if (!group) {
      group = { dims, values: new Map() };
      this.pending.set(key, group);
    }
    const entry = group.values.get(name) ?? [unit, []];
    entry[1].push(value);
    group.values.set(name, entry);
  }

  flush() {
    const groups = [...this.pending.values()];
    this.pending = new Map();
    for (const { dims, values } of groups) {
      this.options.write(
        JSON.stringify({
          _aws: {
            Timestamp: this.options.clock().getTime(),
            CloudWatchMetrics: [
              {
                Namespace: METRICS_NAMESPACE,
                Dimensions: [Object.keys(dims)],
                Metrics: [...values].map(([Name, [Unit]]) => ({ Name, Unit })),
              },
            ],
          },
          ...dims,
          ...Object.fromEntries([...values].map(([name, [, v]]) => [name, v.length === 1 ? v[0] : v])),
        }),
      );
    }
  }
}

export function jsonTelemetry(options: JsonTelemetryOptions): Telemetry {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const clock = options.clock ?? (() => new Date());
  const full = { ...options, write, clock };
  return {
    logger: new JsonLogger(full, { province: options.province }),
    metrics: new EmfLines(full),
  };
}
