/**
 * 4. Cross-province recognition (互认) latency: from an item approval in 江苏 to the item being
 * `recognised` in 浙江's case of the same project, on the local runtime. Both provinces run in this
 * process through `startProvince` (real HTTP servers, real SQLite files, a shared peers folder, the
 * outbox relay timer at its default); the result travels JS outbox → JS bus forwarding rule →
 * POST /partner/events on ZJ → verification, partner view, recognition in ZJ's open case.
 *
 * Per approval (setup through the services, never timed): the same project code registered and
 * admitted in both provinces with each other as partner, a ZJ case and a JS case of the
 * projectApproval stage accepted, every item step waiting. Timed:
 * - t0: just before the JS reviewer's `POST /cases/{id}/items/landUsePlanningPermit/decision` is sent;
 * - t1: when ZJ's in-process bus hands the subscriber (`bus.subscribe`) the `ItemRecognised` event
 *   of that item of ZJ's case. ZJ publishes it through its own outbox right after the commit that
 *   recognised the item, so t1 is at most one relay hop later than the store change.
 * The decision's HTTP answer time is reported beside it (the relay runs after the commit, so the
 * answer does not wait for the partner).
 *
 * Traffic: a counting rule on JS's bus with the same `forwardPattern('JS', 'ZJ')` as the forwarding
 * rule sees every event forwarded to ZJ and measures the bytes of `JSON.stringify(event)`, which is
 * exactly the POST body `HttpPeerDirectory.forwardTo` sends (retries would be counted again). ZJ's
 * audit trail of each partner project (`PartnerProjectShared`, `PartnerResultReceived`) gives what
 * ZJ accepted. The same rule on ZJ's bus counts the reverse direction (ZJ's own ProjectShared).
 *
 * Sizes: BENCH_CROSS=100 approvals per phase, BENCH_CROSS_CONCURRENCY=8 in flight for the
 * concurrent phase (a sequential phase at concurrency 1 runs first), BENCH_CROSS_WARMUP=5.
 */
import { join } from 'node:path';
import { startProvince } from '../functions/local/province-runtime.js';
import type { ProvinceConfig } from '../shared/config/province-config.js';
import { jiangsu } from '../shared/config/provinces/jiangsu.js';
import { zhejiang } from '../shared/config/provinces/zhejiang.js';
import type { BusEvent } from '../shared/domain/cross-province-rules.js';
import { forwardPattern } from '../shared/domain/cross-province-rules.js';
import type { Actor } from '../shared/domain/model.js';
import type { DomainEvent } from '../shared/ports/runtime.js';
import { relayIdle } from '../shared/services/unit-of-work.js';
import {
  actors,
  block,
  ctxOf,
  envInt,
  ms,
  num,
  ORG,
  pool,
  quietTelemetry,
  sleep,
  stats,
  tempDir,
} from './lib.js';

const ITEM = 'landUsePlanningPermit';
const STAGE = 'projectApproval';
const WAIT_MS = 30_000;

export interface CrossLatency {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface CrossPhase {
  name: string;
  concurrency: number;
  approvals: number;
  wallMs: number;
  perSecond: number;
  recognition: CrossLatency;
  decisionHttp: CrossLatency;
  /** events forwarded JS → ZJ during the phase (POST /partner/events deliveries), by type */
  sent: Record<string, { events: number; bytes: number }>;
  /** what ZJ's audit shows it accepted for the phase's projects */
  accepted: Record<string, number>;
}

export interface CrossResult {
  approvals: number;
  concurrency: number;
  sequential: CrossPhase;
  concurrent: CrossPhase;
  /** one-off ProjectShared JS → ZJ per project, sent during (untimed) setup */
  setupSent: Record<string, { events: number; bytes: number }>;
  /** ZJ → JS during setup (ZJ's own ProjectShared) */
  reverseSent: Record<string, { events: number; bytes: number }>;
}

function latencyOf(samples: number[]): CrossLatency {
  const s = stats(samples);
  const sorted = [...samples].sort((a, b) => a - b);
  const p90 = sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)]!
    : Number.NaN;
  return { p50: s.p50, p90, p99: s.p99, max: s.max, mean: s.mean };
}

