/**
 * Shared pieces of the benchmarks: machine facts, the bench province (a 15-item stage derived from
 * the Jiangsu catalogue), demo actors, project setup, a small HTTP client that counts requests,
 * a bounded-concurrency pool and percentile helpers. Nothing here asserts on time.
 */
import '../shared/adapters/local-workflow/promise-with-resolvers.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { idempotencyScope, requestHash } from '../functions/http/idempotency.js';
import { creditCode } from '../functions/local/demo-actors.js';
import { jsonTelemetry } from '../shared/adapters/system/json-logger.js';
import { type ProvinceConfig, parseProvinceConfig } from '../shared/config/province-config.js';
import { jiangsu } from '../shared/config/provinces/jiangsu.js';
import type { Actor, Stage } from '../shared/domain/model.js';
import type { Ctx } from '../shared/services/context.js';
import type { Services } from '../shared/services/index.js';

// ── sizes ─────────────────────────────────────────────────────────────────────────────────────────

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  return n;
}

// ── machine facts ─────────────────────────────────────────────────────────────────────────────────

export function machineFacts(): string[] {
  const list = cpus();
  return [
    `node        ${process.version} (${process.platform}/${process.arch})`,
    `cpus        ${list.length} × ${list[0]?.model.trim() ?? 'unknown'}`,
    `date        ${new Date().toISOString()}`,
  ];
}

// ── the bench province ────────────────────────────────────────────────────────────────────────────

/**
 * The server's telemetry as it runs (every access-log line and metric formatted), written nowhere:
 * the figures include its cost, the bench's output stays readable.
 */
export const quietTelemetry = (province: ProvinceConfig) =>
  jsonTelemetry({ service: 'green-channel', province: province.code, write: () => {} });

export const BENCH_STAGE: Stage = 'projectApproval';

/**
 * Jiangsu with its first stage replaced by one whose items are the first `itemCount` items of the
 * catalogue, all required; the stage's promised limit covers the slowest of them. Validated with
 * the same schema as shipped provinces, so every item's department and materials exist.
 */
export function benchProvince(itemCount = envInt('BENCH_ITEMS', 15)): ProvinceConfig {
  const items = jiangsu.items.slice(0, itemCount);
  if (items.length < itemCount) {
    throw new Error(`the Jiangsu catalogue has ${jiangsu.items.length} items, fewer than ${itemCount}`);
  }
  const promisedDays = Math.max(...items.map((i) => i.promisedDays));
  return parseProvinceConfig({
    ...jiangsu,
    name: '江苏省（基准）',
    stages: jiangsu.stages.map((s) =>
      s.stage === BENCH_STAGE
        ? {
            ...s,
            name: `${s.name}（${itemCount}项基准）`,
            items: items.map((i) => ({ code: i.code, required: true })),
            promisedDays: Math.max(s.promisedDays, promisedDays),
          }
        : s,
    ),
  });
}

/** Every material of every item of the bench stage (nothing missing, no 容缺). */
export function benchMaterials(province: ProvinceConfig): { code: string }[] {
  const stage = province.stages.find((s) => s.stage === BENCH_STAGE)!;
  const codes = new Set(
    stage.items.flatMap((ref) => province.items.find((i) => i.code === ref.code)!.materials),
  );
  return [...codes].map((code) => ({ code }));
}

export function benchItems(province: ProvinceConfig): { code: string; department: string }[] {
  const stage = province.stages.find((s) => s.stage === BENCH_STAGE)!;
  return stage.items.map((ref) => {
    const item = province.items.find((i) => i.code === ref.code)!;
    return { code: item.code, department: item.department };
  });
}

// ── actors ────────────────────────────────────────────────────────────────────────────────────────

export const ORG = { creditCode: creditCode('91320000134768398'), name: '江苏交通控股有限公司' };

export const actors = {
  applicant: {
    id: `bench-applicant-${ORG.creditCode}`,
    name: '经办人',
    role: 'applicant',
    creditCode: ORG.creditCode,
  } satisfies Actor as Actor,
  window: {
    id: 'bench-window-1',
    name: '王敏',
    role: 'windowOfficer',
    unit: '省政务服务中心绿色通道专窗',
  } satisfies Actor as Actor,
  supervisor: { id: 'bench-sup-1', name: '赵刚', role: 'supervisor' } satisfies Actor as Actor,
  reviewer: (department: string): Actor => ({
    id: `bench-reviewer-${department}`,
    name: `${department}审查员`,
    role: 'reviewer',
    department,
  }),
};
export const ctxOf = (actor: Actor): Ctx => ({ actor });

