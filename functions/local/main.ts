import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultProvinces, loadProvince } from '../../shared/config/provinces/index.js';
import { ensureConsoleBuilt } from './console-build.js';
import { ensureResultKeys } from './key-files.js';

const USAGE = `用法: npm start -- [--wipe] [--data 目录] [--port 起始端口] [--provinces JS,ZJ,SH]
  --wipe        删除数据目录后重新开始（重新生成演示数据）
  --data        数据目录（默认 ./data）
  --port        第一个省份的端口（默认 8701，其余依次加一；0 为随机端口）
  --provinces   启动的省份代码（默认全部已配置省份）
  --sweep-ms    时限巡检间隔毫秒（默认 60000）`;

/** A province that crashes is restarted after this delay; repeated crashes back off. */
const RESTART_DELAY_MS = 1_000;
const PROVINCE_ENTRY = new URL('./province-main.ts', import.meta.url).pathname;

/**
 * `npm start`: runs every configured province as its own process, so one province's crash or
 * restart leaves the others running, and restarts a province that crashed.
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

  const children = new Map<string, ChildProcess>();
  const consoles = new Map<string, string>();
  let stopping = false;
  const basePort = Number(values.port);

  const start = (code: string, index: number, crashes: number) =>
    new Promise<void>((ready) => {
      const child = fork(
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
      );
      children.set(code, child);
      child.on('message', (m: { ready?: string; url?: string }) => {
        if (m.ready && m.url) consoles.set(code, m.url);
        if (m.ready) ready();
      });
      child.on('exit', (exitCode, signal) => {
        children.delete(code);
        ready();
        if (stopping) return;
        const delay = RESTART_DELAY_MS * 2 ** Math.min(crashes, 5);
        console.error(
          `[${code}] 进程退出（${signal ?? exitCode}），${delay / 1000} 秒后重启；其他省份不受影响`,
        );
        setTimeout(() => void start(code, index, crashes + 1), delay);
      });
    });

  await Promise.all(codes.map((code, i) => start(code, i, 0)));
  console.log(
    `\n全部省份已就绪（${codes.join('、')}）。按 Ctrl+C 停止；数据保留在 ${dataRoot}，下次启动继续。`,
  );
  // the long token listing above scrolls away; the addresses people open come last
  for (const code of codes) {
    const url = consoles.get(code);
    if (url) console.log(`  ${loadProvince(code).name}控制台：${url}/`);
  }

  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n收到 ${signal}，正在停止全部省份…`);
    for (const child of children.values()) child.kill('SIGTERM');
    const check = setInterval(() => {
      if (children.size === 0) {
        clearInterval(check);
        process.exit(0);
      }
    }, 50);
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error('启动失败：', err instanceof Error ? err.message : err);
  process.exit(1);
});
