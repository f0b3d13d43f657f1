/**
 * A self-contained, printable HTML page in Chinese (A4 landscape, no external assets, every text
 * escaped). Pure: the caller passes the generation time.
 */

import type { Instant } from '../domain/model.js';
import { shanghaiDateTime } from '../domain/reports.js';
import { type Column, cellText, LAMP_NAMES_ZH } from './column.js';

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export type HtmlSection =
  | {
      kind: 'table';
      headingZh: string;
      noteZh?: string;
      // biome-ignore lint/suspicious/noExplicitAny: rows of any report shape, typed by their columns
      columns: readonly Column<any>[];
      rows: readonly unknown[];
      emptyZh?: string;
    }
  | { kind: 'facts'; headingZh: string; noteZh?: string; facts: readonly [string, string][] };

const STYLE = `
@page { size: A4 landscape; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", SimSun, sans-serif;
  font-size: 10.5pt; color: #111; margin: 16px; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 4px; }
h2 { font-size: 13pt; margin: 18px 0 6px; border-left: 4px solid #b40000; padding-left: 6px; }
.meta { text-align: center; color: #444; margin-bottom: 12px; }
.note { color: #444; margin: 2px 0 6px; }
table { border-collapse: collapse; width: 100%; margin-bottom: 8px; }
th, td { border: 1px solid #333; padding: 3px 5px; vertical-align: top; }
th { background: #eee; font-weight: bold; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.empty { text-align: center; color: #666; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
.lamp-red { background: #f8d0d0; color: #900; font-weight: bold; }
.lamp-yellow { background: #fff1b8; color: #7a5a00; font-weight: bold; }
.lamp-green { background: #d8f0d8; color: #14621a; }
table.facts th { width: 40%; text-align: left; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media print { body { margin: 0; } }
`;

function tableHtml(s: Extract<HtmlSection, { kind: 'table' }>): string {
  const head = s.columns.map((c) => `<th>${escapeHtml(c.headerZh)}</th>`).join('');
  const body =
    s.rows.length === 0
      ? `<tr><td class="empty" colspan="${s.columns.length}">${escapeHtml(s.emptyZh ?? '无')}</td></tr>`
      : s.rows
          .map((row) => {
            const cells = s.columns.map((c) => {
              const raw = (row as Record<string, unknown>)[c.key];
              if (c.lamp && typeof raw === 'string') {
                return `<td class="lamp-${escapeHtml(raw)}">${escapeHtml(LAMP_NAMES_ZH[raw] ?? raw)}</td>`;
              }
              const numeric = c.numeric || (!c.format && typeof raw === 'number');
              return `<td${numeric ? ' class="num"' : ''}>${escapeHtml(cellText(row, c)).replace(/\n/g, '<br>')}</td>`;
            });
            return `<tr>${cells.join('')}</tr>`;
          })
          .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function factsHtml(s: Extract<HtmlSection, { kind: 'facts' }>): string {
  const rows = s.facts.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`);
  return `<table class="facts"><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

/** A printable, self-contained HTML page in Chinese. */
export function toHtml(
  titleZh: string,
  sections: readonly HtmlSection[],
  options: { generatedAt?: Instant; subtitleZh?: string } = {},
): string {
  const meta = [
    options.subtitleZh,
    options.generatedAt ? `生成时间：${shanghaiDateTime(options.generatedAt)}（北京时间）` : undefined,
  ].filter((x): x is string => !!x);
  const parts = sections.map((s) => {
    const note = s.noteZh ? `<p class="note">${escapeHtml(s.noteZh)}</p>` : '';
    return `<section>\n<h2>${escapeHtml(s.headingZh)}</h2>\n${note}${s.kind === 'table' ? tableHtml(s) : factsHtml(s)}\n</section>`;
  });
  return [
    '<!DOCTYPE html>',
    '<html lang="zh-CN">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(titleZh)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(titleZh)}</h1>`,
    ...meta.map((m) => `<p class="meta">${escapeHtml(m)}</p>`),
    ...parts,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
