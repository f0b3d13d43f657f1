/**
 * A column of a table for people, shared by the CSV and HTML forms: its Chinese header and how a
 * cell reads.
 */

export interface Column<R> {
  key: keyof R & string;
  headerZh: string;
  /** text of the cell; default: the value as text ('' for null and undefined) */
  format?: (value: unknown, row: R) => string;
  /** the cell is a lamp: coloured in HTML */
  lamp?: boolean;
  /** numbers are right-aligned in HTML */
  numeric?: boolean;
}

export const LAMP_NAMES_ZH: Readonly<Record<string, string>> = {
  red: '红灯（逾期）',
  yellow: '黄灯（预警）',
  green: '绿灯',
};

export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

export function cellText<R>(row: R, col: Column<R>): string {
  const value = row[col.key];
  return col.format ? col.format(value, row) : valueText(value);
}
