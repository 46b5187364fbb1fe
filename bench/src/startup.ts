// Start-up time: from spawning the API server to its first 200 on GET /healthz,
// on the embedded PGlite database, cold (empty data dir) and warm (restart).
//
//   npm run bench:startup -w bench          BENCH_WARM_RUNS=5 by default
import { relative } from 'node:path';
import {
  HOST,
  apiCommand,
  envNumber,
  freePort,
  machineLine,
  quietnessLine,
  repoRoot,
  request,
  runBenchmark,
  saveResults,
  serverEnv,
  prepareBuild,
  spawnTracked,
  stopChild,
  summary,
  table,
  tempDir,
  waitFor200,
  webDistNote,
} from './lib/harness';

const TARGET_WARM_MS = 2_000;
const warmRuns = Math.round(envNumber('BENCH_WARM_RUNS', 5));
const floorRuns = 3;
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'info'; // what `npm start` logs at
const COLD_TIMEOUT_MS = 180_000;
const WARM_TIMEOUT_MS = 60_000;

/** node answering HTTP, without any of the application */
const floorCommand = [
  process.execPath,
  '-e',
  `require('node:http').createServer((q, s) => s.end('ok')).listen(+process.env.PORT, '${HOST}')`,
] as const;

interface Run {
  ms: number;
  stopMs: number;
}

async function timeToFirst200(
  cmd: readonly string[],
  extraEnv: Record<string, string>,
  timeoutMs: number,
  path: string,
  after?: (base: string) => Promise<void>,
): Promise<Run> {
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  const env = serverEnv({ PORT: String(port), HOST, LOG_LEVEL: logLevel, ...extraEnv });
  const t0 = performance.now();
  const proc = spawnTracked(cmd, env);
  await waitFor200(`${base}${path}`, proc, { timeoutMs, everyMs: 5 });
  const ms = performance.now() - t0;
  if (after) await after(base);
  const s0 = performance.now();
  await stopChild(proc.child);
  const code = await proc.exited;
  const stopMs = performance.now() - s0;
  if (code !== 0 && cmd === apiCommand)
    throw new Error(`the server exited with ${code} on SIGTERM:\n${proc.tail()}`);
  return { ms, stopMs };
}

/** the cold start must really have seeded the demo data */
async function demoLoginWorks(base: string) {
  const res = await request(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'jk_admin', password: 'Xiangmu@2026' }),
  });
  if (res.status !== 200)
    throw new Error(`demo login after the cold start answered ${res.status}: ${res.body}`);
}

const fmt = (ms: number) => `${Math.round(ms)} ms`;

await runBenchmark('startup', COLD_TIMEOUT_MS + (warmRuns + 2) * WARM_TIMEOUT_MS, async () => {
  prepareBuild();
  console.log(`xiangmu start-up benchmark — ${new Date().toISOString()}`);
  console.log(machineLine());
  console.log(await quietnessLine());
  console.log(
    `command : ${apiCommand
      .map((a) => (a.startsWith(repoRoot) ? relative(repoRoot, a) : a))
      .join(' ')
      .replace(process.execPath, 'node')}`,
  );
  console.log(
    `          (what \`npm start\` runs, without npm's wrapper; its staleness checks are timed, no build)`,
  );
  console.log(`web UI  : ${webDistNote()}`);
  console.log(
    `database: embedded PGlite, a fresh temp data dir; LOG_LEVEL=${logLevel}; XIANGMU_DEMO_SEED=on`,
  );
  console.log(`measured: spawn → first HTTP 200 of GET /healthz (polled every 5 ms)\n`);

  const floor: Run[] = [];
  for (let i = 0; i < floorRuns; i++)
    floor.push(await timeToFirst200(floorCommand, {}, WARM_TIMEOUT_MS, '/'));

  const dataDir = tempDir('startup');
  const dirEnv = { XIANGMU_DATA_DIR: dataDir, XIANGMU_DEMO_SEED: 'on' };
  process.stdout.write('cold start … ');
  const cold = await timeToFirst200(
    apiCommand,
    dirEnv,
    COLD_TIMEOUT_MS,
    '/healthz',
    demoLoginWorks,
  );
  console.log(fmt(cold.ms));

  const warm: Run[] = [];
  for (let i = 0; i < warmRuns; i++) {
    process.stdout.write(`warm restart ${i + 1}/${warmRuns} … `);
    warm.push(await timeToFirst200(apiCommand, dirEnv, WARM_TIMEOUT_MS, '/healthz'));
    console.log(fmt(warm.at(-1)!.ms));
  }

  const row = (name: string, runs: Run[]) => {
    const s = summary(runs.map((r) => r.ms));
    return [name, String(runs.length), fmt(s.min), fmt(s.median), fmt(s.max)];
  };
  console.log(
    '\n' +
      table([
        ['case', 'runs', 'min', 'median', 'max'],
        row('floor: node + bare http server', floor),
        row('cold: empty data dir (migrate, regions, admin, demo seed)', [cold]),
        row('warm restart: same data dir', warm),
      ]),
  );
  const w = summary(warm.map((r) => r.ms));
  const stops = summary([cold, ...warm].map((r) => r.stopMs));
  console.log(
    `\nshutdown on SIGTERM (not part of the figures): median ${fmt(stops.median)}, max ${fmt(stops.max)}`,
  );
  const pass = w.median <= TARGET_WARM_MS;
  console.log(
    `target: warm restart median ≤ ${TARGET_WARM_MS} ms — ${pass ? 'PASS' : 'MISS'} (median ${fmt(w.median)}, max ${fmt(w.max)})`,
  );
  const file = saveResults('startup', {
    date: new Date().toISOString(),
    machine: machineLine(),
    logLevel,
    webDist: webDistNote(),
    floorMs: floor.map((r) => r.ms),
    coldMs: cold.ms,
    warmMs: warm.map((r) => r.ms),
    targetWarmMs: TARGET_WARM_MS,
    pass,
  });
  console.log(`figures saved to ${relative(repoRoot, file)}`);
});
