/**
 * Observability on Lambda with Powertools for AWS Lambda (TypeScript): structured JSON logs
 * (Logger), CloudWatch metrics as Embedded Metric Format log lines (Metrics) and X-Ray subsegments
 * for the SDK clients (Tracer). Services never see Powertools: they get the Telemetry port
 * (shared/ports/telemetry.ts), whose local adapter writes the same lines to stdout.
 *
 * The Tracer pulls in aws-xray-sdk-core (~127 KB minified, ~25 ms to import), more than the rest of
 * a small function. It is therefore imported dynamically (its own bundle chunk) and only where X-Ray
 * tracing is on (Lambda sets AWS_XRAY_DAEMON_ADDRESS for active tracing), by the first call of a
 * traced client: a function without tracing never loads it.
 */
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { METRICS_NAMESPACE } from '../../shared/adapters/system/json-logger.js';
import type { LogFields, Logger, Metrics, MetricUnit, Telemetry } from '../../shared/ports/telemetry.js';

/** The `service` of every log line and metric: one name, so alarms need not know the function. */
export const SERVICE = 'green-channel';

type Env = Record<string, string | undefined>;

class LambdaLogger implements Logger {
  constructor(
    private readonly pt: PowertoolsLogger,
    private readonly fields: LogFields,
  ) {}
  info(message: string, fields?: LogFields) {
    this.pt.info(message, { ...this.fields, ...fields });
  }
  warn(message: string, fields?: LogFields) {
    this.pt.warn(message, { ...this.fields, ...fields });
  }
  error(message: string, fields?: LogFields & { error?: unknown }) {
    // Powertools formats an Error value (name, location, message, stack) wherever it sits
    this.pt.error(message, { ...this.fields, ...fields });
  }
  child(fields: LogFields): Logger {
    return new LambdaLogger(this.pt, { ...this.fields, ...fields });
  }
}

class LambdaMetrics implements Metrics {
  constructor(private readonly pt: PowertoolsMetrics) {}
  add(name: string, unit: MetricUnit, value: number, dimensions?: Record<string, string>) {
    if (dimensions && Object.keys(dimensions).length > 0) {
      // its own EMF blob (written at once), so the extra dimension does not apply to the others
      const single = this.pt.singleMetric();
      single.addDimensions(dimensions);
      single.addMetric(name, unit, value);
      return;
    }
    this.pt.addMetric(name, unit, value);
  }
  flush() {
    if (this.pt.hasStoredMetrics()) this.pt.publishStoredMetrics();
  }
}

/** Powertools Logger and Metrics for one province; every line and metric carries the province. */
export function lambdaTelemetry(province: string): Telemetry {
  const logger = new PowertoolsLogger({ serviceName: SERVICE, persistentKeys: { province } });
  const metrics = new PowertoolsMetrics({
    namespace: METRICS_NAMESPACE,
    serviceName: SERVICE,
    defaultDimensions: { province },
  });
  return { logger: new LambdaLogger(logger, {}), metrics: new LambdaMetrics(metrics) };
}

let shared: Telemetry | undefined;
/** One per execution environment, like the services. */
export function telemetry(env: Env = process.env): Telemetry {
  shared ??= lambdaTelemetry(env.PROVINCE ?? 'unknown');
  return shared;
}

/**
 * A Lambda handler with its invocation's logger (carrying the request id), an error line when it
 * fails, and the metrics it added flushed before it returns (Lambda may freeze right after).
 */
export function observed<E, R>(
  name: string,
  run: (event: E, log: Logger, metrics: Metrics) => Promise<R>,
  t: () => Telemetry = telemetry,
): (event: E, context?: Pick<Context, 'awsRequestId'>) => Promise<R> {
  return async (event, context) => {
    const { logger, metrics } = t();
    const log = logger.child({
      function: name,
      ...(context?.awsRequestId ? { requestId: context.awsRequestId } : {}),
    });
    try {
      return await run(event, log, metrics);
    } catch (err) {
      log.error(`${name} failed`, { error: err });
      throw err;
    } finally {
      metrics.flush();
    }
  };
}

/** X-Ray is on for this function: active tracing sets the daemon address; Powertools' switch off wins. */
export function tracingOn(env: Env = process.env): boolean {
  return (
    Boolean(env.AWS_LAMBDA_FUNCTION_NAME && env.AWS_XRAY_DAEMON_ADDRESS) &&
    env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() !== 'false'
  );
}

type Traceable = { send: (...args: never[]) => Promise<unknown> };
let tracer: Promise<{ captureAWSv3Client<T>(client: T): T }> | undefined;

/** The Tracer, from its own bundle chunk, once per execution environment. */
function loadTracer() {
  tracer ??= import('@aws-lambda-powertools/tracer').then(
    ({ Tracer }) => new Tracer({ serviceName: SERVICE }),
  );
  return tracer;
}

/**
 * The client, traced by X-Ray when tracing is on: its first `send` loads the Tracer (once per
 * environment) and lets it add its middleware, then every call is a subsegment. Synchronous, so the
 * lazy ports stay lazy and the DynamoDB client is still built at cold start. A Tracer that fails to
 * load leaves the client untraced rather than failing the call.
 */
export function traced<C extends Traceable>(client: C, env: Env = process.env): C {
  if (!tracingOn(env)) return client;
  const send = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
  let captured: Promise<unknown> | undefined;
  Object.defineProperty(client, 'send', {
    configurable: true,
    value: async (...args: unknown[]) => {
      captured ??= loadTracer()
        .then((t) => t.captureAWSv3Client(client))
        .catch(() => undefined);
      await captured;
      return send(...args);
    },
  });
  return client;
}
