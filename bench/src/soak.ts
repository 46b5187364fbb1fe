// Soak: the API under a long steady load of reads and writes, on each engine.
// BENCH_CONNECTIONS concurrent keep-alive connections (200) run a fixed mix
// for BENCH_SOAK_MINUTES (10): project list / detail / dashboard / ticket
// list / me, and writes — each connection edits its own project (detail,
// then PATCH with its version) and files tickets. Printed per minute:
// requests/s, p50/p99/max, errors; and the server's RSS and heap after a GC
// at the start and at the end.
//
//   npm run bench:soak -w bench
//   BENCH_SOAK_MINUTES=1 BENCH_SOAK_BUCKET=10 npm run bench:soak -w bench   # a quick try
//   BENCH_ENGINES=pglite | postgres | pglite,postgres (default both)
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres  (a scratch database on it)
import { existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  envNumber,
  machineLine,
  prepareServerBuild,
  quietnessLine,
  repoRoot,
  runBenchmark,
  saveResults,
  stopChild,
  table,
  tempDir,
} from './lib/harness';
import { login, mb, startApiServer, type ApiServer, type Session } from './lib/api';
import { scratchDatabase } from './lib/postgres';

const minutes = envNumber('BENCH_SOAK_MINUTES', 10);
const bucketSeconds = envNumber('BENCH_SOAK_BUCKET', 60);
const connections = Math.round(envNumber('BENCH_CONNECTIONS', 200));
const warmupSeconds = envNumber('BENCH_WARMUP', 15);
const engines = (process.env.BENCH_ENGINES ?? 'pglite,postgres').split(',').map((e) => e.trim());
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
const REQUEST_TIMEOUT_MS = 60_000;
/** targets: throughput of the last minute within 10 % of the first, RSS growth < 10 % */
const MAX_THROUGHPUT_DROP = 0.1;
const MAX_RSS_GROWTH = 0.1;
/** p99 "stable": the last minute's p99 at most 1.5 × the first's (+ 20 ms of noise) */
const P99_FACTOR = 1.5;
const P99_SLACK_MS = 20;

const gcPreload = pathToFileURL(fileURLToPath(new URL('./lib/gc-on-signal.mjs', import.meta.url)));
const apiBundle = join(repoRoot, 'apps/server/dist/api.mjs');
const CREDIT_CODE = '91410100MA9GL8K3X9';
const JINGKAI = '410171';
const CHAOHE = '410171561';

// ---------------------------------------------------------------- HTTP

interface Answer {
  status: number; // 0: no answer (dropped, timed out)
  ms: number;
  body: string;
}

function send(
  agent: http.Agent,
  base: string,
  method: string,
  path: string,
  s: Session,
  body?: unknown,
): Promise<Answer> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      base + path,
      {
        method,
        agent,
        timeout: REQUEST_TIMEOUT_MS,
        headers: {
          cookie: s.cookie,
          ...(payload ? { 'content-type': 'application/json', 'x-csrf-token': s.csrf } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - t0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', () => resolve({ status: 0, ms: performance.now() - t0, body: '' }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, ms: performance.now() - t0, body: String(e) }));
    req.end(payload);
  });
}

// ---------------------------------------------------------------- figures

interface Bucket {
  latencies: number[];
  errors: number;
  writes: number;
  byStatus: Record<string, number>;
}

const newBucket = (): Bucket => ({ latencies: [], errors: 0, writes: 0, byStatus: {} });

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const fmt = (x: number) =>
  Number.isNaN(x) ? '-' : x < 10 ? x.toFixed(1) : Math.round(x).toString();

/** GC in the server (SIGUSR2, see lib/gc-on-signal.mjs), then its memory */
async function memoryAfterGc(pid: number, file: string) {
  const before = existsSync(file) ? statSync(file).mtimeMs : 0;
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 50));
    if (existsSync(file) && statSync(file).mtimeMs !== before) {
      await new Promise((r) => setTimeout(r, 50)); // let the write finish
      const m = JSON.parse(readFileSync(file, 'utf8')) as { rss: number; heapUsed: number };
      return { rss: m.rss, heapUsed: m.heapUsed };
    }
  }
  throw new Error('the server did not answer the GC signal');
}

// ---------------------------------------------------------------- one engine

