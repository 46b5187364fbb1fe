// Other requests while a background job runs on the embedded PGlite database
// (issue 14.5): PGlite is one connection inside the API's process, so a job
// that holds it, or never lets the event loop go, stalls every request.
// 1. the server is started once (demo seed) and stopped; BENCH_JOB_TICKETS
//    (40 000) open copies of a demo ticket are added, all due for a reminder
//    and an escalation;
// 2. "run now": the server runs with its deadline schedule a day away; while
//    GET /healthz and GET /api/projects (page 1, as jk_admin) are requested at
//    a fixed rate, an admin runs tickets.deadlines by hand, and the latency of the
//    requests sent while the job ran is printed (p50 / p99 / max) with the
//    job's duration;
// 3. "due at start": the tickets are made due again and the schedule due, the
//    server started: the time to its first /healthz 200, then the same load
//    until the job has run.
//
//   npm run bench:jobs -w bench
//   BENCH_JOB_TICKETS=40000  due tickets
//   BENCH_HEALTHZ_RPS=10     GET /healthz per second (sent at that rate, answered or not)
//   BENCH_LIST_RPS=4         GET /api/projects?page=1 per second, as jk_admin
import http from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql, type Kysely } from 'kysely';
import {
  bundleCommand,
  envNumber,
  machineLine,
  prepareServerBuild,
  quietnessLine,
  repoRoot,
  request,
  runBenchmark,
  saveResults,
  spawnTracked,
  stopChild,
  table,
  tempDir,
  freePort,
  serverEnv,
  HOST,
} from './lib/harness';
import { login, startApiServer, type Session } from './lib/api';

const dueTickets = Math.round(envNumber('BENCH_JOB_TICKETS', 40_000));
const healthzRps = envNumber('BENCH_HEALTHZ_RPS', 10);
const listRps = envNumber('BENCH_LIST_RPS', 4);
const LIST = 'GET /api/projects';
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
const TARGET_P99_MS = 1_000;

interface Sample {
  endpoint: string;
  start: number;
  ms: number;
  ok: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}

async function openDb(dataDir: string) {
  const mod = (await import(
    pathToFileURL(join(repoRoot, 'apps/server/src/platform/database/db.ts')).href
  )) as {
    openDatabase: (o: {
      dataDir: string;
    }) => Promise<{ db: Kysely<unknown>; close(): Promise<void> }>;
  };
  return mod.openDatabase({ dataDir });
}

/** Copies of one open demo ticket below the city, all due now; or the copies made due again. */
async function makeDue(dataDir: string, scheduleDue: boolean): Promise<number> {
  const h = await openDb(dataDir);
  try {
    const db = h.db;
    const marker = '[bench] due';
    const have = await sql<{
      n: number;
    }>`select count(*)::int as n from tickets where title = ${marker}`.execute(db);
    if (have.rows[0]!.n === 0) {
      const { rows: src } = await sql<{ id: number }>`
        select id from tickets where closed_at is null and level in ('street', 'district')
        order by id limit 1`.execute(db);
      if (!src[0]) throw new Error('the demo seed has no open ticket below the city');
      const { rows } = await sql<{ column_name: string }>`
        select column_name from information_schema.columns
        where table_name = 'tickets' and table_schema = current_schema() and column_name <> 'id'
        order by ordinal_position`.execute(db);
      const cols = sql.join(rows.map((r) => sql.ref(r.column_name)));
      await sql`insert into tickets (${cols}) select ${cols} from tickets, generate_series(1, ${dueTickets})
        where id = ${src[0].id}`.execute(db);
      await sql`update tickets set title = ${marker}, level = 'district', escalations = 0
        where id > (select max(id) - ${dueTickets} from tickets)`.execute(db);
    }
    // due for a reminder and an escalation, with microseconds as SQL writes them
    const res = await sql`update tickets set level = 'district', escalations = 0,
        next_escalation_at = now() - interval '1 minute', remind_at = now() - interval '2 minutes',
        reminded_at = null, closed_at = null
      where title = ${marker}`.execute(db);
    await sql`update job_schedules set next_run_at = ${scheduleDue ? sql`now() - interval '1 second'` : sql`now() + interval '1 day'`}
      where name = 'tickets.deadlines'`.execute(db);
    return Number(res.numAffectedRows ?? 0);
  } finally {
    await h.close();
  }
}

/**
 * Requests at a fixed rate, whatever the answers (an open loop: a stalled
 * server does not slow the load down and hide its own stall): /healthz and
 * the project list, page 1, as jk_admin.
 */
