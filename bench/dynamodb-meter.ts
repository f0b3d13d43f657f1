/**
 * Counts the DynamoDB write calls a client sends and estimates their write units by DynamoDB's
 * rules, for the store-writes benchmark on DynamoDB Local:
 * - an item's size is the UTF-8 length of its attribute names plus their values (S: UTF-8 bytes;
 *   N: ~1 byte per 2 digits + 1; B: bytes; BOOL/NULL: 1; L/M: 3 + 1 per element + elements);
 * - a write costs ⌈size / 1 KB⌉ units (at least 1) of the larger of the item before and after
 *   (a delete: the item before); a write inside TransactWriteItems costs twice that;
 * - every write that puts, changes or removes an item in a global secondary index costs the index
 *   ⌈size / 1 KB⌉ more (ALL projection: the whole item; a changed index key: a delete and a put).
 * The size of an item after an UpdateItem is read back with a second, unmetered client. DynamoDB
 * Local's own ConsumedCapacity (ReturnConsumedCapacity TOTAL) is collected beside the estimate.
 */
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  type TransactWriteItem,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;
const KB = 1024;

export function attributeBytes(v: AttributeValue): number {
  if (v.S !== undefined) return Buffer.byteLength(v.S);
  if (v.N !== undefined) return Math.ceil(v.N.replace(/^-|\.|^0+/g, '').length / 2) + 1;
  if (v.B !== undefined) return v.B.byteLength;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.L) return 3 + v.L.reduce((sum, e) => sum + 1 + attributeBytes(e), 0);
  if (v.M)
    return 3 + Object.entries(v.M).reduce((s, [k, e]) => s + 1 + Buffer.byteLength(k) + attributeBytes(e), 0);
  if (v.SS) return v.SS.reduce((s, e) => s + Buffer.byteLength(e), 0);
  if (v.NS) return v.NS.reduce((s, e) => s + Math.ceil(e.length / 2) + 1, 0);
  if (v.BS) return v.BS.reduce((s, e) => s + e.byteLength, 0);
  return 0;
}

export function itemSize(item: Item): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) total += Buffer.byteLength(name) + attributeBytes(value);
  return total;
}

const units = (bytes: number) => Math.max(1, Math.ceil(bytes / KB));

interface Known {
  size: number;
  gsi?: string;
}

export class WriteMeter {
  /** write calls by command name */
  calls: Record<string, number> = {};
  /** items put, updated or deleted */
  items = 0;
  itemsByOp: Record<string, number> = {};
  /** estimated write units on the table (transactional ×2) */
  tableUnits = 0;
  /** estimated write units on the global secondary index */
  indexUnits = 0;
  /** what DynamoDB Local reported (ReturnConsumedCapacity TOTAL), when it reports it */
  reportedUnits = 0;
  /** estimated and reported units by command */
  unitsByCommand: Record<string, { estimated: number; reported: number }> = {};
  /** bytes of every item written (after), for the size distribution */
  sizes: number[] = [];
  counting = false;
  private readonly known = new Map<string, Known>();

  get estimatedUnits() {
    return this.tableUnits + this.indexUnits;
  }

  reset() {
    this.calls = {};
    this.items = 0;
    this.itemsByOp = {};
    this.tableUnits = 0;
    this.indexUnits = 0;
    this.reportedUnits = 0;
    this.unitsByCommand = {};
    this.sizes = [];
  }