async function soak(engine: string) {
  const dir = tempDir(`soak-${engine}`);
  const gcFile = join(dir, 'gc.json');
  const env: Record<string, string> = {
    XIANGMU_DEMO_SEED: 'on',
    XIANGMU_SECURE_COOKIES: 'false',
    BENCH_GC_FILE: gcFile,
  };
  if (engine === 'pglite') env.XIANGMU_DATA_DIR = join(dir, 'data');
  else if (engine === 'postgres') env.DATABASE_URL = await scratchDatabase(adminUrl);
  else throw new Error(`BENCH_ENGINES: unknown engine "${engine}"`);

  console.log(`\n== ${engine}: starting the server (demo seed) …`);
  const server: ApiServer = await startApiServer(env, {
    logLevel,
    timeoutMs: 240_000,
    command: [
      process.execPath,
      '--expose-gc',
      '--import',
      gcPreload.href,
      '--enable-source-maps',
      apiBundle,
    ],
  });
  const pid = server.proc.child.pid!;
  const base = server.base;
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const [office, district, grid] = [
    await login(base, 'city_office'),
    await login(base, 'jk_admin'),
    await login(base, 'jk_grid'),
  ];

  // each connection edits a project of its own (no conflicts between them)
  const own: number[] = [];
  for (let i = 0; i < connections; i++) {
    const res = await send(agent, base, 'POST', '/api/projects', district, {
      name: `压力测试项目${engine}${i}`,
      ownerName: '郑州压测科技有限公司',
      ownerCreditCode: CREDIT_CODE,
      regionCode: JINGKAI,
      industryCluster: '汽车',
      level: 'district',
      totalInvestment: '125000',
      annualPlan: '30000.50',
      planYear: 2026,
    });
    if (res.status !== 200) throw new Error(`creating a project: ${res.status} ${res.body}`);
    own.push((JSON.parse(res.body) as { id: number }).id);
  }
  const cats = await send(agent, base, 'GET', '/api/tickets/categories', grid);
  const category = (JSON.parse(cats.body) as Array<{ id: number; name: string }>).find(
    (c) => c.name === '占道经营',
  )?.id;
  if (!category) throw new Error(`no ticket category 占道经营: ${cats.body.slice(0, 200)}`);
  const year = new Date().getFullYear();

  let bucket = newBucket();
  let counting = false;
  let seq = 0;
  const byOp = new Map<string, number[]>();
  const record = (a: Answer, write: boolean, op: string) => {
    if (!counting) return;
    const ok = a.status === 200;
    let mine = byOp.get(op);
    if (!mine) byOp.set(op, (mine = []));
    mine.push(a.ms);
    bucket.latencies.push(a.ms);
    if (write) bucket.writes++;
    if (!ok) bucket.errors++;
    const k = String(a.status);
    bucket.byStatus[k] = (bucket.byStatus[k] ?? 0) + 1;
  };

  // the mix, out of 100: reads 70, writes 30 (15 project edits, 15 tickets)
  const step = async (c: number, r: number) => {
    const reader = c % 2 ? office : district;
    if (r < 20)
      record(
        await send(agent, base, 'GET', `/api/projects?pageSize=20&page=${1 + (r % 3)}`, reader),
        false,
        'GET /api/projects',
      );
    else if (r < 35)
      record(
        await send(agent, base, 'GET', `/api/projects/${own[c]}`, reader),
        false,
        'GET /api/projects/:id',
      );
    else if (r < 45)
      record(
        await send(agent, base, 'GET', `/api/dashboard?year=${year}`, reader),
        false,
        'GET /api/dashboard',
      );
    else if (r < 60)
      record(
        await send(agent, base, 'GET', '/api/tickets?pageSize=20', reader),
        false,
        'GET /api/tickets',
      );
    else if (r < 70)
      record(await send(agent, base, 'GET', '/api/me', reader), false, 'GET /api/me');
    else if (r < 85) {
      const got = await send(agent, base, 'GET', `/api/projects/${own[c]}`, district);
      record(got, false, 'GET /api/projects/:id');
      if (got.status !== 200) return;
      const { version } = JSON.parse(got.body) as { version: number };
      record(
        await send(agent, base, 'PATCH', `/api/projects/${own[c]}`, district, {
          content: `建设内容第${++seq}次修改`,
          version,
        }),
        true,
        'PATCH /api/projects/:id',
      );
    } else
      record(
        await send(agent, base, 'POST', '/api/tickets', grid, {
          title: `压测工单${++seq}`,
          description: '占道经营，请处理',
          source: 'grid',
          categoryId: category,
          regionCode: CHAOHE,
        }),
        true,
        'POST /api/tickets',
      );
  };

  let running = true;
  const loops = Array.from({ length: connections }, async (_, c) => {
    // a small deterministic generator per connection: the same mix every run
    let x = (c + 1) * 2654435761;
    while (running) {
      x = (x * 1103515245 + 12345) >>> 0;
      await step(c, (x >>> 8) % 100);
    }
  });

  console.log(`   warm-up ${warmupSeconds} s at ${connections} connections …`);
  await new Promise((r) => setTimeout(r, warmupSeconds * 1000));
  running = false;
  await Promise.all(loops.splice(0));
  const start = await memoryAfterGc(pid, gcFile);

  const buckets: Bucket[] = [];
  const totalBuckets = Math.max(1, Math.round((minutes * 60) / bucketSeconds));
  console.log(
    `   measuring ${minutes} min in ${totalBuckets} buckets of ${bucketSeconds} s; after GC: RSS ${mb(start.rss)}, heap ${mb(start.heapUsed)}`,
  );
  running = true;
  counting = true;
  loops.push(
    ...Array.from({ length: connections }, async (_, c) => {
      let x = (c + 7) * 2246822519;
      while (running) {
        x = (x * 1103515245 + 12345) >>> 0;
        await step(c, (x >>> 8) % 100);
      }
    }),
  );
  const rows: string[][] = [
    ['bucket', 'requests', 'req/s', 'writes', 'p50 ms', 'p99 ms', 'max ms', 'errors'],
  ];
  for (let b = 0; b < totalBuckets; b++) {
    await new Promise((r) => setTimeout(r, bucketSeconds * 1000));
    const done = bucket;
    bucket = newBucket();
    buckets.push(done);
    const s = done.latencies.sort((p, q) => p - q);
    const row = [
      `${b + 1}`,
      `${s.length}`,
      (s.length / bucketSeconds).toFixed(1),
      `${done.writes}`,
      fmt(pct(s, 50)),
      fmt(pct(s, 99)),
      fmt(s.at(-1) ?? NaN),
      `${done.errors}`,
    ];
    rows.push(row);
    console.log(`   ${row.join('  ')}`);
  }
  running = false;
  counting = false;
  await Promise.all(loops);
  const end = await memoryAfterGc(pid, gcFile);
  agent.destroy();
  await stopChild(server.proc.child);

  const first = buckets[0]!;
  const last = buckets.at(-1)!;
  const rate = (b: Bucket) => b.latencies.length / bucketSeconds;
  const drop = 1 - rate(last) / rate(first);
  const p99First = pct(first.latencies, 99);
  const p99Last = pct(last.latencies, 99);
  const worst = Math.max(...buckets.map((b) => b.latencies.at(-1) ?? 0));
  const errors = buckets.reduce((n, b) => n + b.errors, 0);
  const requests = buckets.reduce((n, b) => n + b.latencies.length, 0);
  const statuses: Record<string, number> = {};
  for (const b of buckets)
    for (const [k, v] of Object.entries(b.byStatus)) statuses[k] = (statuses[k] ?? 0) + v;
  const growth = end.rss / start.rss - 1;
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  console.log(`\n${engine}\n${table(rows)}`);
  console.log(
    [
      `requests ${requests}, errors ${errors} (statuses ${JSON.stringify(statuses)}) — ${verdict(errors === 0)}`,
      `throughput first → last bucket: ${rate(first).toFixed(1)} → ${rate(last).toFixed(1)} req/s (${(drop * -100).toFixed(1)} %) — ${verdict(drop <= MAX_THROUGHPUT_DROP)}`,
      `p99 first → last bucket: ${fmt(p99First)} → ${fmt(p99Last)} ms — ${verdict(p99Last <= p99First * P99_FACTOR + P99_SLACK_MS)}; worst request ${fmt(worst)} ms`,
      `RSS after GC: ${mb(start.rss)} → ${mb(end.rss)} (${(growth * 100).toFixed(1)} %), heap ${mb(start.heapUsed)} → ${mb(end.heapUsed)} — ${verdict(growth < MAX_RSS_GROWTH)}`,
    ].join('\n'),
  );
  const ops: string[][] = [['request', 'count', 'p50 ms', 'p99 ms', 'max ms']];
  for (const [op, xs] of [...byOp].sort()) {
    xs.sort((p, q) => p - q);
    ops.push([op, `${xs.length}`, fmt(pct(xs, 50)), fmt(pct(xs, 99)), fmt(xs.at(-1) ?? NaN)]);
  }
  console.log(`\nby request, over the whole run:\n${table(ops)}`);
  return {
    engine,
    connections,
    byRequest: ops.slice(1),
    minutes,
    bucketSeconds,
    buckets: rows.slice(1),
    requests,
    errors,
    statuses,
    throughputDrop: drop,
    p99First,
    p99Last,
    worstMs: worst,
    rss: { start: start.rss, end: end.rss, growth },
    heap: { start: start.heapUsed, end: end.heapUsed },
  };
}

await runBenchmark('soak', (minutes * 60 + 900) * 1000 * engines.length, async () => {
  console.log(`soak: ${machineLine()}`);
  console.log(await quietnessLine());
  prepareServerBuild();
  const results = [];
  for (const e of engines) results.push(await soak(e));
  console.log(`\nsaved ${saveResults('soak', results)}`);
});
