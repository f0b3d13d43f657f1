/**
 * The store the 一张图 and 工作台 benchmarks read: PROJECTS admitted projects placed across 江苏's
 * counties and CASES stage cases among them, written straight into SQLite with the real domain
 * transitions (createStageCase, accept, decideItem) and the real index entries. Each project's cases
 * cycle through the stages up to the one it has reached (a quarter of the projects each); one case
 * in ten is still under review, accepted 1–40 working days before the report day (so some are late),
 * the rest approved. Reads go through a counting wrapper; populating is not counted.
 */
import { join } from 'node:path';
import { FileBlobStore } from '../shared/adapters/blobs/file-blob-store.js';
import { LocalEventBus } from '../shared/adapters/local-bus/local-event-bus.js';
import { LocalWorkflowEngine } from '../shared/adapters/local-workflow/local-workflow.js';
import { HttpPeerDirectory } from '../shared/adapters/peers/http-peer-directory.js';
import { loadOrCreateLocalSigner } from '../shared/adapters/signing/local-signer.js';
import { SqliteStore } from '../shared/adapters/sqlite/sqlite-store.js';
import { timeSortableIds } from '../shared/adapters/system/system-clock.js';
import { divisionsOf } from '../shared/config/divisions.js';
import { jiangsu } from '../shared/config/provinces/jiangsu.js';
import { WorkingCalendar } from '../shared/domain/calendar.js';
import {
  type IsoDate,
  PROJECT_CATEGORIES,
  type Project,
  STAGES,
  type StageCase,
} from '../shared/domain/model.js';
import { accept, createStageCase, decideItem, preReview, selectItems } from '../shared/domain/stage-case.js';
import type { Change, Store } from '../shared/ports/store.js';
import { caseIndexes } from '../shared/services/case-indexes.js';
import type { Ctx } from '../shared/services/context.js';
import { createServices, type Services } from '../shared/services/index.js';
import { projectIndexes } from '../shared/services/projects.js';
import { ms, ORG, tempDir } from './lib.js';

export const REPORT_DAY: IsoDate = '2026-11-05';
const BATCH = 500;
export const supervisor: Ctx = { actor: { id: 'bench-supervisor', name: '专项工作组', role: 'supervisor' } };
const at = (d: IsoDate, minute = 0) =>
  `${d}T${String(1 + Math.floor((minute % 420) / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00.000Z`;

export class Counts {
  calls = 0;
  rows = 0;
  /** time inside the store's reads, JSON parsing included */
  readMs = 0;
  byOp: Record<string, number> = {};
  line() {
    const ops = Object.entries(this.byOp)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    return `${this.calls} calls / ${this.rows} rows (${ops}), ${ms(this.readMs)} in the store`;
  }
}

/** A Store that counts every read (calls and rows returned), forwarding everything. */
function countingStore(inner: Store, counts: () => Counts): Store {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      const name = String(prop);
      if (!['get', 'getMany', 'query', 'audit'].includes(name)) return fn.bind(target);
      return async (...args: unknown[]) => {
        const started = performance.now();
        const result = await fn.apply(target, args);
        const c = counts();
        c.readMs += performance.now() - started;
        c.calls += 1;
        c.byOp[name] = (c.byOp[name] ?? 0) + 1;
        c.rows +=
          name === 'get'
            ? result === undefined
              ? 0
              : 1
            : name === 'query'
              ? (result as { items: unknown[] }).items.length
              : (result as unknown[]).length;
        return result;
      };
    },
  });
}

export interface ApprovalFixture {
  services: Services;
  projects: Project[];
  /** reads from now on are counted into `into` */
  count(into: Counts): void;
  close(): Promise<void>;
}

