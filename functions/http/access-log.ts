import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../shared/ports/telemetry.js';
import type { AppEnv } from './auth.js';

const CASE_IN_PATH = /\/cases\/([^/?]{1,100})/;

/**
 * One structured line per request, after it is answered: request and correlation ids, the case it
 * is about (from the path), status and duration. The province is on every line of the logger.
 * Server errors are also logged with their stack by the error handler; this line is the index.
 */
export function accessLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const caseId = CASE_IN_PATH.exec(c.req.path)?.[1];
      const status = c.res.status;
      (status >= 500 ? logger.error : logger.info).call(logger, 'request', {
        requestId: c.get('requestId'),
        correlationId: c.get('correlationId'),
        ...(caseId ? { caseId: decodeURIComponent(caseId) } : {}),
        method: c.req.method,
        path: c.req.path,
        status,
        ms: Math.round(performance.now() - started),
      });
    }
  };
}
