import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditCheckpoint } from '../../domain/audit-checkpoint.js';
import type { CheckpointLog } from '../../ports/checkpoints.js';

const SAFE_ID = /^[A-Za-z0-9:._-]{1,128}$/;
const fileName = (number: number, id: string) => `${String(number).padStart(9, '0')}-${id}.json`;

/**
 * Checkpoints as files in a folder of their own under the data folder, which the store never
 * writes: one file per checkpoint, created exclusively (flag 'wx', so an existing one is never
 * replaced) and read-only (0444). Locally that is as append-only as a plain file system gets; the
 * signatures make any later edit visible anyway.
 */
export class FileCheckpointLog implements CheckpointLog {
  constructor(private readonly dir: string) {}

  async append(checkpoint: AuditCheckpoint): Promise<void> {
    const { id, number } = checkpoint.envelope.payload;
    if (!SAFE_ID.test(id)) throw new Error(`checkpoint id not usable as a file name: ${id}`);
    await mkdir(this.dir, { recursive: true });
    await writeFile(join(this.dir, fileName(number, id)), `${JSON.stringify(checkpoint)}\n`, {
      flag: 'wx',
      mode: 0o444,
    });
  }

  async list(): Promise<AuditCheckpoint[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.json')).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: AuditCheckpoint[] = [];
    for (const name of names) {
      const parsed = parse(await readFile(join(this.dir, name), 'utf8'));
      if (parsed) out.push(parsed);
    }
    return out;
  }

  async get(id: string): Promise<AuditCheckpoint | undefined> {
    if (!SAFE_ID.test(id)) return undefined;
    return (await this.list()).find((c) => c.envelope.payload.id === id);
  }
}

/** A damaged file is skipped rather than failing every read: its signature would not verify anyway. */
function parse(text: string): AuditCheckpoint | undefined {
  try {
    const value = JSON.parse(text) as AuditCheckpoint;
    return value?.envelope?.payload && Array.isArray(value.heads) ? value : undefined;
  } catch {
    return undefined;
  }
}
