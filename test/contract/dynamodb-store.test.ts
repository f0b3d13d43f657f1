import { randomBytes } from 'node:crypto';
import { brotliDecompressSync } from 'node:zlib';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTableInput,
  DynamoDbStore,
  TABLE_DESIGN,
} from '../../shared/adapters/dynamodb/dynamodb-store.js';
import { verifyChain } from '../../shared/domain/audit-chain.js';
import {
  type DynamoDbLocal,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startDynamoDbLocal,
} from '../support/dynamodb-local.js';
import { storeContract } from './store.contract.js';

// DynamoDB Local runs for the whole file; every test gets a fresh table, so tests cannot leak
// into each other. No skip when Java is missing: startDynamoDbLocal fails with a clear message.
let local: DynamoDbLocal | undefined;
let client: DynamoDBClient | undefined;
let tables = 0;

beforeAll(async () => {
  local = await startDynamoDbLocal();
  client = new DynamoDBClient({
    endpoint: local.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
});

afterAll(async () => {
  client?.destroy();
  await local?.stop();
});

async function freshTable(): Promise<{ store: DynamoDbStore; tableName: string }> {
  if (!client) throw new Error('DynamoDB Local did not start');
  const tableName = `green-channel-${process.pid}-${++tables}`;
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return { store: new DynamoDbStore({ client, tableName }), tableName };
}

storeContract('DynamoDbStore (DynamoDB Local)', async () => {
  const { store, tableName } = await freshTable();
  return {
    store,
    cleanup: async () => {
      await store.close();
      await client?.send(new DeleteTableCommand({ TableName: tableName }));
    },
  };
});

describe('DynamoDbStore limits', () => {
  it('declares the table design used by tests and CDK', () => {
    expect(TABLE_DESIGN.partitionKey).toEqual({ name: 'pk', type: 'S' });
    expect(TABLE_DESIGN.sortKey).toEqual({ name: 'sk', type: 'S' });
    expect(TABLE_DESIGN.globalSecondaryIndexes.map((g) => g.indexName)).toEqual(['gsi1']);
    expect(createTableInput('t').AttributeDefinitions?.map((a) => a.AttributeName)).toEqual([
      'pk',
      'sk',
      'gsi1pk',
      'gsi1sk',
    ]);
  });

  it('refuses a commit over the 100-item transaction limit before sending it', async () => {
    const { store } = await freshTable();
    const events = Array.from({ length: 100 }, (_, i) => ({
      type: `E${i}`,
      actor: 'a',
      at: 'now',
      data: {},
    }));
    await expect(
      store.commit([{ kind: 'stageCase', id: 'big', expectedVersion: 0, value: {}, indexes: [], events }]),
    ).rejects.toMatchObject({ kind: 'invalid', code: 'COMMIT_TOO_LARGE' });
    expect(await store.get('stageCase', 'big')).toBeUndefined();
    // 98 events + META + idempotency = 100 items: still fine
    await store.commit(
      [
        {
          kind: 'stageCase',
          id: 'big',
          expectedVersion: 0,
          value: {},
          indexes: [],
          events: events.slice(0, 98),
        },
      ],
      { scope: 's', key: 'k', requestHash: 'h', status: 200, body: null, at: 'now' },
    );
    expect(await store.audit('stageCase/big')).toHaveLength(98);

    // outbox messages count too: 97 events + META + idempotency + 2 messages = 101 items
    const outbox = ['e1', 'e2'].map((id) => ({
      id,
      event: {},
      createdAt: 'T',
      attempts: 0,
      nextAttemptAt: 'T',
    }));
    const over = {
      kind: 'stageCase' as const,
      id: 'big2',
      expectedVersion: 0,
      value: {},
      indexes: [],
      events: events.slice(0, 97),
    };
    const key = { scope: 's', key: 'k2', requestHash: 'h', status: 200, body: null, at: 'now' };
    await expect(store.commit([over], key, outbox)).rejects.toMatchObject({
      kind: 'invalid',
      code: 'COMMIT_TOO_LARGE',
    });
    expect(await store.dueOutbox('U', 10)).toEqual([]);
    await store.commit([over], key, outbox.slice(0, 1));
    expect((await store.dueOutbox('U', 10)).map((m) => m.id)).toEqual(['e1']);
  });

  it('refuses an outbox event over the 400 KB item limit', async () => {
    const { store } = await freshTable();
    const big = {
      id: 'e1',
      event: { text: 'x'.repeat(410 * 1024) },
      createdAt: 'T',
      attempts: 0,
      nextAttemptAt: 'T',
    };
    await expect(store.commit([], undefined, [big])).rejects.toMatchObject({
      kind: 'invalid',
      code: 'VALUE_TOO_LARGE',
    });
    expect(await store.dueOutbox('U', 10)).toEqual([]);
  });

  it('refuses a value over the 400 KB item limit with a clear error', async () => {
    const { store } = await freshTable();
    // random text: values are stored compressed, so only content that does not compress is too large
    const value = { text: randomBytes(560 * 1024).toString('base64') };
    await expect(
      store.commit([{ kind: 'stageCase', id: 'huge', expectedVersion: 0, value, indexes: [], events: [] }]),
    ).rejects.toMatchObject({ kind: 'invalid', code: 'VALUE_TOO_LARGE' });
    const fits = { text: randomBytes(280 * 1024).toString('base64') }; // 373 KB of text, as random
    await store.commit([
      { kind: 'stageCase', id: 'huge', expectedVersion: 0, value: fits, indexes: [], events: [] },
    ]);
    expect((await store.get('stageCase', 'huge'))?.value).toEqual(fits);
  });
});

describe('DynamoDbStore damaged audit items', () => {
  it('hands a damaged event back marked unreadable instead of throwing', async () => {
    const { store, tableName } = await freshTable();
    await store.commit([
      {
        kind: 'stageCase',
        id: 'c1',
        expectedVersion: 0,
        value: {},
        indexes: [],
        events: [
          { type: 'A', actor: 'a', at: '2026-05-01T00:00:00.000Z', data: {} },
          { type: 'B', actor: 'a', at: '2026-05-01T00:00:00.000Z', data: {} },
        ],
      },
    ]);
    // one byte of the stored JSON changed, and a hash stored as a number
    await client!.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { pk: { S: 'AUDIT#stageCase/c1' }, sk: { S: '000000000002' } },
        UpdateExpression: 'SET #d = :d',
        ExpressionAttributeNames: { '#d': 'data' },
        ExpressionAttributeValues: { ':d': { S: '{#' } },
      }),
    );
    const events = await store.audit('stageCase/c1');
    expect(events[1]).toMatchObject({ seq: 2, unreadable: expect.any(String) });
    expect(verifyChain(events, { head: (await store.auditHead('stageCase/c1'))! })).toMatchObject({
      valid: false,
      firstBrokenSeq: 2,
      reason: 'unreadable',
    });
    await client!.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { pk: { S: 'AUDIT#stageCase/c1' }, sk: { S: '000000000001' } },
        UpdateExpression: 'SET #h = :h',
        ExpressionAttributeNames: { '#h': 'hash' },
        ExpressionAttributeValues: { ':h': { N: '12345' } },
      }),
    );
    expect(verifyChain(await store.audit('stageCase/c1'))).toMatchObject({
      valid: false,
      firstBrokenSeq: 1,
      reason: 'unreadable',
    });
    await store.close();
    await client!.send(new DeleteTableCommand({ TableName: tableName }));
  });
});

