/**
 * CSV that Excel opens with Chinese intact: RFC 4180 quoting, UTF-8 byte order mark, CRLF.
 */

import { type Column, cellText } from './column.js';

const BOM = '\uFEFF';

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, quotes doubled. Text that
 * a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe; numbers do not.
 */
export function csvField(value: string, isNumber = false): string {
  const safe = !isNumber && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv<R>(rows: readonly R[], columns: readonly Column<R>[]): string {
  const lines = [columns.map((c) => csvField(c.headerZh)).join(',')];
  for (const row of rows) {
    lines.push(
      columns.map((c) => csvField(cellText(row, c), !c.format && typeof row[c.key] === 'number')).join(','),
    );
  }
  return `${BOM}${lines.join('\r\n')}\r\n`;
}
