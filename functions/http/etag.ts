import type { Context } from 'hono';
import { DomainError, invalid } from '../../shared/domain/errors.js';

/**
 * Optimistic concurrency over HTTP: reads answer with `ETag: "<version>"`, updates send it back in
 * `If-Match`, and the store refuses the change when someone else changed the resource in between.
 */

// A strong or weak tag around a plain version number; the weak prefix is tolerated because proxies
// may weaken tags, and the version number alone identifies the state here.
const IF_MATCH = /^\s*(?:W\/)?(?:"(\d{1,15})"|(\d{1,15}))\s*$/;

// biome-ignore lint/suspicious/noExplicitAny: works with contexts of every Env
type AnyContext = Context<any, any, any>;

function parse(header: string): number {
  const m = IF_MATCH.exec(header);
  const digits = m?.[1] ?? m?.[2];
  const version = digits === undefined ? Number.NaN : Number(digits);
  if (!Number.isSafeInteger(version) || version < 1) {
    throw invalid('VERSION_INVALID', 'If-Match 版本号格式不正确，应为如 "3" 的版本号');
  }
  return version;
}

/** The version the client last saw; required on updates. */
export function expectedVersionFrom(c: AnyContext): number {
  const header = c.req.header('if-match');
  if (header === undefined || header.trim() === '') {
    throw new DomainError('preconditionRequired', 'VERSION_REQUIRED', '更新操作需要提供 If-Match 版本号');
  }
  return parse(header);
}

/** For operations where the version check is optional (e.g. a reviewer deciding one item). */
export function optionalExpectedVersionFrom(c: AnyContext): number | undefined {
  const header = c.req.header('if-match');
  if (header === undefined || header.trim() === '') return undefined;
  return parse(header);
}

export function setVersionHeader(c: AnyContext, version: number): void {
  c.header('ETag', `"${version}"`);
}
