/**
 * The console: bundle sizes (JS and CSS, raw and gzip) of what the first page loads and of the
 * whole build, and time to a usable page in headless Chromium (Debian's, driven by playwright-core)
 * against a province with the demo data, interleaved with the API reference page (/docs) served by
 * the same server as the reference figure of this run.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { CONSOLE_DIST, ensureConsoleBuilt } from '../functions/local/console-build.js';
import { startProvince } from '../functions/local/province-runtime.js';
import { seedProvince } from '../functions/local/seed.js';
import { jiangsu } from '../shared/config/provinces/jiangsu.js';
import { launchChromium } from '../test/support/chromium.js';
import { envInt, quietTelemetry, type Stats, stats, tempDir } from './lib.js';

export interface ConsoleResult {
  firstPage: { js: number; jsGzip: number; css: number; cssGzip: number; files: number };
  applicantPage: { js: number; jsGzip: number; css: number; cssGzip: number; files: number };
  build: { js: number; jsGzip: number; css: number; cssGzip: number; files: number };
  runs: number;
  signInUsable: Stats;
  applicantUsable: Stats;
  docsUsable: Stats;
}

function sizesOf(files: string[]) {
  const out = { js: 0, jsGzip: 0, css: 0, cssGzip: 0, files: files.length };
  for (const file of files) {
    const bytes = readFileSync(join(CONSOLE_DIST, file));
    const gz = gzipSync(bytes, { level: 6 }).byteLength;
    if (file.endsWith('.js')) {
      out.js += bytes.byteLength;
      out.jsGzip += gz;
    } else if (file.endsWith('.css')) {
      out.css += bytes.byteLength;
      out.cssGzip += gz;
    }
  }
  return out;
}

/** The built files a page load fetched, as paths under web/dist. */
function recordAssets(page: Page): Set<string> {
  const seen = new Set<string>();
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/assets/')) seen.add(path.slice(1));
  });
  return seen;
}

export async function consoleBench(): Promise<ConsoleResult> {
  const runs = envInt('BENCH_CONSOLE_RUNS', 15);
  console.log(`\n── console: bundles and time to a usable page (${runs} runs each) ──`);
  await ensureConsoleBuilt();
  const all = readdirSync(join(CONSOLE_DIST, 'assets'))
    .map((f) => `assets/${f}`)
    .filter((f) => statSync(join(CONSOLE_DIST, f)).isFile());

  const dir = tempDir('gc-bench-console-');
  const runtime = await startProvince({
    province: jiangsu,
    telemetry: quietTelemetry(jiangsu),
    dataDir: join(dir.path, 'JS'),
    peersDir: join(dir.path, 'peers'),
    port: 0,
    sweepEveryMs: 0,
  });
  const browser = await launchChromium();
  try {
    await runtime.resume();
    await seedProvince(runtime.services);
    let firstPageFiles = new Set<string>();
    let applicantFiles = new Set<string>();
    const signIn: number[] = [];
    const applicant: number[] = [];
    const docs: number[] = [];
    for (let i = 0; i < runs + 1; i++) {
      // each run a fresh context: nothing cached, like a first visit
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      const page = await context.newPage();
      const assets = recordAssets(page);
      let t = performance.now();
      await page.goto(`${runtime.url}/`);
      await page.locator('[data-user="js-applicant-1"]').waitFor();
      const signInMs = performance.now() - t;
      const firstLoad = new Set(assets);
      t = performance.now();
      await page.locator('[data-user="js-applicant-1"]').click();
      await page.locator('main .page-title').first().waitFor();
      // usable: the page's data arrived (no loading state left)
      await page.waitForFunction(
        `!document.querySelector('main [aria-busy="true"], main .el-loading-mask')`,
        undefined,
        { polling: 'raf' },
      );
      const applicantMs = performance.now() - t;

      // the reference: the self-contained API reference page of the same server, fresh context too
      const ref = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      const refPage = await ref.newPage();
      t = performance.now();
      await refPage.goto(`${runtime.url}/docs`);
      await refPage.locator('text=提交阶段申请').first().waitFor();
      const docsMs = performance.now() - t;
      await ref.close();
      await context.close();
      if (i === 0) {
        firstPageFiles = firstLoad;
        applicantFiles = assets;
        continue; // warm-up: the server's first answers include JIT and file cache
      }
      signIn.push(signInMs);
      applicant.push(applicantMs);
      docs.push(docsMs);
    }
    return {
      firstPage: sizesOf([...firstPageFiles]),
      applicantPage: sizesOf([...applicantFiles]),
      build: sizesOf(all),
      runs,
      signInUsable: stats(signIn),
      applicantUsable: stats(applicant),
      docsUsable: stats(docs),
    };
  } finally {
    await browser.close();
    await runtime.stop();
    dir.remove();
  }
}