function hammer(base: string, session: Session) {
  const samples: Sample[] = [];
  const inFlight = new Set<Promise<void>>();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const send = (endpoint: string, path: string, headers: Record<string, string>) => {
    const start = performance.now();
    const p = request(`${base}${path}`, { headers, agent, timeoutMs: 300_000 })
      .then(
        (res) => res.status === 200,
        () => false,
      )
      .then((ok) => {
        samples.push({ endpoint, start, ms: performance.now() - start, ok });
      });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const timers = [
    setInterval(() => send('/healthz', '/healthz', {}), 1000 / healthzRps),
    setInterval(
      () =>
        send(LIST, '/api/projects?page=1&pageSize=20', {
          cookie: session.cookie,
        }),
      1000 / listRps,
    ),
  ];
  return {
    samples,
    async stop() {
      for (const t of timers) clearInterval(t);
      await Promise.all([...inFlight]);
      agent.destroy();
    },
  };
}

interface JobRun {
  id: number;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  result: unknown;
  error: string | null;
}

async function latestRun(base: string, admin: Session, after = 0): Promise<JobRun | undefined> {
  const res = await request(`${base}/api/jobs/runs?name=tickets.deadlines&pageSize=5`, {
    headers: { cookie: admin.cookie },
    timeoutMs: 180_000,
  });
  const items = (JSON.parse(res.body) as { items: JobRun[] }).items;
  return items.find((r) => r.id > after);
}

async function waitForRun(base: string, admin: Session, after: number): Promise<JobRun> {
  for (;;) {
    const run = await latestRun(base, admin, after);
    if (run && (run.status === 'succeeded' || run.status === 'failed')) return run;
    await sleep(250);
  }
}

function figures(samples: Sample[], from: number, to: number) {
  const rows: Record<string, { n: number; errors: number; p50: number; p99: number; max: number }> =
    {};
  for (const endpoint of ['/healthz', LIST]) {
    const xs = samples.filter((s) => s.endpoint === endpoint && s.start >= from && s.start <= to);
    const ms = xs.map((s) => s.ms);
    rows[endpoint] = {
      n: xs.length,
      errors: xs.filter((s) => !s.ok).length,
      p50: quantile(ms, 0.5),
      p99: quantile(ms, 0.99),
      max: Math.max(...ms),
    };
  }
  return rows;
}

const f = (x: number) => (Number.isFinite(x) ? `${Math.round(x)} ms` : '–');

function report(title: string, rows: ReturnType<typeof figures>) {
  console.log(`\n${title}`);
  console.log(
    table([
      ['endpoint', 'requests', 'errors', 'p50', 'p99', 'max', `p99 ≤ ${TARGET_P99_MS} ms`],
      ...Object.entries(rows).map(([e, r]) => [
        e,
        String(r.n),
        String(r.errors),
        f(r.p50),
        f(r.p99),
        f(r.max),
        r.n > 0 && r.errors === 0 && r.p99 <= TARGET_P99_MS ? 'PASS' : 'MISS',
      ]),
    ]),
  );
}

const jobSeconds = (r: JobRun) =>
  (new Date(r.finishedAt!).getTime() - new Date(r.startedAt!).getTime()) / 1000;

await runBenchmark('jobs-latency', 30 * 60_000, async () => {
  console.log(machineLine());
  console.log(await quietnessLine());
  prepareServerBuild();
  const dataDir = tempDir('jobs');
  const env = { XIANGMU_DATA_DIR: dataDir, XIANGMU_DEMO_SEED: 'on' };
  const opts = { logLevel, timeoutMs: 300_000, command: bundleCommand };

  // 1. data
  let server = await startApiServer(env, opts);
  await stopChild(server.proc.child);
  const t0 = performance.now();
  const n = await makeDue(dataDir, false);
  console.log(`\n${n} due tickets added in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // 2. run now, under load
  server = await startApiServer(env, opts);
  const admin = await login(server.base, 'city_office');
  const user = await login(server.base, 'jk_admin');
  const before = (await latestRun(server.base, admin))?.id ?? 0;
  let load = hammer(server.base, user);
  await sleep(3_000);
  const baselineEnd = performance.now();
  const queued = await request(`${server.base}/api/jobs/tickets.deadlines/run`, {
    method: 'POST',
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
    timeoutMs: 180_000,
  });
  if (queued.status !== 200) throw new Error(`run now: ${queued.status} ${queued.body}`);
  const jobFrom = performance.now();
  const runNow = await waitForRun(server.base, admin, before);
  const jobTo = performance.now();
  await load.stop();
  if (runNow.status !== 'succeeded') throw new Error(`the job failed: ${runNow.error}`);
  console.log(
    `\nrun now: tickets.deadlines ${JSON.stringify(runNow.result)} in ${jobSeconds(runNow).toFixed(1)} s (worker's own start/finish)`,
  );
  const idle = figures(load.samples, 0, baselineEnd);
  const during = figures(load.samples, jobFrom, jobTo);
  report('before the job (3 s)', idle);
  report(`while the job ran (${((jobTo - jobFrom) / 1000).toFixed(1)} s)`, during);
  await stopChild(server.proc.child);

  // 3. due at start
  await makeDue(dataDir, true);
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  const spawned = performance.now();
  const proc = spawnTracked(
    bundleCommand,
    serverEnv({ ...env, PORT: String(port), HOST, LOG_LEVEL: logLevel }),
  );
  let firstHealthz = NaN;
  for (;;) {
    try {
      const res = await request(`${base}/healthz`, { timeoutMs: 180_000 });
      if (res.status === 200) {
        firstHealthz = (performance.now() - spawned) / 1000;
        break;
      }
    } catch {
      // not listening yet
    }
    if (performance.now() - spawned > 300_000) throw new Error(`no /healthz: ${proc.tail()}`);
    await sleep(20);
  }
  const admin2 = await login(base, 'city_office');
  const user2 = await login(base, 'jk_admin');
  const from2 = performance.now();
  load = hammer(base, user2);
  const atStart = await waitForRun(base, admin2, runNow.id);
  const to2 = performance.now();
  await load.stop();
  console.log(
    `\ndue at start: first /healthz 200 after ${firstHealthz.toFixed(1)} s; tickets.deadlines ${JSON.stringify(atStart.result)} in ${jobSeconds(atStart).toFixed(1)} s`,
  );
  const start = figures(load.samples, from2, to2);
  report('from the first /healthz until the job had run', start);
  await stopChild(proc.child);

  const file = saveResults('jobs-latency', {
    machine: machineLine(),
    dueTickets: n,
    healthzRps,
    listRps,
    runNow: { job: runNow, seconds: jobSeconds(runNow), idle, during },
    dueAtStart: {
      firstHealthzSeconds: firstHealthz,
      job: atStart,
      seconds: jobSeconds(atStart),
      start,
    },
  });
  console.log(`\nsaved ${file}`);
});
