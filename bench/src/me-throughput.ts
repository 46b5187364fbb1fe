// Requests/s and latency of an authenticated GET /api/me, side by side with a
// bare Fastify route that returns the same JSON body. Each server is its own
// child process; autocannon drives them from this one, on 127.0.0.1 only.
//
//   npm run bench:me -w bench
//   BENCH_DURATION=10 (s)  BENCH_WARMUP=3 (s)  BENCH_CONNECTIONS=50
//   BENCH_LOG_LEVEL=warn   (the API server's LOG_LEVEL; `npm start` uses info)
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test  also measures
//     the server on PostgreSQL, in a scratch database created (and dropped)
//     on that server
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
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
  table,
  tempDir,
  waitFor200,
  type Spawned,
} from './lib/harness';
import { scratchDatabase } from './lib/postgres';

const TARGET_RATIO = 0.5;
const duration = envNumber('BENCH_DURATION', 10);
const warmup = envNumber('BENCH_WARMUP', 3);
const connections = Math.round(envNumber('BENCH_CONNECTIONS', 50));
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
const pgAdminUrl = process.env.BENCH_DATABASE_URL;
const START_TIMEOUT_MS = 180_000;
const bareServer = fileURLToPath(new URL('./bare-server.ts', import.meta.url));

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
}

interface Measured {
  target: Target;
  result: Result;
}

async function startApi(
  name: string,
  dbEnv: Record<string, string>,
): Promise<{ proc: Spawned; target: Target; body: string }> {
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  const proc = spawnTracked(
    apiCommand,
    serverEnv({ PORT: String(port), HOST, LOG_LEVEL: logLevel, XIANGMU_DEMO_SEED: 'on', ...dbEnv }),
  );
  await waitFor200(`${base}/healthz`, proc, { timeoutMs: START_TIMEOUT_MS, everyMs: 50 });

  const login = await request(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'jk_admin', password: 'Xiangmu@2026' }),
  });
  const sid = (login.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('xm_sid='));
  if (login.status !== 200 || !sid)
    throw new Error(`demo login failed (${login.status}): ${login.body}`);
  const headers = { cookie: sid };
  const me = await request(`${base}/api/me`, { headers });
  if (me.status !== 200) throw new Error(`GET /api/me answered ${me.status}: ${me.body}`);
  return { proc, target: { name, url: `${base}/api/me`, headers }, body: me.body };
}

async function startBare(body: string): Promise<{ target: Target; fastifyVersion: string }> {
  const proc = spawnTracked(
    [process.execPath, '--import', 'tsx', bareServer],
    { ...process.env, BENCH_BODY: body },
    true,
  );
  const msg = await new Promise<{ port: number; fastifyVersion: string }>((resolve, reject) => {
    proc.child.once('message', (m) => resolve(m as { port: number; fastifyVersion: string }));
    void proc.exited.then((code) =>
      reject(new Error(`bare server exited (${code}):\n${proc.tail()}`)),
    );
  });
  const url = `http://${HOST}:${msg.port}/api/me`;
  const res = await request(url);
  if (res.status !== 200 || res.body !== body)
    throw new Error(`bare route answered ${res.status} with a different body`);
  return {
    target: { name: `bare Fastify ${msg.fastifyVersion} route (same JSON)`, url, headers: {} },
    fastifyVersion: msg.fastifyVersion,
  };
}

async function cannon(target: Target, seconds: number): Promise<Result> {
  return autocannon({
    url: target.url,
    headers: target.headers,
    connections,
    duration: seconds,
    timeout: 10,
  });
}

async function measure(target: Target): Promise<Measured> {
  process.stdout.write(`${target.name}: warm-up ${warmup} s … `);
  await cannon(target, warmup);
  process.stdout.write(`measuring ${duration} s … `);
  const result = await cannon(target, duration);
  console.log(`${Math.round(result.requests.average)} req/s`);
  if (result.non2xx || result.errors || result.timeouts)
    console.log(
      `  WARNING: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  return { target, result };
}

const engines = pgAdminUrl ? 2 : 1;
const limitMs =
  engines * START_TIMEOUT_MS + (engines + 1) * (warmup + duration + 30) * 1000 + 60_000;

await runBenchmark('me-throughput', limitMs, async () => {
  prepareBuild();
  console.log(`xiangmu GET /api/me throughput benchmark — ${new Date().toISOString()}`);
  console.log(machineLine());
  console.log(await quietnessLine());
  console.log(
    `autocannon: ${connections} connections, ${warmup} s warm-up + ${duration} s measured per target, 127.0.0.1; each server a child process`,
  );
  console.log(
    `API server: node ${relative(repoRoot, apiCommand[1])} (as npm start) with LOG_LEVEL=${logLevel}, demo account jk_admin\n`,
  );

  process.stdout.write('starting the API server on PGlite (fresh temp data dir, cold start) … ');
  const pglite = await startApi('GET /api/me — PGlite (embedded)', {
    XIANGMU_DATA_DIR: tempDir('me'),
  });
  console.log('ready');
  const bare = await startBare(pglite.body);

  const runs: Measured[] = [];
  runs.push(await measure(bare.target));
  runs.push(await measure(pglite.target));
  await stopChild(pglite.proc.child);

  if (pgAdminUrl) {
    process.stdout.write('starting the API server on PostgreSQL (scratch database) … ');
    const pg = await startApi('GET /api/me — PostgreSQL', {
      DATABASE_URL: await scratchDatabase(pgAdminUrl),
    });
    console.log('ready');
    runs.push(await measure(pg.target));
    await stopChild(pg.proc.child);
  }

  const bareRps = runs[0]!.result.requests.average;
  const ms = (x: number) => x.toFixed(x < 10 ? 2 : 1);
  console.log(
    '\n' +
      table([
        ['target', 'req/s', 'vs bare', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors'],
        ...runs.map(({ target, result: r }) => [
          target.name,
          String(Math.round(r.requests.average)),
          `${Math.round((r.requests.average / bareRps) * 100)}%`,
          ms(r.latency.p50),
          ms(r.latency.p99),
          ms(r.latency.max),
          String(r.non2xx),
          String(r.errors + r.timeouts),
        ]),
      ]),
  );

  const verdicts = runs.slice(1).map(({ target, result }) => {
    const ratio = result.requests.average / bareRps;
    const clean = !result.non2xx && !result.errors && !result.timeouts;
    const pass = clean && ratio >= TARGET_RATIO;
    console.log(
      `target: ${target.name} ≥ ${TARGET_RATIO * 100}% of the bare route's req/s — ${pass ? 'PASS' : 'MISS'} (${(ratio * 100).toFixed(1)}%${clean ? '' : ', with failed requests'})`,
    );
    return { name: target.name, ratio, pass };
  });

  const file = saveResults('me-throughput', {
    date: new Date().toISOString(),
    machine: machineLine(),
    connections,
    warmupSeconds: warmup,
    durationSeconds: duration,
    logLevel,
    runs: runs.map(({ target, result: r }) => ({
      name: target.name,
      requestsPerSecond: r.requests.average,
      latencyMs: {
        p50: r.latency.p50,
        p99: r.latency.p99,
        max: r.latency.max,
        mean: r.latency.mean,
      },
      total: r.requests.total,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
    })),
    verdicts,
  });
  console.log(`figures saved to ${relative(repoRoot, file)}`);
});