type Traffic = Record<string, { events: number; bytes: number }>;
const total = (t: Traffic) =>
  Object.values(t).reduce((a, v) => ({ events: a.events + v.events, bytes: a.bytes + v.bytes }), {
    events: 0,
    bytes: 0,
  });

interface Prepared {
  code: string;
  jsCaseId: string;
  zjCaseId: string;
}

export async function crossProvince(): Promise<CrossResult> {
  const n = Math.max(1, envInt('BENCH_CROSS', 100));
  const concurrency = Math.max(1, envInt('BENCH_CROSS_CONCURRENCY', 8));
  const warmup = envInt('BENCH_CROSS_WARMUP', 5);

  const dir = tempDir('gc-bench-cross-');
  const peersDir = join(dir.path, 'peers');
  const start = (province: ProvinceConfig) =>
    startProvince({
      province,
      telemetry: quietTelemetry(province),
      dataDir: join(dir.path, province.code),
      peersDir,
      port: 0,
      sweepEveryMs: 0,
    });
  const js = await start(jiangsu);
  const zj = await start(zhejiang);

  // ── counting: a rule with the forwarding pattern on each bus, attributed to the current phase ──
  let phase = 'setup';
  const traffic = new Map<string, Traffic>();
  const counter = (direction: string) => async (event: BusEvent) => {
    const key = `${direction}:${phase}`;
    const t = traffic.get(key) ?? {};
    traffic.set(key, t);
    const row = t[event['detail-type']] ?? { events: 0, bytes: 0 };
    t[event['detail-type']] = row;
    row.events += 1;
    row.bytes += Buffer.byteLength(JSON.stringify(event));
  };
  js.bus.addRule('bench-count-to-ZJ', forwardPattern('JS', 'ZJ'), counter('JS→ZJ'));
  zj.bus.addRule('bench-count-to-JS', forwardPattern('ZJ', 'JS'), counter('ZJ→JS'));

  // ── t1: ItemRecognised of ITEM on ZJ's bus ──
  const waiters = new Map<string, (at: number) => void>();
  const unsubscribe = zj.bus.subscribe((event: DomainEvent) => {
    if (event.type !== 'ItemRecognised' || event.data.itemCode !== ITEM) return;
    const at = performance.now();
    const caseId = event.subject.slice('stageCase/'.length);
    waiters.get(caseId)?.(at);
  });

  const drain = async () => {
    for (let round = 0; round < 50; round++) {
      await relayIdle(js.services.deps);
      await relayIdle(zj.services.deps);
      const pending =
        (await js.store.dueOutbox('2100-01-01T00:00:00Z', 10)).length +
        (await zj.store.dueOutbox('2100-01-01T00:00:00Z', 10)).length;
      if (pending === 0) return;
      await sleep(20);
    }
    throw new Error('outboxes did not drain');
  };

  try {
    const department = jiangsu.items.find((i) => i.code === ITEM)!.department;
    const reviewerToken = await js.tokens.sign(actors.reviewer(department), 3600);
    const supervisor: Actor = actors.supervisor;

    let serial = 0;
    const register = async (rt: typeof js, code: string, partner: string, city: string) => {
      const p = await rt.services.projects.register(ctxOf(actors.applicant), {
        projectCode: code,
        name: `跨省基准项目${code.slice(-6)}`,
        ownerName: ORG.name,
        category: 'nationalKey',
        location: { city },
        investmentWan: 2_000_000,
        governmentInvested: true,
        partnerProvinces: [partner],
      });
      const applied = await rt.services.projects.applyAdmission(
        ctxOf(actors.applicant),
        p.value.id,
        p.version,
      );
      await rt.services.projects.decideAdmission(ctxOf(supervisor), p.value.id, applied.version, {
        admit: true,
        reasons: '跨省重点项目',
      });
      return p.value.id;
    };
    const acceptedCase = async (rt: typeof js, projectId: string) => {
      const cfg = rt.province.stages.find((s) => s.stage === STAGE)!;
      const materials = new Set(
        cfg.items
          .filter((i) => i.required)
          .flatMap((i) => rt.province.items.find((x) => x.code === i.code)!.materials),
      );
      const c = await rt.services.cases.submit(ctxOf(actors.applicant), {
        projectId,
        stage: STAGE,
        materials: [...materials].map((code) => ({ code })),
      });
      await rt.services.cases.actOnAcceptance(ctxOf(actors.window), c.value.id, c.version, {
        outcome: 'accept',
      });
      return c.value.id;
    };
    const prepare = async (count: number): Promise<Prepared[]> => {
      const out: Prepared[] = [];
      const jsWaiting = js.workflow.waitingCount();
      const zjWaiting = zj.workflow.waitingCount();
      for (let i = 0; i < count; i++) {
        serial += 1;
        const code = `2026-320000-48-01-7${String(serial).padStart(5, '0')}`;
        const jsProject = await register(js, code, 'ZJ', '苏州市');
        const zjProject = await register(zj, code, 'JS', '嘉兴市');
        const zjCaseId = await acceptedCase(zj, zjProject);
        const jsCaseId = await acceptedCase(js, jsProject);
        out.push({ code, jsCaseId, zjCaseId });
      }
      // every item step waiting in both provinces, every ProjectShared delivered
      const deadline = Date.now() + 60_000;
      const perCase = (p: ProvinceConfig) =>
        p.stages.find((s) => s.stage === STAGE)!.items.filter((i) => i.required).length;
      while (
        js.workflow.waitingCount() < jsWaiting + count * perCase(jiangsu) ||
        zj.workflow.waitingCount() < zjWaiting + count * perCase(zhejiang)
      ) {
        if (Date.now() > deadline) throw new Error('item steps did not all start waiting');
        await sleep(10);
      }
      await drain();
      return out;
    };

    let decisions = 0;
    const approve = async (p: Prepared): Promise<{ recognition: number; http: number }> => {
      let timer: NodeJS.Timeout | undefined;
      const recognised = new Promise<number>((resolve, reject) => {
        waiters.set(p.zjCaseId, resolve);
        timer = setTimeout(
          () => reject(new Error(`ZJ case ${p.zjCaseId} not recognised in ${WAIT_MS} ms`)),
          WAIT_MS,
        );
      });
      decisions += 1;
      const t0 = performance.now();
      const res = await fetch(`${js.url}/cases/${p.jsCaseId}/items/${ITEM}/decision`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${reviewerToken}`,
          'content-type': 'application/json',
          'idempotency-key': `bench-cross-${decisions}`,
        },
        body: JSON.stringify({ outcome: 'approve' }),
      });
      const text = await res.text();
      const answered = performance.now();
      if (res.status !== 200) throw new Error(`decision → HTTP ${res.status}: ${text.slice(0, 300)}`);
      try {
        const t1 = await recognised;
        return { recognition: t1 - t0, http: answered - t0 };
      } finally {
        clearTimeout(timer);
        waiters.delete(p.zjCaseId);
      }
    };

    const acceptedByZj = async (prepared: Prepared[]) => {
      const counts: Record<string, number> = {};
      for (const p of prepared) {
        for (const e of await zj.store.audit(`partnerProject/JS:${p.code}`)) {
          counts[e.type] = (counts[e.type] ?? 0) + 1;
        }
      }
      return counts;
    };

    const run = async (name: string, width: number, prepared: Prepared[]): Promise<CrossPhase> => {
      phase = name;
      const recognition: number[] = [];
      const http: number[] = [];
      const started = performance.now();
      await pool(prepared.length, width, async (i) => {
        const r = await approve(prepared[i]!);
        recognition.push(r.recognition);
        http.push(r.http);
      });
      const wallMs = performance.now() - started;
      await drain();
      phase = 'idle';
      return {
        name,
        concurrency: width,
        approvals: prepared.length,
        wallMs,
        perSecond: prepared.length / (wallMs / 1000),
        recognition: latencyOf(recognition),
        decisionHttp: latencyOf(http),
        sent: traffic.get(`JS→ZJ:${name}`) ?? {},
        accepted: {},
      };
    };

    // setup (untimed): warm-up projects and both phases' projects, ProjectShared delivered
    const warm = await prepare(warmup);
    const seqPrepared = await prepare(n);
    const conPrepared = await prepare(n);
    const setupSent = traffic.get('JS→ZJ:setup') ?? {};
    const reverseSent = traffic.get('ZJ→JS:setup') ?? {};
    if (warm.length > 0) await run('warmup', Math.min(concurrency, warm.length), warm);
    const sequential = await run('sequential', 1, seqPrepared);
    const concurrent = await run('concurrent', concurrency, conPrepared);
    sequential.accepted = await acceptedByZj(seqPrepared);
    concurrent.accepted = await acceptedByZj(conPrepared);

    const lat = (l: CrossLatency) => `p50 ${ms(l.p50)}  p90 ${ms(l.p90)}  p99 ${ms(l.p99)}  max ${ms(l.max)}`;
    const fmt = (t: Traffic, per: number) =>
      Object.entries(t)
        .map(
          ([type, v]) => `${type} ${num(v.events / per, 2)} × ${num(v.bytes / Math.max(1, v.events), 0)} B`,
        )
        .join(', ') || 'none';
    const setupProjects = warmup + 2 * n;
    block(`Cross-province recognition JS → ZJ (${n} approvals per phase, item ${ITEM})`, [
      ['t0 / t1', 'before the JS decision POST is sent / ZJ bus delivers ItemRecognised (subscription)'],
      ...[sequential, concurrent].flatMap((p): [string, string][] => [
        [`${p.name} @${p.concurrency} approval→recognised`, lat(p.recognition)],
        [`${p.name} @${p.concurrency} decision HTTP answer`, lat(p.decisionHttp)],
        [
          `${p.name} @${p.concurrency} throughput`,
          `${num(p.perSecond, 1)} approvals/s (${p.approvals} in ${ms(p.wallMs)})`,
        ],
        [
          `${p.name} POST /partner/events`,
          `${num(total(p.sent).events / p.approvals, 2)} events, ${num(total(p.sent).bytes / p.approvals, 0)} B per approval — ${fmt(p.sent, p.approvals)}`,
        ],
        [
          `${p.name} accepted by ZJ (audit)`,
          Object.entries(p.accepted)
            .map(([type, c]) => `${type} ${num(c / p.approvals, 2)}/project`)
            .join(', '),
        ],
      ]),
      [
        'setup JS→ZJ (one-off per project)',
        `${num(total(setupSent).events / setupProjects, 2)} events, ${num(total(setupSent).bytes / setupProjects, 0)} B per project — ${fmt(setupSent, setupProjects)}`,
      ],
      [
        'setup ZJ→JS (one-off per project)',
        `${num(total(reverseSent).events / setupProjects, 2)} events, ${num(total(reverseSent).bytes / setupProjects, 0)} B per project — ${fmt(reverseSent, setupProjects)}`,
      ],
    ]);
    return { approvals: n, concurrency, sequential, concurrent, setupSent, reverseSent };
  } finally {
    unsubscribe();
    await zj.stop();
    await js.stop();
    dir.remove();
  }
}

/** Per-approval totals for the summary: events and bytes JS → ZJ, the one-off ProjectShared included. */
export function crossPerApproval(r: CrossResult): { events: number; bytes: number; oneOff: number } {
  const sent = total(r.concurrent.sent);
  const setup = r.setupSent.ProjectShared ?? { events: 0, bytes: 0 };
  const oneOffBytes = setup.events > 0 ? setup.bytes / setup.events : 0;
  return {
    events: sent.events / r.concurrent.approvals + 1,
    bytes: sent.bytes / r.concurrent.approvals + oneOffBytes,
    oneOff: oneOffBytes,
  };
}
