import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import '../../shared/adapters/local-workflow/promise-with-resolvers.js';
import { defaultProvinces, loadProvince } from '../../shared/config/provinces/index.js';
import { demoActors } from './demo-actors.js';
import { type ProvinceRuntime, startProvince } from './province-runtime.js';
import { seedProvince } from './seed.js';

const USAGE = `用法: npm start -- [--wipe] [--data 目录] [--port 起始端口] [--provinces JS,ZJ]
  --wipe        删除数据目录后重新开始（重新生成演示数据）
  --data        数据目录（默认 ./data）
  --port        第一个省份的端口（默认 8701，其余依次加一）
  --provinces   启动的省份代码（默认全部已配置省份）
  --sweep-ms    时限巡检间隔毫秒（默认 60000）`;

const TOKEN_TTL_SECONDS = 30 * 24 * 3600;

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
  const runtimes: ProvinceRuntime[] = [];
  for (const [i, code] of codes.entries()) {
    const province = loadProvince(code);
    const dataDir = join(dataRoot, province.code);
    const firstStart = !existsSync(join(dataDir, 'store.db'));
    const runtime = await startProvince({
      province,
      dataDir,
      port: Number(values.port) + i,
      sweepEveryMs: Number(values['sweep-ms']),
    });
    runtimes.push(runtime);
    const resumed = await runtime.resume();
    if (firstStart) {
      const seeded = await seedProvince(runtime.services);
      console.log(`[${province.code}] 已生成演示数据：${seeded.projects} 个项目，${seeded.cases} 个办件`);
    } else if (resumed > 0) {
      console.log(`[${province.code}] 已恢复 ${resumed} 个办理中的流程`);
    }
    const tokens: Record<string, { name: string; role: string; token: string }> = {};
    for (const actor of demoActors(province)) {
      tokens[actor.id] = {
        name: actor.name,
        role: actor.role,
        token: await runtime.signer.sign(actor, TOKEN_TTL_SECONDS),
      };
    }
    writeFileSync(join(dataDir, 'tokens.json'), `${JSON.stringify(tokens, null, 2)}\n`);
    printProvince(runtime, tokens, join(dataDir, 'tokens.json'));
  }

  const shutdown = async (signal: string) => {
    console.log(`\n收到 ${signal}，正在停止…`);
    await Promise.allSettled(runtimes.map((r) => r.stop()));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  console.log('\n全部省份已就绪。按 Ctrl+C 停止；数据保留在数据目录，下次启动继续。');
}

function printProvince(
  runtime: ProvinceRuntime,
  tokens: Record<string, { name: string; role: string; token: string }>,
  tokenFile: string,
) {
  const { province, url } = runtime;
  console.log(`\n=== ${province.name}（${province.code}）===`);
  console.log(`  API:       ${url}`);
  console.log(`  接口文档:  ${url}/docs`);
  console.log(`  OpenAPI:   ${url}/openapi.json`);
  console.log(`  登录令牌（Authorization: Bearer <令牌>），全部令牌见 ${tokenFile}：`);
  const shown = new Set(['applicant', 'windowOfficer', 'supervisor', 'auditor', 'admin']);
  let reviewerShown = false;
  for (const [id, t] of Object.entries(tokens)) {
    if (t.role === 'reviewer') {
      if (reviewerShown) continue;
      reviewerShown = true;
    } else if (!shown.has(t.role)) continue;
    console.log(`  - ${t.name} [${t.role}] ${id}\n    ${t.token}`);
  }
  console.log(
    `  示例: curl -H "Authorization: Bearer $(node -e "console.log(require('${tokenFile}')['${province.code.toLowerCase()}-window-1'].token)")" ${url}/acceptance-queue`,
  );
}

main().catch((err) => {
  console.error('启动失败：', err instanceof Error ? err.message : err);
  process.exit(1);
});
