import { readFile } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { type ConsoleAssets, contentTypeOf } from '../../ports/console-assets.js';

/** The built console from a folder (web/dist), read on each request so a rebuild shows at once. */
export class FileConsoleAssets implements ConsoleAssets {
  constructor(private readonly root: string) {}

  async get(path: string) {
    const full = normalize(join(this.root, path));
    if (!full.startsWith(normalize(this.root) + sep)) return undefined;
    try {
      return { bytes: new Uint8Array(await readFile(full)), contentType: contentTypeOf(path) };
    } catch {
      return undefined;
    }
  }
}