describe('DynamoDbStore index keys on META', () => {
  const entries = (n: number, prefix = 'C-0123456789-abcdef') =>
    Array.from({ length: n }, (_, i) => ({
      index: 'inbox' as const,
      key: `dept${i % 5}`,
      sort: `2026-12-${String(10 + i).padStart(2, '0')}#${prefix}#itemCode${i}`,
    }));
  const rawMeta = async (tableName: string, id: string) => {
    const out = await client!.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: `stageCase#${id}` }, sk: { S: 'META' } } }),
    );
    return out.Item!;
  };

  it('keeps a case’s many index keys compressed, so each change rewrites a smaller META item', async () => {
    const { store, tableName } = await freshTable();
    const many = entries(17);
    await store.commit([
      { kind: 'stageCase', id: 'c1', expectedVersion: 0, value: {}, indexes: many, events: [] },
    ]);
    const meta = await rawMeta(tableName, 'c1');
    const listBytes = Buffer.byteLength(
      JSON.stringify(many.map((e) => `IDX#${e.index}#${e.key}\0${e.sort}`)),
    );
    expect(meta.indexKeys).toBeUndefined();
    expect(meta.indexKeysZ?.B?.byteLength).toBeLessThan(listBytes / 3);
    // dropping entries still deletes exactly those
    await store.commit([
      { kind: 'stageCase', id: 'c1', expectedVersion: 1, value: {}, indexes: many.slice(3), events: [] },
    ]);
    const hits = await store.query('inbox', 'dept0');
    expect(hits.items.map((h) => h.sort)).toEqual(
      many
        .slice(3)
        .filter((e) => e.key === 'dept0')
        .map((e) => e.sort),
    );
    await store.close();
  });

  it('still drops the index entries that a META item of an older release lists uncompressed', async () => {
    const { store, tableName } = await freshTable();
    const many = entries(17);
    await store.commit([
      { kind: 'stageCase', id: 'c2', expectedVersion: 0, value: {}, indexes: many, events: [] },
    ]);
    // rewrite META the way older releases stored it: a plain list of the entries' sort keys
    const meta = await rawMeta(tableName, 'c2');
    const keys = JSON.parse(brotliDecompressSync(meta.indexKeysZ!.B!).toString('utf8')) as string[];
    delete meta.indexKeysZ;
    meta.indexKeys = { L: keys.map((k) => ({ S: k })) };
    await client!.send(new PutItemCommand({ TableName: tableName, Item: meta }));
    await store.commit([
      { kind: 'stageCase', id: 'c2', expectedVersion: 1, value: {}, indexes: [], events: [] },
    ]);
    for (let d = 0; d < 5; d++) expect((await store.query('inbox', `dept${d}`)).items).toEqual([]);
    await store.close();
  });
});

describe('DynamoDbStore task-token retention', () => {
  it('gives each token record the TTL that ends its retention, 400 days after its registration', async () => {
    const { store, tableName } = await freshTable();
    await store.putTaskToken({
      key: 'c1/r1/accept',
      caseId: 'c1',
      token: 't',
      updatedAt: '2026-03-02T00:00:00.000Z',
    });
    const out = await client!.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: { S: 'TASK#c1/r1/accept' }, sk: { S: 'TOKEN' } },
      }),
    );
    expect(out.Item?.[TABLE_DESIGN.timeToLiveAttribute]?.N).toBe(
      String(Date.parse('2027-04-06T00:00:00.000Z') / 1000),
    );
    await store.close();
  });
});
