import type { LocationQueryValue } from 'vue-router';

/** 电子批文 in the console: where a result is verified, and how a verdict reads. */

/**
 * The public verification page of this province for a result: the console's own address with the
 * number and hash in the hash-route query, so the QR code opens the filled-in page.
 */
export function verificationAddress(resultNo: string, resultHash: string): string {
  const base = `${window.location.origin}${window.location.pathname}`;
  const query = new URLSearchParams({ resultNo, hash: resultHash });
  return `${base}#/verify?${query.toString()}`;
}

export const RESULT_STATUS_ZH: Record<string, string> = {
  valid: '有效',
  revoked: '已撤销',
  unknown: '未找到',
};

export function queryText(v: LocationQueryValue | LocationQueryValue[] | undefined): string {
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first.trim() : '';
}