/** Signed bearer tokens for every actor the benchmarks use. */
export interface Tokens {
  applicant: string;
  window: string;
  reviewer: Map<string, string>;
}

export async function signTokens(
  signer: { sign(actor: Actor, ttlSeconds?: number): Promise<string> },
  province: ProvinceConfig,
): Promise<Tokens> {
  const reviewer = new Map<string, string>();
  for (const d of province.departments)
    reviewer.set(d.code, await signer.sign(actors.reviewer(d.code), 3600));
  return {
    applicant: await signer.sign(actors.applicant, 3600),
    window: await signer.sign(actors.window, 3600),
    reviewer,
  };
}

// ── setup through the services (never timed) ─────────────────────────────────────────────────────

let serial = 0;
/** Registers and admits `count` projects of ORG through the services; returns their ids. */
export async function admittedProjects(services: Services, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    serial += 1;
    const project = await services.projects.register(ctxOf(actors.applicant), {
      projectCode: `2026-320000-48-01-${String(serial).padStart(6, '0')}`,
      name: `基准测试项目${serial}`,
      ownerName: ORG.name,
      category: 'provincialKey',
      location: { city: '南京市' },
      investmentWan: 50_000,
      governmentInvested: true,
    });
    const applied = await services.projects.applyAdmission(
      ctxOf(actors.applicant),
      project.value.id,
      project.version,
    );
    await services.projects.decideAdmission(ctxOf(actors.supervisor), project.value.id, applied.version, {
      admit: true,
      reasons: '符合准入条件',
    });
    ids.push(project.value.id);
  }
  return ids;
}

// ── temp dirs ─────────────────────────────────────────────────────────────────────────────────────

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

// ── concurrency and statistics ────────────────────────────────────────────────────────────────────

/** Runs `count` jobs with at most `concurrency` in flight; job i gets its index. */
export async function pool(count: number, concurrency: number, job: (i: number) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      await job(i);
    }
  });
  await Promise.all(lanes);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Stats {
  n: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of latencies in milliseconds. */
export function stats(samples: ArrayLike<number>): Stats {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  if (n === 0) return { n: 0, mean: Number.NaN, p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const rank = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]!;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { n, mean: sum / n, p50: rank(0.5), p99: rank(0.99), max: sorted[n - 1]! };
}

export const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)} ms` : 'n/a');
export const num = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

/** Prints a labelled block: a title line and aligned `label  value` rows. */
export function block(title: string, rows: [string, string][]): void {
  const width = Math.max(...rows.map(([l]) => l.length));
  console.log(`\n── ${title} ${'─'.repeat(Math.max(0, 90 - title.length))}`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}

/** Prints a plain table with a header row. */
export function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`  ${line(header)}`);
  console.log(`  ${widths.map((w) => '─'.repeat(w)).join('  ')}`);
  for (const r of rows) console.log(`  ${line(r)}`);
}

/**
 * A service context carrying the same idempotency intent the HTTP route would derive from an
 * Idempotency-Key header, so an in-process call writes what the HTTP request writes.
 */
export function idemCtx(actor: Actor, method: string, path: string, key: string, body: unknown): Ctx {
  return {
    actor,
    idempotency: { scope: idempotencyScope(actor.id, method, path), key, requestHash: requestHash(body) },
  };
}

/** Each item's department approves it in turn, in-process, with the key an HTTP request would carry. */
export async function approveEveryItem(
  services: Services,
  caseId: string,
  items: { code: string; department: string }[],
  keyPrefix: string,
): Promise<void> {
  for (const item of items) {
    const body = { outcome: 'approve' as const };
    const path = `/cases/${caseId}/items/${item.code}/decision`;
    await services.cases.decideItem(
      idemCtx(actors.reviewer(item.department), 'POST', path, `${keyPrefix}-${item.code}`, body),
      caseId,
      item.code,
      undefined,
      body,
    );
  }
}