  /** Installs the meter on `client`; `reader` (another client, not metered) reads items back. */
  install(client: DynamoDBClient, reader: DynamoDBClient, tableName: string, gsiKey = 'gsi1pk') {
    const keyOf = (key: Item) => `${key.pk?.S ?? ''}\u0000${key.sk?.S ?? ''}`;
    const gsiOf = (item: Item | undefined) =>
      item?.[gsiKey] ? `${item[gsiKey].S}\u0000${item.gsi1sk?.S}` : undefined;
    const readBack = async (key: Item): Promise<Known | undefined> => {
      const out = await reader.send(
        new GetItemCommand({ TableName: tableName, Key: { pk: key.pk!, sk: key.sk! }, ConsistentRead: true }),
      );
      if (!out.Item) return undefined;
      const gsi = gsiOf(out.Item);
      return { size: itemSize(out.Item), ...(gsi ? { gsi } : {}) };
    };
    const record = (op: string, before: Known | undefined, after: Known | undefined, factor: number) => {
      if (!this.counting) return;
      this.items += 1;
      this.itemsByOp[op] = (this.itemsByOp[op] ?? 0) + 1;
      this.tableUnits += factor * units(Math.max(before?.size ?? 0, after?.size ?? 0));
      if (after) this.sizes.push(after.size);
      if (before?.gsi && after?.gsi && before.gsi === after.gsi) {
        this.indexUnits += units(Math.max(before.size, after.size));
      } else {
        if (before?.gsi) this.indexUnits += units(before.size);
        if (after?.gsi) this.indexUnits += units(after.size);
      }
    };
    const apply = async (op: 'put' | 'update' | 'delete', keyOrItem: Item, factor: number) => {
      const key = keyOf(keyOrItem);
      const before = this.known.get(key);
      let after: Known | undefined;
      if (op === 'put') {
        const gsi = gsiOf(keyOrItem);
        after = { size: itemSize(keyOrItem), ...(gsi ? { gsi } : {}) };
      } else if (op === 'update') after = await readBack(keyOrItem);
      if (after) this.known.set(key, after);
      else this.known.delete(key);
      record(op, before, after, factor);
    };

    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = String(context.commandName ?? '');
        const input = args.input as Record<string, unknown>;
        const isWrite = /^(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems)Command$/.test(
          name,
        );
        if (isWrite) input.ReturnConsumedCapacity = 'TOTAL';
        const result = await next(args);
        if (!isWrite) return result;
        if (this.counting) this.calls[name] = (this.calls[name] ?? 0) + 1;
        const before = this.estimatedUnits;
        const reportedBefore = this.reportedUnits;
        const output = result.output as {
          ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[];
        };
        const consumed = output.ConsumedCapacity;
        if (this.counting && consumed) {
          for (const c of Array.isArray(consumed) ? consumed : [consumed])
            this.reportedUnits += c.CapacityUnits ?? 0;
        }
        if (name === 'PutItemCommand') await apply('put', input.Item as Item, 1);
        else if (name === 'UpdateItemCommand') await apply('update', input.Key as Item, 1);
        else if (name === 'DeleteItemCommand') await apply('delete', input.Key as Item, 1);
        else if (name === 'BatchWriteItemCommand') {
          const unprocessed = (output as { UnprocessedItems?: Record<string, WriteRequest[]> })
            .UnprocessedItems;
          if (Object.keys(unprocessed ?? {}).length > 0) throw new Error('meter: unprocessed batch items');
          for (const r of (input.RequestItems as Record<string, WriteRequest[]>)[tableName] ?? []) {
            if (r.PutRequest?.Item) await apply('put', r.PutRequest.Item, 1);
            else if (r.DeleteRequest?.Key) await apply('delete', r.DeleteRequest.Key, 1);
          }
        } else if (name === 'TransactWriteItemsCommand') {
          for (const t of input.TransactItems as TransactWriteItem[]) {
            if (t.Put?.Item) await apply('put', t.Put.Item, 2);
            else if (t.Update?.Key) await apply('update', t.Update.Key, 2);
            else if (t.Delete?.Key) await apply('delete', t.Delete.Key, 2);
            else if (t.ConditionCheck?.Key && this.counting) {
              this.items += 1;
              this.itemsByOp.conditionCheck = (this.itemsByOp.conditionCheck ?? 0) + 1;
              this.tableUnits += 2 * units(this.known.get(keyOf(t.ConditionCheck.Key))?.size ?? 0);
            }
          }
        }
        if (this.counting) {
          const key = name.replace(/Command$/, '');
          const u = this.unitsByCommand[key] ?? { estimated: 0, reported: 0 };
          this.unitsByCommand[key] = u;
          u.estimated += this.estimatedUnits - before;
          u.reported += this.reportedUnits - reportedBefore;
        }
        return result;
      },
      { step: 'initialize', name: 'benchWriteMeter' },
    );
  }
}
