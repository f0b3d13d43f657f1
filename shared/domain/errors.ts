/**
 * Every rule violation surfaces as a DomainError with a stable machine code and a Chinese message
 * for people. The HTTP layer maps it to problem+json; nothing else needs to know about HTTP.
 */
export type ErrorKind =
  | 'invalid' // 400/422: the input breaks a rule
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'notFound' // 404
  | 'conflict' // 409: stale version, decided twice, wrong state
  | 'preconditionRequired'; // 428

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    readonly messageZh: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(`${code}: ${messageZh}`);
    this.name = 'DomainError';
  }
}

export const invalid = (code: string, messageZh: string, details?: Record<string, unknown>) =>
  new DomainError('invalid', code, messageZh, details);
export const forbidden = (code: string, messageZh: string) => new DomainError('forbidden', code, messageZh);
export const notFound = (code: string, messageZh: string) => new DomainError('notFound', code, messageZh);
export const conflict = (code: string, messageZh: string, details?: Record<string, unknown>) =>
  new DomainError('conflict', code, messageZh, details);