export async function approvalFixture(options: {
  projectCount: number;
  caseCount: number;
  /** distinguishes the benchmarks' ids, names and temp folders */
  tag: string;
  nameZh: string;
}): Promise<ApprovalFixture> {
  const { projectCount, caseCount } = options;
  const province = jiangsu;
  const cal = WorkingCalendar.fromChineseDays();
  const counties = divisionsOf(province.regionPrefix).filter((d) => d.level === 'county');
  const dir = tempDir(`gc-bench-${options.tag}-`);
  const real = SqliteStore.open(join(dir.path, 'store.db'));
  let counts = new Counts();
  const store = countingStore(real, () => counts);
  let services: Services | undefined;
  const workflow = new LocalWorkflowEngine({
    tasks: { handle: (r) => services!.workflowTasks.handle(r) },
    onError: (caseId, err) => console.error(`workflow ${caseId} failed`, err),
  });
  // ── populate (untimed)
  const projects: Project[] = [];
  let changes: Change[] = [];
  const flush = async (force = false) => {
    if (changes.length >= BATCH || (force && changes.length > 0)) {
      await real.commit(changes);
      changes = [];
    }
  };
  for (let p = 0; p < projectCount; p++) {
    const no = String(p).padStart(6, '0');
    const project: Project = {
      id: `2026-320000-48-01-${no}`,
      province: province.code,
      projectCode: `2026-320000-48-01-${no}`,
      name: `${options.nameZh}${no}`,
      owner: ORG,
      category: PROJECT_CATEGORIES[p % PROJECT_CATEGORIES.length]!,
      location: { city: '江苏', divisionCode: counties[(p * 7) % counties.length]!.code },
      investmentWan: 5_000 + ((p * 7919) % 997) * 500,
      governmentInvested: p % 2 === 0,
      partnerProvinces: [],
      admission: { status: 'admitted', priority: 1 + (p % 3) },
      createdAt: at('2026-01-05'),
      createdBy: 'bench-applicant',
    };
    projects.push(project);
    changes.push({
      kind: 'project',
      id: project.id,
      expectedVersion: 0,
      value: project,
      indexes: projectIndexes(project),
      events: [],
    });
    await flush();
  }
  for (let n = 0; n < caseCount; n++) {
    const project = projects[n % projectCount]!;
    const round = Math.floor(n / projectCount);
    // project p has reached stage p % 4: its cases cycle through the stages up to that one
    const stage = STAGES[round % (((n % projectCount) % STAGES.length) + 1)]!;
    const items = selectItems(province, stage, []);
    const open = n % 10 === 0;
    const start = open
      ? cal.addWorkingDays('2026-09-01', 45 - (1 + (n % 40))).date
      : cal.addWorkingDays('2026-03-02', round * 3).date;
    const materials = [...new Set(items.flatMap((i) => i.materials))].map((code) => ({
      code,
      fileName: `${code}.pdf`,
      submittedAt: at(start),
    }));
    const id = `C-${options.tag}-${String(n).padStart(6, '0')}`;
    let c: StageCase = createStageCase({
      id,
      province,
      project,
      stage,
      items,
      materials,
      findings: preReview(province, items, materials),
      submittedBy: 'bench-applicant',
      now: at(start),
      today: start,
      cal,
    });
    c = accept(
      c,
      { outcome: 'accept' },
      {
        province,
        officer: { id: 'bench-window-1', name: '王敏', unit: province.windowUnit },
        now: at(start, 30),
        today: start,
        cal,
        applicantCreditMarks: 0,
      },
    );
    const decideOn = cal.addWorkingDays(start, 5).date;
    for (const [i, item] of c.items.entries()) {
      if (open && i === c.items.length - 1) break;
      c = decideItem(c, item.code, {
        outcome: 'approve',
        by: `bench-reviewer-${item.department}`,
        now: at(decideOn, 60 + i),
        resultNo: `苏审〔2026〕${n}-${i}`,
        resultHash: 'a'.repeat(64),
        deficiencyPolicy: province.deficiency.resultPolicy,
      });
    }
    changes.push({
      kind: 'stageCase',
      id,
      expectedVersion: 0,
      value: c,
      indexes: caseIndexes(cal, c, REPORT_DAY, province.lamps),
      events: [],
    });
    await flush();
  }
  await flush(true);

  const signer = await loadOrCreateLocalSigner(join(dir.path, 'result-signing-key.pem'));
  services = createServices({
    province,
    store,
    workflow,
    events: new LocalEventBus(),
    clock: { now: () => new Date(`${REPORT_DAY}T04:00:00Z`) },
    ids: timeSortableIds,
    signer,
    blobs: new FileBlobStore(join(dir.path, 'blobs')),
    peers: new HttpPeerDirectory(province.code, signer, () => undefined),
  });
  return {
    services: services!,
    projects,
    count(into) {
      counts = into;
    },
    async close() {
      await workflow.stop();
      await real.close();
      dir.remove();
    },
  };
}
