import { fork } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultProvinces, loadProvince } from '../../shared/config/provinces/index.js';
import { ensureConsoleBuilt } from './console-build.js';
import { ensureResultKeys } from './key-files.js';
import { Supervisor } from './supervisor.js';

const USAGE = `用法: npm start -- [--wipe] [--data 目录] [--port 起始端口] [--provinces JS,ZJ,SH]
  --wipe        删除数据目录后重新开始（重新生成演示数据）
  --data        数据目录（默认 ./data）
  --port        第一个省份的端口（默认 8701，其余依次加一；0 为随机端口）
  --provinces   启动的省份代码（默认全部已配置省份）
  --sweep-ms    时限巡检间隔毫秒（默认 60000）`;

const PROVINCE_ENTRY = new URL('./province-main.ts', import.meta.url).pathname;

/**
 * `npm start`: runs every configured province as its own process, so one province's crash or
 * restart leaves the others running; the supervisor (supervisor.ts) restarts a province that
 * crashed or hung.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      wipe: { type: 'boolean', default: false },
      data: { type: 'string', default: process.env.GREEN_CHANNEL_DATA ?? './data' },
      port: { type: 'string', default: process.env.PORT ?? '8701' },
      provinces: { type: 'string', default: Object.keys(defaultProvinces).join(',') },
      'sweep-ms': { type: 'string', default: '60000' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const dataRoot = resolve(values.data);
  if (values.wipe && existsSync(dataRoot)) {
    rmSync(dataRoot, { recursive: true, force: true });
    console.log(`已清空数据目录 ${dataRoot}`);
  }
  const codes = values.provinces
    .split(',')
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);
  const configs = codes.map((code) => loadProvince(code)); // fail fast on an unknown or invalid province
  await ensureResultKeys(dataRoot, [...codes, ...configs.flatMap((c) => c.partners.map((p) => p.code))]);
  await ensureConsoleBuilt();

  const consoles = new Map<string, string>();
  const basePort = Number(values.port);
  const supervisor = new Supervisor({
    spawn: (code, index) =>
      fork(
        PROVINCE_ENTRY,
        [
          '--province',
          code,
          '--data',
          dataRoot,
          '--port',
          String(basePort === 0 ? 0 : basePort + index),
          '--sweep-ms',
          values['sweep-ms'],
        ],
        { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
      ),
    log: (line) => console.error(line),
    onReady: (code, url) => {
      if (url) consoles.set(code, url);
    },
  });

  await Promise.all(codes.map((code, i) => supervisor.start(code, i)));
  console.log(
    `\n全部省份已就绪（${codes.join('、')}）。按 Ctrl+C 停止；数据保留在 ${dataRoot}，下次启动继续。`,
  );
  // the long token listing above scrolls away; the addresses people open come last
  for (const code of codes) {
    const url = consoles.get(code);
    if (url) console.log(`  ${loadProvince(code).name}控制台：${url}/`);
  }

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n收到 ${signal}，正在停止全部省份…`);
    void supervisor.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error('启动失败：', err instanceof Error ? err.message : err);
  process.exit(1);
});
