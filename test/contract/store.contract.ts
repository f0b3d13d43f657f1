import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, verifyChain } from '../../shared/domain/audit-chain.js';
import { DomainError } from '../../shared/domain/errors.js';
import type {
  AggregateKind,
  AuditEventDraft,
  Change,
  IdempotencyRecord,
  IndexEntry,
  IndexHit,
  IndexName,
  OutboxMessage,
  QueryOptions,
  Store,
} from '../../shared/ports/store.js';
import { taskTokenExpiry } from '../../shared/ports/store.js';

/**
 * The behaviour every Store adapter must show. Run by test/contract/*-store.test.ts against the
 * SQLite and the DynamoDB adapter, so the services can rely on one contract.
 */

export interface StoreFixture {
  store: Store;
  cleanup(): Promise<void>;
}

const AT = '2026-05-01T02:00:00.000Z';

const draft = (type: string, data: Record<string, unknown> = {}): AuditEventDraft => ({
  type,
  actor: 'u-officer-1',
  at: AT,
  data,
});

function change(
  kind: AggregateKind,
  id: string,
  expectedVersion: number,
  value: unknown,
  indexes: IndexEntry[] = [],
  events: AuditEventDraft[] = [draft('Changed')],
): Change {
  return { kind, id, expectedVersion, value, indexes, events };
}

const idem = (scope: string, key: string, body: unknown = { ok: true }): IdempotencyRecord => ({
  scope,
  key,
  requestHash: 'a'.repeat(64),
  status: 201,
  body,
  at: AT,
});

const message = (id: string, createdAt: string, extra: Partial<OutboxMessage> = {}): OutboxMessage => ({
  id,
  event: { id, 'detail-type': 'CaseAccepted', source: 'gc.JS', detail: { caseId: 'c1', 说明: '已受理' } },
  createdAt,
  attempts: 0,
  nextAttemptAt: createdAt,
  ...extra,
});

const T = (minute: number) => `2026-05-01T02:${String(minute).padStart(2, '0')}:00.000Z`;

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError, but the call succeeded');
}

async function expectDomainError(
  promise: Promise<unknown>,
  kind: string,
  code: string,
): Promise<DomainError> {
  const error = await rejection(promise);
  expect({ kind: error.kind, code: error.code }).toEqual({ kind, code });
  return error;
}

/** Every hit of a query, following cursors; also checks that only the last page lacks a cursor. */
async function queryAll(
  store: Store,
  index: IndexName,
  key: string,
  options: Omit<QueryOptions, 'cursor'> = {},
): Promise<{ hits: IndexHit[]; pages: number }> {
  const hits: IndexHit[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.query(index, key, cursor === undefined ? options : { ...options, cursor });
    pages += 1;
    if (options.limit !== undefined) expect(page.items.length).toBeLessThanOrEqual(options.limit);
    hits.push(...page.items);
    cursor = page.cursor;
    if (pages > 1000) throw new Error('pagination does not terminate');
  } while (cursor !== undefined);
  return { hits, pages };
}

const sorts = (hits: IndexHit[]) => hits.map((h) => h.sort);

