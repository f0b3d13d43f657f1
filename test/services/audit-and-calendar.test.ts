import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { chainEvent, GENESIS_HASH, verifyChain } from '../../shared/domain/audit-chain.js';
import type { AuditEvent } from '../../shared/ports/store.js';
import {
  admittedProject,
  applicant,
  type Harness,
  makeHarness,
  stageMaterials,
  supervisor,
  TestClock,
  windowOfficer,
} from '../support/province-harness.js';

const harnesses: Harness[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.stop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function chain(n: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e = chainEvent('stageCase/C-1', seq, prev, {
      type: 'T',
      actor: 'a',
      at: `2026-01-0${(seq % 9) + 1}`,
      data: { seq },
    });
    events.push(e);
    prev = e.hash;
  }
  return events;
}

describe('audit chain', () => {
  it('reports the first altered event, whichever field was changed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.nat(),
        fc.constantFrom('data', 'actor', 'at', 'type'),
        (n, k, field) => {
          const events = chain(n);
          const target = k % n;
          const altered = events.map((e, i) =>
            i !== target
              ? e
              : field === 'data'
                ? { ...e, data: { seq: -1 } }
                : { ...e, [field]: `${e[field as 'actor']}x` },
          );
          expect(verifyChain(events).valid).toBe(true);
          const result = verifyChain(altered);
          expect(result).toMatchObject({ valid: false, firstBrokenSeq: target + 1, reason: 'hashMismatch' });
        },
      ),
    );
  });

  it('detects a removed event and a rewritten history', () => {
    const events = chain(5);
    expect(verifyChain([...events.slice(0, 2), ...events.slice(3)])).toMatchObject({
      valid: false,
      firstBrokenSeq: 3,
    });
    // recomputing one event's hash after editing it breaks the link of the next one
    const e2 = events[1]!;
    const forged = chainEvent(e2.stream, e2.seq, e2.prevHash, { ...e2, data: { forged: true } });
    expect(verifyChain([events[0]!, forged, ...events.slice(2)])).toMatchObject({
      valid: false,
      firstBrokenSeq: 3,
      reason: 'prevHashMismatch',
    });
  });

  it('an edit made directly in the store file shows up in the verification service', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-tamper-'));
    dirs.push(dir);
    const path = join(dir, 'store.db');
    const h = makeHarness({ path });
    harnesses.push(h);
    const projectId = await admittedProject(h);
    const c = await h.services.cases.submit(applicant(), {
      projectId,
      stage: 'projectApproval',
      materials: stageMaterials(h.province, 'projectApproval'),
    });
    await h.services.cases.actOnAcceptance(windowOfficer, c.value.id, c.version, { outcome: 'accept' });
    expect(await h.services.audit.verify(supervisor, 'stageCase', c.value.id)).toMatchObject({
      valid: true,
      length: 2,
    });

    const db = new Database(path);
    db.prepare('UPDATE audit_events SET actor = ? WHERE stream = ? AND seq = 2').run(
      'someone-else',
      `stageCase/${c.value.id}`,
    );
    db.close();
    expect(await h.services.audit.verify(supervisor, 'stageCase', c.value.id)).toMatchObject({
      valid: false,
      firstBrokenSeq: 2,
    });
  });
});

describe('provisional deadlines', () => {
  it('flags deadlines in a year without a holiday arrangement and recomputes them when it is loaded', async () => {
    // Accepted on 2026-12-21: a 20-working-day item runs into 2027, which chinese-days does not cover.
    const clock = new TestClock('2026-12-21');
    const h = makeHarness({ clock });
    harnesses.push(h);
    const projectId = await admittedProject(h);
    const c = await h.services.cases.submit(applicant(), {
      projectId,
      stage: 'projectApproval',
      materials: stageMaterials(h.province, 'projectApproval'),
    });
    await h.services.cases.actOnAcceptance(windowOfficer, c.value.id, c.version, { outcome: 'accept' });
    const before = await h.services.cases.progress(supervisor, c.value.id);
    const longest = before.progress.items.reduce((a, b) => (a.promisedDays >= b.promisedDays ? a : b));
    expect(longest.dueDate! > '2027-01-01').toBe(true);
    expect(longest.provisional).toBe(true);
    expect((await h.services.calendar.coverage()).coveredYears).not.toContain(2027);

    // The 2027 arrangement arrives: New Year plus a week off in early January (fictional but valid).
    const admin = { actor: { id: 'admin', name: '管理员', role: 'admin' as const } };
    await h.services.calendar.loadYear(admin, {
      year: 2027,
      holidays: ['2027-01-01', '2027-01-04', '2027-01-05', '2027-01-06', '2027-01-07', '2027-01-08'],
      workdays: [],
      source: '测试用安排',
    });
    await h.services.cases.recomputeProvisional();
    const after = await h.services.cases.progress(supervisor, c.value.id);
    const item = after.progress.items.find((i) => i.code === longest.code)!;
    expect(item.provisional).toBe(false);
    // the days off in early January push the deadline later, onto a day the new arrangement works
    const cal = await h.services.calendar.current();
    expect(item.dueDate! > longest.dueDate!).toBe(true);
    expect(cal.isWorkingDay(item.dueDate!)).toBe(true);
    expect(cal.workingDaysBetween('2026-12-21', item.dueDate!)).toBe(longest.promisedDays);
    expect((await h.services.calendar.coverage()).coveredYears).toContain(2027);
    // the reviewer's inbox is ordered by the new due date
    const inbox = await h.store.query('inbox', item.department);
    expect(inbox.items.some((e) => e.sort.startsWith(`${item.dueDate}#${c.value.id}`))).toBe(true);
  });
});
