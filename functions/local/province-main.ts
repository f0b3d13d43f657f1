import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import '../../shared/adapters/local-workflow/promise-with-resolvers.js';
import { loadProvince } from '../../shared/config/provinces/index.js';
import { writeTokenFile } from './key-files.js';
import { type ProvinceRuntime, startProvince } from './province-runtime.js';
import { seedProvince } from './seed.js';

/**
 * One province as its own process (started by main.ts, one per province, so that one province's
 * crash or restart leaves the others running). Seeds demo data on first start, resumes open
 * workflows on every start, and prints its URLs and sign-in tokens.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      province: { type: 'string' },
      data: { type: 'string', default: './data' },
      port: { type: 'string', default: '0' },
      'sweep-ms': { type: 'string', default: '60000' },
    },
  });
  const province = loadProvince(values.province ?? 'JS');
  const dataRoot = resolve(values.data);
  const dataDir = join(dataRoot, province.code);
  const firstStart = !existsSync(join(dataDir, 'store.db'));
  const runtime = await startProvince({
    province,
    dataDir,
    peersDir: join(dataRoot, 'peers'),
    port: Number(values.port),
    sweepEveryMs: Number(values['sweep-ms']),
  });
  const resumed = await runtime.resume();
  if (firstStart) {
    const seeded = await seedProvince(runtime.services);
    console.log(`[${province.code}] 已生成演示数据：${seeded.projects} 个项目，${seeded.cases} 个办件`);
  } else if (resumed > 0) {
    console.log(`[${province.code}] 已恢复 ${resumed} 个办理中的流程`);
  }
  const tokens: Record<string, { name: string; role: string; token: string }> = {};
  for (const user of await runtime.demoUsers()) {
    tokens[user.id] = { name: user.name, role: user.role, token: user.token };
  }
  const tokenFile = join(dataDir, 'tokens.json');
  writeTokenFile(tokenFile, tokens);
  printProvince(runtime, tokens, tokenFile);

  let stopping = false;
  const shutdown = async (why: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[${province.code}] 收到 ${why}，正在停止…`);
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // Started by main.ts with an IPC channel: if the supervisor dies, so does this province.
  process.on('disconnect', () => void shutdown('supervisor exit'));
  // the supervisor's heartbeat: an answer shows the event loop is not stuck
  process.on('message', (m: { ping?: number }) => {
    if (m.ping !== undefined) process.send?.({ pong: m.ping });
  });
  process.send?.({ ready: province.code, url: runtime.url });
}

function printProvince(
  runtime: ProvinceRuntime,
  tokens: Record<string, { name: string; role: string; token: string }>,
  tokenFile: string,
) {
  const { province, url } = runtime;
  const lines = [
    `=== ${province.name}（${province.code}）===`,
    `  API:       ${url}`,
    `  控制台:    ${url}/  （浏览器打开，选择演示用户一键登录）`,
    `  接口文档:  ${url}/docs`,
    `  OpenAPI:   ${url}/openapi.json`,
    `  登录令牌（Authorization: Bearer <令牌>），全部令牌见 ${tokenFile}：`,
  ];
  const shown = new Set(['applicant', 'windowOfficer', 'supervisor', 'leader', 'auditor', 'admin']);
  let reviewerShown = false;
  for (const [id, t] of Object.entries(tokens)) {
    if (t.role === 'reviewer') {
      if (reviewerShown) continue;
      reviewerShown = true;
    } else if (!shown.has(t.role)) continue;
    lines.push(`  - ${t.name} [${t.role}] ${id}`, `    ${t.token}`);
  }
  console.log(`\n${lines.join('\n')}`);
}

main().catch((err) => {
  console.error('启动失败：', err instanceof Error ? err.message : err);
  process.exit(1);
});
