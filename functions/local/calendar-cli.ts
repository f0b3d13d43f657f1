import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FileBlobStore } from '../../shared/adapters/blobs/file-blob-store.js';
import { LocalEventBus } from '../../shared/adapters/local-bus/local-event-bus.js';
import { folderResolver, HttpPeerDirectory } from '../../shared/adapters/peers/http-peer-directory.js';
import { loadOrCreateLocalSigner } from '../../shared/adapters/signing/local-signer.js';
import { SqliteStore } from '../../shared/adapters/sqlite/sqlite-store.js';
import { systemClock, timeSortableIds } from '../../shared/adapters/system/system-clock.js';
import { loadProvince } from '../../shared/config/provinces/index.js';
import type { WorkflowEngine } from '../../shared/ports/workflow.js';
import { createServices } from '../../shared/services/index.js';

const USAGE = `用法:
  npm run calendar -- status [--province JS] [--data ./data]
  npm run calendar -- load <year> <file.json> [--province JS] [--data ./data]
file.json: { "holidays": ["2027-01-01", ...], "workdays": ["2027-02-07", ...], "source": "国办发明电〔2026〕X号" }
请在本省服务停止时运行（嵌入式存储为单进程独占）。`;

/** Administrators load next year's holiday arrangement without the HTTP API. */
async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { province: { type: 'string', default: 'JS' }, data: { type: 'string', default: './data' } },
  });
  const [command, year, file] = positionals;
  const province = loadProvince(values.province);
  const dataDir = join(resolve(values.data), province.code);
  const store = SqliteStore.open(join(dataDir, 'store.db'));
  const signer = await loadOrCreateLocalSigner(join(dataDir, 'result-signing-key.pem'));
  // Nothing here starts a workflow; a workflow call would be a bug.
  const noWorkflow: WorkflowEngine = {
    start: async () => {},
    sendTaskSuccess: async () => {},
    sendTaskFailure: async () => {},
  };
  const services = createServices({
    province,
    store,
    workflow: noWorkflow,
    events: new LocalEventBus(),
    clock: systemClock,
    ids: timeSortableIds,
    signer,
    blobs: new FileBlobStore(join(dataDir, 'blobs')),
    peers: new HttpPeerDirectory(province.code, signer, folderResolver(join(resolve(values.data), 'peers'))),
  });
  const admin = { actor: { id: 'cli-admin', name: '命令行管理员', role: 'admin' as const } };
  try {
    if (command === 'status') {
      console.log(JSON.stringify(await services.calendar.coverage(), null, 2));
    } else if (command === 'load' && year && file) {
      const body = JSON.parse(readFileSync(file, 'utf8')) as {
        holidays: string[];
        workdays: string[];
        source?: string;
      };
      const loaded = await services.calendar.loadYear(admin, { ...body, year: Number(year) });
      const recomputed = await services.cases.recomputeProvisional();
      console.log(`已加载 ${loaded.year} 年节假日安排；重算暂定时限的办件 ${recomputed} 件`);
    } else {
      console.log(USAGE);
      process.exitCode = 2;
    }
  } finally {
    await store.close();
  }
}

main().catch((err) => {
  console.error('失败：', err instanceof Error ? err.message : err);
  process.exit(1);
});
