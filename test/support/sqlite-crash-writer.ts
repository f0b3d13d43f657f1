import { SqliteStore } from '../../shared/adapters/sqlite/sqlite-store.js';

/**
 * Child process of the SQLite crash test: commits changes one after the other and prints each
 * acknowledged one, until the parent kills it with SIGKILL.
 * Usage: node --import tsx sqlite-crash-writer.ts <file> <count>
 */
const [file, countText] = process.argv.slice(2);
if (!file || !countText) throw new Error('usage: sqlite-crash-writer.ts <file> <count>');
const store = SqliteStore.open(file);
const at = new Date(0).toISOString();
for (let i = 1; i <= Number(countText); i++) {
  await store.commit([
    {
      kind: 'stageCase',
      id: 'counter',
      expectedVersion: i - 1,
      value: { i },
      indexes: [{ index: 'due', key: 'crash', sort: String(i).padStart(8, '0') }],
      events: [{ type: 'Counted', actor: 'crash-writer', at, data: { i } }],
    },
    { kind: 'project', id: `p${i}`, expectedVersion: 0, value: { i }, indexes: [], events: [] },
  ]);
  process.stdout.write(`ack ${i}\n`);
}
await store.close();