export function storeContract(name: string, makeStore: () => Promise<StoreFixture>): void {
  describe(`Store contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: Store;

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    describe('versions', () => {
      it('creates with expected version 0 and refuses a second create', async () => {
        expect(await store.get('project', 'p1')).toBeUndefined();
        const value = { name: '沪苏湖铁路', nested: { list: [1, 'two', null], flag: true } };
        const result = await store.commit([change('project', 'p1', 0, value)]);
        expect(result.versions).toEqual([1]);
        expect(await store.get('project', 'p1')).toEqual({ value, version: 1 });

        const error = await expectDomainError(
          store.commit([change('project', 'p1', 0, { name: 'other' })]),
          'conflict',
          'VERSION_CONFLICT',
        );
        expect(error.messageZh).toBe('数据已被他人修改，请刷新后重试');
        expect(error.details).toEqual({ kind: 'project', id: 'p1', expected: 0, actual: 1 });
        expect(await store.get('project', 'p1')).toEqual({ value, version: 1 });
      });

      it('refuses an update of a missing aggregate', async () => {
        const error = await expectDomainError(
          store.commit([change('project', 'ghost', 3, {})]),
          'conflict',
          'VERSION_CONFLICT',
        );
        expect(error.details).toMatchObject({ kind: 'project', id: 'ghost', expected: 3 });
        expect(await store.get('project', 'ghost')).toBeUndefined();
      });

      it('updates with the right version; a stale version changes nothing at all', async () => {
        const entry: IndexEntry = { index: 'status', key: 'stageCase:submitted', sort: `${AT}#c1` };
        await store.commit([change('stageCase', 'c1', 0, { status: 'submitted' }, [entry])]);
        const updated = await store.commit([
          change('stageCase', 'c1', 1, { status: 'underReview' }, [
            { index: 'status', key: 'stageCase:underReview', sort: `${AT}#c1` },
          ]),
        ]);
        expect(updated.versions).toEqual([2]);
        expect(await store.get('stageCase', 'c1')).toEqual({ value: { status: 'underReview' }, version: 2 });

        const before = {
          value: await store.get('stageCase', 'c1'),
          review: await queryAll(store, 'status', 'stageCase:underReview'),
          audit: await store.audit('stageCase/c1'),
        };
        const error = await expectDomainError(
          store.commit(
            [
              change(
                'stageCase',
                'c1',
                1,
                { status: 'approved' },
                [{ index: 'status', key: 'stageCase:approved', sort: `${AT}#c1` }],
                [draft('StageApproved')],
              ),
            ],
            idem('u1 POST /cases/c1/approve', 'k-stale'),
          ),
          'conflict',
          'VERSION_CONFLICT',
        );
        expect(error.details).toEqual({ kind: 'stageCase', id: 'c1', expected: 1, actual: 2 });
        expect(await store.get('stageCase', 'c1')).toEqual(before.value);
        expect(await queryAll(store, 'status', 'stageCase:underReview')).toEqual(before.review);
        expect((await queryAll(store, 'status', 'stageCase:approved')).hits).toEqual([]);
        expect(await store.audit('stageCase/c1')).toEqual(before.audit);
        expect(before.audit).toHaveLength(2);
        expect(await store.getIdempotency('u1 POST /cases/c1/approve', 'k-stale')).toBeUndefined();
      });

      it('keeps values of different kinds with the same id apart', async () => {
        await store.commit([change('project', 'x', 0, { a: 1 }), change('stageCase', 'x', 0, { b: 2 })]);
        expect(await store.get('project', 'x')).toEqual({ value: { a: 1 }, version: 1 });
        expect(await store.get('stageCase', 'x')).toEqual({ value: { b: 2 }, version: 1 });
      });

      it('refuses the same aggregate twice in one commit', async () => {
        await expectDomainError(
          store.commit([change('project', 'd', 0, {}), change('project', 'd', 1, {})]),
          'invalid',
          'DUPLICATE_CHANGE',
        );
        expect(await store.get('project', 'd')).toBeUndefined();
      });
    });

    describe('multi-aggregate commits', () => {
      it('applies every change and returns versions and events in order', async () => {
        await store.commit([change('project', 'p1', 0, { v: 0 })]);
        const result = await store.commit([
          change('stageCase', 'c1', 0, { v: 1 }, [], [draft('CaseSubmitted'), draft('PreReviewed')]),
          change('project', 'p1', 1, { v: 2 }, [], [draft('CaseLinked')]),
        ]);
        expect(result.versions).toEqual([1, 2]);
        expect(result.events.map((e) => [e.stream, e.seq, e.type])).toEqual([
          ['stageCase/c1', 1, 'CaseSubmitted'],
          ['stageCase/c1', 2, 'PreReviewed'],
          ['project/p1', 2, 'CaseLinked'],
        ]);
      });

      it('is all or nothing when one change conflicts', async () => {
        await store.commit([
          change('project', 'p1', 0, { v: 1 }, [{ index: 'applicant', key: 'org1', sort: 's1' }]),
        ]);
        await store.commit([
          change('project', 'p1', 1, { v: 2 }, [{ index: 'applicant', key: 'org1', sort: 's2' }]),
        ]);

        await expectDomainError(
          store.commit(
            [
              change('stageCase', 'c-new', 0, { v: 1 }, [
                { index: 'acceptance', key: 'JS', sort: '2026-05-08#c-new' },
              ]),
              change('project', 'p1', 1, { v: 3 }, [{ index: 'applicant', key: 'org1', sort: 's3' }]),
            ],
            idem('scope', 'k-all-or-nothing'),
          ),
          'conflict',
          'VERSION_CONFLICT',
        );
        expect(await store.get('stageCase', 'c-new')).toBeUndefined();
        expect(await store.getMany('stageCase', ['c-new'])).toEqual([]);
        expect(await store.get('project', 'p1')).toEqual({ value: { v: 2 }, version: 2 });
        expect((await queryAll(store, 'acceptance', 'JS')).hits).toEqual([]);
        expect(sorts((await queryAll(store, 'applicant', 'org1')).hits)).toEqual(['s2']);
        expect(await store.audit('stageCase/c-new')).toEqual([]);
        expect(await store.audit('project/p1')).toHaveLength(2);
        expect(await store.getIdempotency('scope', 'k-all-or-nothing')).toBeUndefined();
      });
    });

    describe('getMany', () => {
      it('returns the found ones, in the order asked, skipping missing and other kinds', async () => {
        await store.commit([
          change('stageCase', 'a', 0, { n: 'a' }),
          change('stageCase', 'b', 0, { n: 'b' }),
          change('stageCase', 'c', 0, { n: 'c' }),
          change('project', 'd', 0, { n: 'd' }),
        ]);
        await store.commit([change('stageCase', 'b', 1, { n: 'b2' })]);
        const found = await store.getMany<{ n: string }>('stageCase', ['c', 'missing', 'b', 'd', 'a']);
        expect(found).toEqual([
          { value: { n: 'c' }, version: 1 },
          { value: { n: 'b2' }, version: 2 },
          { value: { n: 'a' }, version: 1 },
        ]);
        expect(await store.getMany('stageCase', [])).toEqual([]);
      });

      it('reads more ids than one DynamoDB batch holds', async () => {
        const ids = Array.from({ length: 130 }, (_, i) => `m${String(i).padStart(3, '0')}`);
        for (let i = 0; i < ids.length; i += 25) {
          await store.commit(ids.slice(i, i + 25).map((id) => change('organisation', id, 0, { id }, [], [])));
        }
        const found = await store.getMany<{ id: string }>('organisation', [...ids].reverse());
        expect(found.map((f) => f.value.id)).toEqual([...ids].reverse());
      });
    });

    describe('indexes', () => {
      it('replaces the full set of entries on every change', async () => {
        await store.commit([
          change('stageCase', 'c1', 0, {}, [
            { index: 'inbox', key: 'dept-a', sort: '2026-05-10#c1#i1' },
            { index: 'inbox', key: 'dept-b', sort: '2026-05-11#c1#i2' },
            { index: 'due', key: 'JS', sort: '2026-05-10#c1' },
          ]),
        ]);
        await store.commit([
          change('stageCase', 'c1', 1, {}, [
            { index: 'inbox', key: 'dept-b', sort: '2026-05-11#c1#i2' }, // kept
            { index: 'inbox', key: 'dept-c', sort: '2026-05-12#c1#i3' }, // added
            { index: 'due', key: 'JS', sort: '2026-05-12#c1' }, // moved
          ]),
        ]);
        expect((await queryAll(store, 'inbox', 'dept-a')).hits).toEqual([]);
        expect((await queryAll(store, 'inbox', 'dept-b')).hits).toEqual([
          { kind: 'stageCase', id: 'c1', sort: '2026-05-11#c1#i2' },
        ]);
        expect((await queryAll(store, 'inbox', 'dept-c')).hits).toEqual([
          { kind: 'stageCase', id: 'c1', sort: '2026-05-12#c1#i3' },
        ]);
        expect(sorts((await queryAll(store, 'due', 'JS')).hits)).toEqual(['2026-05-12#c1']);

        await store.commit([change('stageCase', 'c1', 2, {}, [])]);
        for (const key of ['dept-b', 'dept-c'])
          expect((await queryAll(store, 'inbox', key)).hits).toEqual([]);
        expect((await queryAll(store, 'due', 'JS')).hits).toEqual([]);
      });

      it('orders by sort, then kind and id; bounds are inclusive; descending reverses', async () => {
        const entries: [AggregateKind, string, string][] = [
          ['stageCase', 'c3', '2026-05-03'],
          ['stageCase', 'c1', '2026-05-01'],
          ['stageCase', 'c2', '2026-05-01#c2'],
          ['stageCase', 'c4', '2026-05-02'],
          ['project', 'p1', '2026-05-02'],
          ['stageCase', 'c5', '2026-05-02'],
          ['stageCase', 'c6', '2026-06-01'],
        ];
        await store.commit(
          entries.map(([kind, id, sort]) => change(kind, id, 0, {}, [{ index: 'due', key: 'JS', sort }], [])),
        );
        // noise: other key, other index, same key text
        await store.commit([
          change('stageCase', 'z1', 0, {}, [
            { index: 'due', key: 'ZJ', sort: '2026-05-02' },
            { index: 'acceptance', key: 'JS', sort: '2026-05-02' },
          ]),
        ]);

        const all = (await store.query('due', 'JS')).items;
        expect(all.map((h) => `${h.sort}|${h.kind}/${h.id}`)).toEqual([
          '2026-05-01|stageCase/c1',
          '2026-05-01#c2|stageCase/c2',
          '2026-05-02|project/p1',
          '2026-05-02|stageCase/c4',
          '2026-05-02|stageCase/c5',
          '2026-05-03|stageCase/c3',
          '2026-06-01|stageCase/c6',
        ]);
        const desc = (await store.query('due', 'JS', { descending: true })).items;
        expect(desc).toEqual([...all].reverse());

        const ids = async (options: QueryOptions) =>
          (await queryAll(store, 'due', 'JS', options)).hits.map((h) => h.id);
        expect(await ids({ from: '2026-05-02' })).toEqual(['p1', 'c4', 'c5', 'c3', 'c6']);
        expect(await ids({ to: '2026-05-02' })).toEqual(['c1', 'c2', 'p1', 'c4', 'c5']);
        expect(await ids({ from: '2026-05-01', to: '2026-05-01' })).toEqual(['c1']);
        expect(await ids({ from: '2026-05-01#', to: '2026-05-02' })).toEqual(['c2', 'p1', 'c4', 'c5']);
        expect(await ids({ to: '2026-05-01#c2' })).toEqual(['c1', 'c2']);
        expect(await ids({ from: '2026-05-02', to: '2026-05-03', descending: true })).toEqual([
          'c3',
          'c5',
          'c4',
          'p1',
        ]);
        expect(await ids({ from: '2026-05-04', to: '2026-05-31' })).toEqual([]);
        expect(await ids({ from: '2026-05-09', to: '2026-05-01' })).toEqual([]);
        expect((await queryAll(store, 'due', 'nobody')).hits).toEqual([]);
        expect((await queryAll(store, 'acceptance', 'JS')).hits).toEqual([
          { kind: 'stageCase', id: 'z1', sort: '2026-05-02' },
        ]);
      });

      it('pages through cursors covering every entry exactly once', async () => {
        const n = 23;
        const changes: Change[] = [];
        for (let i = 0; i < n; i++) {
          const id = `c${String(i).padStart(2, '0')}`;
          // a few equal sort values, so the tie-break on kind/id must carry across page borders
          const sort = `2026-05-${String(10 + (i % 7)).padStart(2, '0')}`;
          changes.push(change('stageCase', id, 0, {}, [{ index: 'acceptance', key: 'SH', sort }], []));
        }
        await store.commit(changes);
        const expected = (await store.query('acceptance', 'SH')).items;
        expect(expected).toHaveLength(n);

        for (const limit of [1, 4, 5, 23, 50]) {
          const asc = await queryAll(store, 'acceptance', 'SH', { limit });
          expect(asc.hits).toEqual(expected);
          expect(asc.pages).toBe(Math.max(1, Math.ceil(n / limit)));
          const desc = await queryAll(store, 'acceptance', 'SH', { limit, descending: true });
          expect(desc.hits).toEqual([...expected].reverse());
        }
        const bounded = await queryAll(store, 'acceptance', 'SH', {
          limit: 2,
          from: '2026-05-11',
          to: '2026-05-13',
        });
        expect(bounded.hits).toEqual(
          expected.filter((h) => h.sort >= '2026-05-11' && h.sort <= '2026-05-13'),
        );

        const first = await store.query('acceptance', 'SH', { limit: 5 });
        expect(first.cursor).toEqual(expect.any(String));
        await expectDomainError(
          store.query('acceptance', 'SH', { cursor: 'not-a-cursor' }),
          'invalid',
          'INVALID_CURSOR',
        );
      });
    });

    describe('audit chain', () => {
      it('chains seq and hashes across commits, per aggregate stream', async () => {
        const r1 = await store.commit([
          change('stageCase', 'c1', 0, {}, [], [draft('CaseSubmitted', { round: 1 }), draft('PreReviewed')]),
        ]);
        expect(r1.events[0]).toMatchObject({ stream: 'stageCase/c1', seq: 1, prevHash: GENESIS_HASH });
        expect(r1.events[1]?.prevHash).toBe(r1.events[0]?.hash);
        await store.commit([change('stageCase', 'c1', 1, {}, [], [])]); // no event: chain untouched
        await store.commit([change('stageCase', 'c1', 2, {}, [], [draft('CaseAccepted', { by: '张三' })])]);
        await store.commit([change('project', 'p1', 0, {}, [], [draft('ProjectRegistered')])]);
        const r5 = await store.commit([
          change(
            'stageCase',
            'c1',
            3,
            {},
            [],
            [draft('ItemApproved', { item: 'i1', nested: { a: [1, 2] } })],
          ),
        ]);

        const events = await store.audit('stageCase/c1');
        expect(events.map((e) => [e.seq, e.type])).toEqual([
          [1, 'CaseSubmitted'],
          [2, 'PreReviewed'],
          [3, 'CaseAccepted'],
          [4, 'ItemApproved'],
        ]);
        expect(events[2]?.data).toEqual({ by: '张三' });
        expect(events[3]).toEqual(r5.events[0]);
        const verification = verifyChain(events);
        expect(verification).toMatchObject({ valid: true, length: 4 });
        expect(verification.headHash).toBe(r5.events[0]?.hash);

        const project = await store.audit('project/p1');
        expect(project.map((e) => [e.stream, e.seq, e.prevHash])).toEqual([['project/p1', 1, GENESIS_HASH]]);
        expect(verifyChain(project).valid).toBe(true);

        expect((await store.audit('stageCase/c1', { fromSeq: 3 })).map((e) => e.seq)).toEqual([3, 4]);
        expect((await store.audit('stageCase/c1', { fromSeq: 2, limit: 2 })).map((e) => e.seq)).toEqual([
          2, 3,
        ]);
        expect(await store.audit('stageCase/none')).toEqual([]);
      });

      it("keeps each stream's head beside its aggregate, moved by the same commit as the append", async () => {
        expect(await store.auditHead('stageCase/c1')).toBeUndefined();
        await store.commit([change('stageCase', 'c1', 0, {}, [], [])]);
        expect(await store.auditHead('stageCase/c1')).toEqual({
          stream: 'stageCase/c1',
          seq: 0,
          hash: GENESIS_HASH,
        });
        const r = await store.commit([
          change('stageCase', 'c1', 1, {}, [], [draft('CaseSubmitted'), draft('PreReviewed')]),
          change('project', 'p1', 0, {}, [], [draft('ProjectRegistered')]),
        ]);
        expect(await store.auditHead('stageCase/c1')).toEqual({
          stream: 'stageCase/c1',
          seq: 2,
          hash: r.events[1]?.hash,
        });
        // a failed commit moves no head
        await expect(store.commit([change('stageCase', 'c1', 1, {}, [], [draft('Late')])])).rejects.toThrow();
        expect((await store.auditHead('stageCase/c1'))?.seq).toBe(2);
        await store.commit([change('organisation', 'o1', 0, {}, [], [])]); // no events: no head listed

        const heads = [];
        let cursor: string | undefined;
        do {
          const page = await store.auditHeads({ limit: 1, ...(cursor ? { cursor } : {}) });
          heads.push(...page.items);
          cursor = page.cursor;
        } while (cursor);
        expect(heads.sort((a, b) => a.stream.localeCompare(b.stream))).toEqual([
          { stream: 'project/p1', seq: 1, hash: r.events[2]?.hash },
          { stream: 'stageCase/c1', seq: 2, hash: r.events[1]?.hash },
        ]);
        const events = await store.audit('stageCase/c1');
        expect(verifyChain(events, { head: (await store.auditHead('stageCase/c1'))! })).toMatchObject({
          valid: true,
        });
        expect(
          verifyChain(events.slice(0, 1), { head: (await store.auditHead('stageCase/c1'))! }),
        ).toMatchObject({
          valid: false,
          firstBrokenSeq: 2,
          reason: 'truncated',
        });
      });
    });

    describe('idempotency', () => {
      it('stores the record with its change, and refuses the key a second time', async () => {
        const scope = 'u-officer-1 POST /cases/{id}/accept';
        const body = { id: 'c1', status: 'underReview', 说明: '已受理' };
        await store.commit([change('stageCase', 'c1', 0, { v: 1 })], idem(scope, 'key-1', body));
        expect(await store.getIdempotency(scope, 'key-1')).toEqual(idem(scope, 'key-1', body));
        expect(await store.getIdempotency(scope, 'key-2')).toBeUndefined();
        expect(await store.getIdempotency('other scope', 'key-1')).toBeUndefined();

        const error = await expectDomainError(
          store.commit(
            [change('stageCase', 'c1', 1, { v: 2 }, [{ index: 'due', key: 'JS', sort: 'x' }])],
            idem(scope, 'key-1', { other: true }),
          ),
          'conflict',
          'IDEMPOTENCY_KEY_USED',
        );
        expect(error.details).toEqual({ scope, key: 'key-1' });
        expect(await store.get('stageCase', 'c1')).toEqual({ value: { v: 1 }, version: 1 });
        expect((await queryAll(store, 'due', 'JS')).hits).toEqual([]);
        expect(await store.audit('stageCase/c1')).toHaveLength(1);
        expect(await store.getIdempotency(scope, 'key-1')).toEqual(idem(scope, 'key-1', body));

        // the same key under another scope is a different request
        await store.commit([change('stageCase', 'c1', 1, { v: 2 })], idem('u-other POST /x', 'key-1'));
        expect((await store.get('stageCase', 'c1'))?.version).toBe(2);
      });

      it('keeps a record that points at the aggregate it answered instead of a copy', async () => {
        const scope = 'u1 POST /cases/c1/items/x/decision';
        const record: IdempotencyRecord = {
          scope,
          key: 'k-ref',
          requestHash: 'c'.repeat(64),
          status: 200,
          ref: { kind: 'stageCase', id: 'c1', version: 1 },
          at: AT,
          expiresAt: '2099-01-01T00:00:00.000Z',
        };
        await store.commit([change('stageCase', 'c1', 0, { v: 1 })], record);
        const stored = await store.getIdempotency(scope, 'k-ref');
        expect(stored).toEqual(record);
        expect(stored).not.toHaveProperty('body');
      });

      it('an expired record no longer blocks its key: a new request replaces it; the purge frees expired ones', async () => {
        const scope = 'u1 POST /cases/c1/decision';
        const first = { ...idem(scope, 'k-exp', { n: 1 }), expiresAt: '2026-03-03T00:00:00.000Z' };
        await store.commit([change('stageCase', 'c1', 0, { v: 1 })], first);
        expect(await store.getIdempotency(scope, 'k-exp')).toEqual(first);
        // still live at the second request's time: refused, nothing written
        await expectDomainError(
          store.commit([change('stageCase', 'c1', 1, { v: 2 })], {
            ...idem(scope, 'k-exp', { n: 2 }),
            at: '2026-03-02T23:59:59.999Z',
          }),
          'conflict',
          'IDEMPOTENCY_KEY_USED',
        );
        expect((await store.get('stageCase', 'c1'))?.version).toBe(1);
        // expired: the same key is a new request, and its record replaces the old one
        const second = {
          ...idem(scope, 'k-exp', { n: 2 }),
          at: '2026-03-03T00:00:00.000Z',
          expiresAt: '2026-03-04T00:00:00.000Z',
        };
        await store.commit([change('stageCase', 'c1', 1, { v: 2 })], second);
        expect((await store.get('stageCase', 'c1'))?.version).toBe(2);
        expect(await store.getIdempotency(scope, 'k-exp')).toEqual(second);
        // a record without expiry (written before records expired) never expires
        await store.commit([change('stageCase', 'c2', 0, {})], idem(scope, 'k-old'));
        await store.purgeIdempotency('2099-01-01T00:00:00.000Z');
        expect(await store.getIdempotency(scope, 'k-old')).toEqual(idem(scope, 'k-old'));
        const purged = await store.purgeIdempotency('2026-03-05T00:00:00.000Z');
        // the embedded store deletes; DynamoDB leaves it to the table's TTL (and reports 0)
        expect([0, 1]).toContain(purged);
      });

      it('reports a used key before a stale version (a raced duplicate request replays)', async () => {
        await store.commit([change('stageCase', 'c1', 0, {})], idem('s', 'k'));
        await expectDomainError(
          store.commit([change('stageCase', 'c1', 0, {})], idem('s', 'k')),
          'conflict',
          'IDEMPOTENCY_KEY_USED',
        );
      });
    });

    describe('outbox', () => {
      const ids = (messages: OutboxMessage[]) => messages.map((m) => m.id);

      it('stores messages with the change and returns them as written', async () => {
        const m1 = message('e1', T(0));
        const m2 = message('e2', T(1), { attempts: 2, nextAttemptAt: T(3), lastError: 'timeout' });
        await store.commit([change('stageCase', 'c1', 0, { v: 1 })], undefined, [m1, m2]);
        expect(await store.dueOutbox(T(59), 10)).toEqual([m1, m2]);
        expect(await store.dueOutbox(T(0), 10)).toEqual([m1]);
        expect(await store.dueOutbox('2026-05-01T01:59:59.999Z', 10)).toEqual([]);
        // a commit may carry only messages
        await store.commit([], undefined, [message('e3', T(2))]);
        expect(ids(await store.dueOutbox(T(59), 10))).toEqual(['e1', 'e3', 'e2']);
      });

      it('writes no message when the commit fails (stale version, used key, duplicate id)', async () => {
        await store.commit([change('stageCase', 'c1', 0, { v: 1 })], idem('s', 'used'), [
          message('e0', T(0)),
        ]);
        await expectDomainError(
          store.commit([change('stageCase', 'c1', 0, { v: 2 })], undefined, [message('e-stale', T(1))]),
          'conflict',
          'VERSION_CONFLICT',
        );
        await expectDomainError(
          store.commit([change('stageCase', 'c1', 1, { v: 2 })], idem('s', 'used'), [
            message('e-idem', T(1)),
          ]),
          'conflict',
          'IDEMPOTENCY_KEY_USED',
        );
        // an id already in the outbox: nothing of the commit is written
        const duplicate = await expectDomainError(
          store.commit(
            [change('stageCase', 'c1', 1, { v: 2 }, [{ index: 'due', key: 'JS', sort: 'x' }])],
            idem('s', 'fresh'),
            [message('e-new', T(1)), message('e0', T(1))],
          ),
          'conflict',
          'OUTBOX_DUPLICATE',
        );
        expect(duplicate.details).toEqual({ id: 'e0' });
        // the same id twice in one commit is the same error
        await expectDomainError(
          store.commit([change('stageCase', 'c1', 1, { v: 2 })], undefined, [
            message('e-twice', T(1)),
            message('e-twice', T(2)),
          ]),
          'conflict',
          'OUTBOX_DUPLICATE',
        );
        expect(ids(await store.dueOutbox(T(59), 10))).toEqual(['e0']);
        expect(await store.get('stageCase', 'c1')).toEqual({ value: { v: 1 }, version: 1 });
        expect((await queryAll(store, 'due', 'JS')).hits).toEqual([]);
        expect(await store.audit('stageCase/c1')).toHaveLength(1);
        expect(await store.getIdempotency('s', 'fresh')).toBeUndefined();

        // only ids still waiting are refused: once published and deleted, the id is free again
        await store.deleteOutbox(['e0']);
        await store.commit([change('stageCase', 'c1', 1, { v: 2 })], undefined, [message('e0', T(5))]);
        expect(ids(await store.dueOutbox(T(59), 10))).toEqual(['e0']);
      });

      it('returns due messages in order of next attempt, then creation, up to the limit', async () => {
        // created out of order, across several commits
        await store.commit([change('project', 'p1', 0, {})], undefined, [
          message('e-09', T(9)),
          message('e-02', T(2)),
        ]);
        await store.commit([change('project', 'p2', 0, {})], undefined, [
          message('e-05', T(5)),
          message('e-01', T(1)),
          message('e-future', T(1), { nextAttemptAt: T(40) }),
        ]);
        // same instant: ties break by creation time, then id
        await store.commit([], undefined, [
          message('e-07b', T(7)),
          message('e-07a', T(7)),
          message('e-late', T(0), { nextAttemptAt: T(7) }),
        ]);
        const all = ['e-01', 'e-02', 'e-05', 'e-late', 'e-07a', 'e-07b', 'e-09'];
        expect(ids(await store.dueOutbox(T(30), 100))).toEqual(all);
        for (const limit of [1, 3, 7]) {
          expect(ids(await store.dueOutbox(T(30), limit))).toEqual(all.slice(0, limit));
        }
        expect(ids(await store.dueOutbox(T(5), 100))).toEqual(['e-01', 'e-02', 'e-05']);
        expect(ids(await store.dueOutbox(T(40), 100))).toEqual([...all, 'e-future']);
        await expectDomainError(store.dueOutbox(T(30), 0), 'invalid', 'INVALID_LIMIT');
      });

      it('reschedule hides a message until its next attempt and keeps the error', async () => {
        await store.commit([], undefined, [message('e1', T(0)), message('e2', T(1))]);
        await store.rescheduleOutbox('e1', 1, T(10), 'bus unavailable');
        expect(ids(await store.dueOutbox(T(9), 10))).toEqual(['e2']);
        const due = await store.dueOutbox(T(10), 10);
        expect(ids(due)).toEqual(['e2', 'e1']);
        expect(due[1]).toEqual(
          message('e1', T(0), { attempts: 1, nextAttemptAt: T(10), lastError: 'bus unavailable' }),
        );
        // rescheduling again replaces attempts, time and error; an earlier time brings it forward
        await store.rescheduleOutbox('e1', 2, T(0), 'throttled');
        expect(await store.dueOutbox(T(0), 10)).toEqual([
          message('e1', T(0), { attempts: 2, nextAttemptAt: T(0), lastError: 'throttled' }),
        ]);
        // rescheduling a message already deleted does not bring it back
        await store.deleteOutbox(['e2']);
        await store.rescheduleOutbox('e2', 1, T(20), 'late failure report');
        expect(ids(await store.dueOutbox(T(59), 10))).toEqual(['e1']);
      });

      it('delete removes a message and is idempotent', async () => {
        await store.commit([], undefined, [message('e1', T(0)), message('e2', T(1))]);
        await store.deleteOutbox(['e1']);
        await store.deleteOutbox(['e1']);
        await store.deleteOutbox(['never-there']);
        expect(ids(await store.dueOutbox(T(59), 10))).toEqual(['e2']);
        await store.deleteOutbox(['e2']);
        expect(await store.dueOutbox(T(59), 10)).toEqual([]);
      });

      it('deletes many messages at once, more than one batch of the store, leaving the others', async () => {
        const all = Array.from({ length: 60 }, (_, i) =>
          message(`m${String(i).padStart(2, '0')}`, T(i % 50)),
        );
        await store.commit([], undefined, all.slice(0, 30));
        await store.commit([], undefined, all.slice(30));
        const gone = all.filter((_, i) => i % 3 !== 0).map((m) => m.id);
        await store.deleteOutbox([...gone, 'never-there']);
        const left = ids(await store.dueOutbox(T(59), 100)).sort();
        expect(left).toEqual(
          all
            .filter((_, i) => i % 3 === 0)
            .map((m) => m.id)
            .sort(),
        );
        await store.deleteOutbox([]);
        expect(ids(await store.dueOutbox(T(59), 100))).toHaveLength(20);
      });
    });

    describe('task tokens', () => {
      const base = { key: 'c1/r1/accept', caseId: 'c1', token: 'tok-1', updatedAt: AT };

      it('puts pending and re-adopts a new token (a replayed wait after a restart)', async () => {
        expect(await store.getTaskToken(base.key)).toBeUndefined();
        expect(await store.putTaskToken(base)).toEqual({ ...base, status: 'pending' });
        expect(await store.getTaskToken(base.key)).toEqual({ ...base, status: 'pending' });

        const readopted = { ...base, token: 'tok-2', updatedAt: '2026-05-01T03:00:00.000Z' };
        expect(await store.putTaskToken(readopted)).toEqual({ ...readopted, status: 'pending' });
        expect(await store.getTaskToken(base.key)).toEqual({ ...readopted, status: 'pending' });
      });

      it('keeps a token record for its retention after its last registration, and no longer', async () => {
        const registered = '2026-03-02T00:00:00.000Z';
        const old = { ...base, key: 'c1/r1/review/old', updatedAt: registered };
        const fresh = { ...base, key: 'c1/r1/review/fresh', updatedAt: '2026-12-01T00:00:00.000Z' };
        await store.putTaskToken(old);
        await store.putTaskToken(fresh);
        const ends = taskTokenExpiry(registered);
        expect(ends).toBe('2027-04-06T00:00:00.000Z'); // 400 days on
        expect(await store.purgeTaskTokens('2027-04-05T23:59:59.999Z')).toBe(0);
        expect(await store.getTaskToken(old.key)).toBeDefined();
        const purged = await store.purgeTaskTokens(ends);
        // the embedded store deletes it; DynamoDB leaves it to the table's TTL (and reports 0)
        expect([0, 1]).toContain(purged);
        if (purged === 1) expect(await store.getTaskToken(old.key)).toBeUndefined();
        expect(await store.getTaskToken(fresh.key)).toEqual({ ...fresh, status: 'pending' });
      });

      it('lists the tokens of one case, by key', async () => {
        await store.putTaskToken({ ...base, key: 'c1/r1/review/i2', token: 't2' });
        await store.putTaskToken({ ...base, key: 'c1/r1/review/i1', token: 't1' });
        await store.putTaskToken({ ...base, key: 'c1/r1/accept', token: 't0' });
        await store.putTaskToken({ ...base, caseId: 'c2', key: 'c2/r1/accept', token: 'u0' });

        const pending = await store.pendingTaskTokens('c1');
        expect(pending.map((p) => [p.key, p.token, p.status])).toEqual([
          ['c1/r1/accept', 't0', 'pending'],
          ['c1/r1/review/i1', 't1', 'pending'],
          ['c1/r1/review/i2', 't2', 'pending'],
        ]);
        expect((await store.pendingTaskTokens('c2')).map((p) => p.key)).toEqual(['c2/r1/accept']);
        expect(await store.pendingTaskTokens('c3')).toEqual([]);
      });

      it('concurrent registrations of one wait leave exactly one of their tokens', async () => {
        const tokens = Array.from({ length: 10 }, (_, i) => `tok-${i}`);
        await Promise.all(tokens.map((token) => store.putTaskToken({ ...base, token })));
        const stored = await store.getTaskToken(base.key);
        expect(tokens).toContain(stored?.token);
        expect(await store.pendingTaskTokens(base.caseId)).toHaveLength(1);
      });
    });

    describe('concurrency', () => {
      it('exactly one of ten concurrent updates with the same expected version wins', async () => {
        await store.commit([change('stageCase', 'c1', 0, { winner: null })]);
        const outcomes = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) =>
            store.commit([
              change(
                'stageCase',
                'c1',
                1,
                { winner: i },
                [{ index: 'due', key: 'JS', sort: `d${i}` }],
                [draft(`W${i}`)],
              ),
            ]),
          ),
        );
        const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
        expect(won).toHaveLength(1);
        for (const o of outcomes) {
          if (o.status === 'rejected') {
            expect(o.reason).toBeInstanceOf(DomainError);
            expect((o.reason as DomainError).code).toBe('VERSION_CONFLICT');
          }
        }
        const winner = won[0];
        expect(await store.get('stageCase', 'c1')).toEqual({ value: { winner }, version: 2 });
        expect(sorts((await queryAll(store, 'due', 'JS')).hits)).toEqual([`d${winner}`]);
        const events = await store.audit('stageCase/c1');
        expect(events.map((e) => e.type)).toEqual(['Changed', `W${winner}`]);
        expect(verifyChain(events).valid).toBe(true);
      });

      it('exactly one wins even when the changes carry no audit events', async () => {
        await store.commit([change('organisation', 'o1', 0, { n: 0 }, [], [])]);
        const outcomes = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) =>
            store.commit([change('organisation', 'o1', 1, { n: i + 1 }, [], [])]),
          ),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect((await store.get('organisation', 'o1'))?.version).toBe(2);
      });

      it('exactly one of ten concurrent creates wins', async () => {
        const outcomes = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) => store.commit([change('project', 'p-race', 0, { i })])),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect((await store.get('project', 'p-race'))?.version).toBe(1);
        expect(await store.audit('project/p-race')).toHaveLength(1);
      });
    });
  });
}
