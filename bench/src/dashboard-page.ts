// Time to the first figure of the 驾驶舱 page in Chromium, on the demo data:
// from navigation start to the 在库项目 count painted, and to the first chart
// canvas drawn. Each run is a fresh browser context (cold cache) with a signed-in
// session cookie, and a warm run (same context, reload) beside it.
//
//   npm run bench:dashboard-page -w bench
//   BENCH_REPEAT=10   runs per user
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import {
  envNumber,
  machineLine,
  onCleanup,
  prepareServerBuild,
  quietnessLine,
  runBenchmark,
  summary,
  table,
} from './lib/harness';
import { login, startApiServer } from './lib/api';
import { bundleCommand, webDist } from './lib/paths';

const repeat = Math.round(envNumber('BENCH_REPEAT', 10));
const ms = (x: number) => `${Math.round(x)} ms`;

await runBenchmark('dashboard-page', 600_000, async () => {
  console.log(`xiangmu 驾驶舱 time to first figure in Chromium — ${new Date().toISOString()}`);
  console.log(machineLine());
  console.log(await quietnessLine());
  prepareServerBuild();
  const dataDir = mkdtempSync(join(tmpdir(), 'xm-bench-page-'));
  onCleanup(async () => rmSync(dataDir, { recursive: true, force: true }));
  const server = await startApiServer(
    { XIANGMU_DATA_DIR: dataDir, XIANGMU_DEMO_SEED: 'on', XIANGMU_WEB_DIST: webDist },
    { logLevel: 'warn', timeoutMs: 180_000, command: bundleCommand },
  );
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'], // prettier-ignore
  });
  onCleanup(() => browser.close());
  const rows: string[][] = [
    ['user', 'page', 'runs', 'first figure p50 (min–max)', 'first chart p50'],
  ];
  for (const [user, path] of [
    ['city_office', '/dashboard'],
    ['jk_admin', '/dashboard'],
  ] as const) {
    const session = await login(server.base, user);
    const [name, value] = session.cookie.split('=') as [string, string];
    const cold: number[] = [];
    const coldChart: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const context = await browser.newContext({
        locale: 'zh-CN',
        viewport: { width: 1440, height: 900 },
      });
      await context.addCookies([{ name, value, url: server.base }]);
      const page = await context.newPage();
      const measure = async () => {
        const t0 = Date.now();
        await page.goto(`${server.base}${path}`, { waitUntil: 'commit' });
        await page
          .locator('[data-testid="figure-projects"]')
          .filter({ hasText: /\d/ })
          .waitFor({ timeout: 60_000 })
          .catch(async (e: unknown) => {
            await page.screenshot({ path: join(tmpdir(), 'xm-bench-page-failure.png') });
            throw new Error(`no figure at ${page.url()}: ${String(e)}`);
          });
        const figure = Date.now() - t0;
        await page
          .locator('[data-testid="chart-months"] canvas')
          .first()
          .waitFor({ timeout: 60_000 });
        return { figure, chart: Date.now() - t0 };
      };
      const c = await measure();
      cold.push(c.figure);
      coldChart.push(c.chart);
      warm.push((await measure()).figure);
      await context.close();
    }
    const s = summary(cold);
    const w = summary(warm);
    rows.push([
      user,
      `${path} (cold)`,
      String(repeat),
      `${ms(s.median)} (${ms(s.min)}–${ms(s.max)})`,
      ms(summary(coldChart).median),
    ]);
    rows.push([
      user,
      `${path} (reload)`,
      String(repeat),
      `${ms(w.median)} (${ms(w.min)}–${ms(w.max)})`,
      '',
    ]);
  }
  console.log(`\n${table(rows)}`);
  console.log(
    '\nfrom navigation start; the API and the UI served by the server bundle on PGlite, demo data',
  );
});
