// The dashboard (驾驶舱) on the kept 1 M-project / 12 M-report database:
// 1. each dashboard endpoint's API p50 next to the rollup SQL the server sends
//    for it (captured, replayed on a raw pg connection) and next to the same
//    statements with the rollup reads replaced by hand-written full scans of
//    projects and monthly_reports (checked to return the same rows);
// 2. what keeping the rollups current costs a monthly-report write: SQL-level
//    insert + delete and update, with the rollup triggers enabled and
//    disabled (in transactions that are rolled back), and the API's
//    PATCH /api/reports/:id with the update trigger on and off;
// 3. the time of `rollups:verify` on this data.
// The browser's time to the dashboard's first figure is not measured here.
//
//   BENCH_DATABASE_NAME=xm_bench npm run bench:dashboard -w bench
//   BENCH_DATABASE_NAME=xm_bench   the kept database of bench:projects (required data)
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres  its server
//   BENCH_REPEAT=20          measured runs per endpoint (API and rollup SQL), after BENCH_WARMUP_RUNS=3
//   BENCH_WRITES=500         SQL-level writes per side (triggers on / off)
//   BENCH_API_WRITES=100     API PATCHes per side; BENCH_API_WRITES=off skips them
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { join, relative } from 'node:path';
import type { Kysely } from 'kysely';
import type pgTypes from 'pg';
import {
  bundleCommand,
  envNumber,
  machineLine,
  onCleanup,
  prepareServerBuild,
  quietnessLine,
  repoRoot,
  request,
  runBenchmark,
  saveResults,
  stopChild,
  table,
  webDist,
} from './lib/harness';
import { login, startApiServer, type Session } from './lib/api';
import { connectClient, loadPg } from './lib/postgres';
import {
  actorFor,
  capturingDb,
  importRepo,
  ms,
  p50,
  runStatements,
  type Actor,
  type Statement,
} from './lib/server-code';

const repeat = Math.round(envNumber('BENCH_REPEAT', 20));
const warmupRuns = Math.round(envNumber('BENCH_WARMUP_RUNS', 3));
const writes = Math.round(envNumber('BENCH_WRITES', 500));
const apiWrites =
  process.env.BENCH_API_WRITES === 'off' ? 0 : Math.round(envNumber('BENCH_API_WRITES', 100));
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = process.env.BENCH_DATABASE_NAME ?? 'xm_bench';
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
/** the full scans take seconds: after this per endpoint, no more runs (at least MIN_FULL_RUNS) */
const FULL_BUDGET_MS = 60_000;
const MIN_FULL_RUNS = 3;
/** API p50 ≤ 2 × rollup SQL p50 + 5 ms, and ≥ 20 × faster than the full scan */
const TARGET_FACTOR = 2;
const TARGET_SLACK_MS = 5;
const TARGET_SPEEDUP = 20;
/** a write with the triggers may be this much slower */
const TARGET_WRITE_OVERHEAD = 0.2;
const START_TIMEOUT_MS = 180_000;
const ROUNDS = 10;
const TRIGGERS = [
  'monthly_reports_rollup_insert',
  'monthly_reports_rollup_update',
  'monthly_reports_rollup_delete',
] as const;
const generateHint = `BENCH_DATABASE_NAME=${dbName} npm run bench:projects -w bench`;

// ---------------------------------------------------------------- the database

/** the kept database's URL and its data, refused without bench:projects's marker */
async function keptDatabase(pg: Awaited<ReturnType<typeof loadPg>>['pg']) {
  if (!/^[a-z_][a-z0-9_]*$/.test(dbName))
    throw new Error(`BENCH_DATABASE_NAME must be a plain lower-case name, got "${dbName}"`);
  const admin = await connectClient(pg, adminUrl);
  const found = await admin.query<{ comment: string | null }>(
    `select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1`,
    [dbName],
  );
  await admin.end();
  const comment = found.rows[0]?.comment ?? '';
  // the comment bench:projects writes once its data is complete
  const m = /^xiangmu bench data: projects=(\d+) reports=(\d+) seed=\d+$/.exec(comment);
  if (!m || Number(m[2]) === 0)
    throw new Error(
      `database ${dbName} ${found.rows.length ? `holds ${comment ? `"${comment}"` : 'no complete bench data'}` : 'does not exist'}; generate the data (about 10 minutes) with:\n  ${generateHint}`,
    );
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  return { url: url.toString(), marker: comment, projects: Number(m[1]) };
}

const cliCommand = (name: string) => [
  '--import',
  'tsx',
  join(repoRoot, 'apps/server/src/entrypoints/cli.ts'),
  name,
];

/** `npm run rollups:<name>` against the bench database: its exit code and wall time */
function rollupsCli(name: 'verify' | 'rebuild', dbUrl: string) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, cliCommand(`rollups:${name}`), {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: dbUrl },
    encoding: 'utf8',
  });
  const out = `${r.stdout}${r.stderr}`.trim();
  return { status: r.status, ms: performance.now() - t0, out };
}

const triggerStates = async (raw: pgTypes.Client) =>
  (
    await raw.query<{ tgname: string; tgenabled: string }>(
      `select tgname, tgenabled from pg_trigger
       where tgrelid = 'monthly_reports'::regclass and tgname = any($1)`,
      [TRIGGERS],
    )
  ).rows;

/** a run that died between DISABLE and ENABLE (kill -9) left a trigger off: repair */
async function repairTriggers(raw: pgTypes.Client, dbUrl: string) {
  const states = await triggerStates(raw);
  if (states.length !== TRIGGERS.length)
    throw new Error(`monthly_reports lacks its rollup triggers (migration 0010)`);
  const off = states.filter((s) => s.tgenabled === 'D');
  if (!off.length) return;
  console.log(`rollup triggers found disabled (${off.map((s) => s.tgname).join(', ')}): repairing`);
  for (const s of off) await raw.query(`ALTER TABLE monthly_reports ENABLE TRIGGER ${s.tgname}`);
  const r = rollupsCli('rebuild', dbUrl);
  if (r.status !== 0) throw new Error(`rollups:rebuild failed:\n${r.out}`);
}

// ---------------------------------------------------------------- the server's code

interface Code {
  dashboard: {
    getDashboard(db: unknown, actor: Actor, q: unknown): Promise<unknown>;
    getRanking(db: unknown, actor: Actor, q: unknown): Promise<unknown>;
  };
  briefings: { getBriefing(db: unknown, actor: Actor, q: unknown): Promise<unknown> };
  contracts: Record<
    'dashboardQuery' | 'rankingQuery' | 'briefingQuery' | 'dashboard' | 'ranking' | 'briefing',
    { parse(v: unknown): unknown }
  >;
}

const loadCode = async (): Promise<Code> => ({
  dashboard: await importRepo('apps/server/src/modules/dashboard/dashboard.service.ts'),
  briefings: await importRepo('apps/server/src/modules/briefings/briefing.service.ts'),
  contracts: await importRepo('packages/contracts/src/index.ts'),
});

type User = 'city_office' | 'jk_admin';

interface Case {
  name: string;
  user: User;
  path: string;
  params: Record<string, string>;
  run(code: Code, db: Kysely<unknown>, actor: Actor): Promise<unknown>;
  /** the response schema: both sides are compared as the API serialises them */
  schema: keyof Code['contracts'];
}

const cases: Case[] = [
  {
    name: 'dashboard, city',
    user: 'city_office',
    path: '/api/dashboard',
    params: {},
    run: (c, db, a) => c.dashboard.getDashboard(db, a, c.contracts.dashboardQuery.parse({})),
    schema: 'dashboard',
  },
  {
    name: 'dashboard, 经开区',
    user: 'jk_admin',
    path: '/api/dashboard',
    params: {},
    run: (c, db, a) => c.dashboard.getDashboard(db, a, c.contracts.dashboardQuery.parse({})),
    schema: 'dashboard',
  },
  ...(['invested', 'completion'] as const).map((indicator): Case => ({
    name: `ranking ${indicator}, city`,
    user: 'city_office',
    path: '/api/dashboard/ranking',
    params: { indicator },
    run: (c, db, a) => c.dashboard.getRanking(db, a, c.contracts.rankingQuery.parse({ indicator })),
    schema: 'ranking',
  })),
  {
    name: 'briefing, 经开区',
    user: 'jk_admin',
    path: '/api/briefings',
    params: {},
    run: (c, db, a) => c.briefings.getBriefing(db, a, c.contracts.briefingQuery.parse({})),
    schema: 'briefing',
  },
];

// ---------------------------------------------------------------- full scans

/**
 * The same figures as the dashboard repository's rollup reads, computed from
 * projects and monthly_reports (reports counted by the project's current
 * region, as rollup_reports does). Same columns, same parameters ($1 the
 * scope's LIKE pattern), same `child` expression.
 */
function fullScanOf(s: Statement): { kind: string; statement: Statement } | null {
  const text = s.sql.replace(/\s+/g, ' ');
  if (!/rollup_(projects|reports)/.test(text)) return null;
  const depth = /split_part\(r\.path, '\/', (\d+)\)/.exec(text)?.[1];
  if (!depth) throw new Error(`no child expression in a rollup read: ${text}`);
  const child = `split_part(r.path, '/', ${depth})`;
  const scoped = (n: number, sql: string) => {
    if (s.parameters.length !== n)
      throw new Error(`expected ${n} parameters, got ${s.parameters.length}: ${text}`);
    return { sql, parameters: s.parameters };
  };
  if (/from rollup_projects/.test(text) && /grouping sets/.test(text))
    return {
      kind: 'library',
      statement: scoped(
        1,
        `select p.stage, p.level, p.industry_cluster, ${child} as child,
                count(*)::int as projects, coalesce(sum(p.total_investment), 0)::text as total_investment
         from projects p join regions r on r.code = p.region_code
         where r.path like $1
         group by grouping sets ((p.stage), (p.level), (p.industry_cluster), (${child}), ())`,
      ),
    };
  if (/from rollup_projects/.test(text) && /plan_year/.test(text))
    return {
      kind: 'year plan',
      statement: scoped(
        2,
        `select ${child} as child, count(*)::int as projects,
                coalesce(sum(p.annual_plan), 0)::text as annual_plan
         from projects p join regions r on r.code = p.region_code
         where r.path like $1 and p.plan_year = $2
         group by 1`,
      ),
    };
  if (/from rollup_reports/.test(text))
    return {
      kind: 'invested by month',
      statement: scoped(
        3,
        `select ${child} as child, m.month, sum(m.invested)::text as invested,
                (count(*) filter (where m.late))::int as late
         from monthly_reports m join projects p on p.id = m.project_id
         join regions r on r.code = p.region_code
         where r.path like $1 and m.month >= $2 and m.month <= $3
         group by 1, 2`,
      ),
    };
  throw new Error(`a rollup read without a full-scan equivalent: ${text}`);
}

const rowsOf = async (raw: pgTypes.Client, s: Statement) =>
  (await raw.query(s.sql, s.parameters as unknown[])).rows.map((r) => JSON.stringify(r)).sort();

/** each distinct rollup read against its full scan: the same rows, or the run stops */
async function checkSameFigures(raw: pgTypes.Client, name: string, statements: Statement[]) {
  const seen = new Set<string>();
  let checked = 0;
  for (const s of statements) {
    const full = fullScanOf(s);
    const key = JSON.stringify(s);
    if (!full || seen.has(key)) continue;
    seen.add(key);
    const [a, b] = [await rowsOf(raw, s), await rowsOf(raw, full.statement)];
    if (!isDeepStrictEqual(a, b)) {
      const onlyRollup = a.filter((x) => !b.includes(x)).slice(0, 5);
      const onlyFull = b.filter((x) => !a.includes(x)).slice(0, 5);
      throw new Error(
        `${name}, ${full.kind}: the rollups and the full scan disagree (run npm run rollups:verify)\n` +
          `  parameters ${JSON.stringify(s.parameters)}; ${a.length} vs ${b.length} rows\n` +
          `  only in the rollups: ${onlyRollup.join('\n    ')}\n  only in the full scan: ${onlyFull.join('\n    ')}`,
      );
    }
    checked++;
  }
  return checked;
}

// ---------------------------------------------------------------- reads

interface Measured {
  name: string;
  user: User;
  url: string;
  statements: Statement[];
  figureStatements: number;
  runs: number;
  fullRuns: number;
  apiP50: number;
  rollupP50: number;
  fullP50: number;
  /** the rollup reads alone, and their full scans alone */
  rollupFiguresP50: number;
  fullFiguresP50: number;
  limit: number;
  passRatio: boolean;
  speedup: number;
  passSpeedup: boolean;
}

interface Ctx {
  base: string;
  agent: http.Agent;
  sessions: Record<User, Session>;
  actors: Record<User, Actor>;
  raw: pgTypes.Client;
  code: Code;
  capturing: Awaited<ReturnType<typeof capturingDb>>;
}

const json = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;

async function measureCase(c: Case, ctx: Ctx): Promise<Measured> {
  const qs = new URLSearchParams(c.params).toString();
  const url = `${c.path}${qs ? `?${qs}` : ''}`;
  const apiGet = async () => {
    const res = await request(`${ctx.base}${url}`, {
      headers: { cookie: ctx.sessions[c.user].cookie },
      agent: ctx.agent,
      timeoutMs: 120_000,
    });
    if (res.status !== 200) throw new Error(`GET ${url} → ${res.status}: ${res.body}`);
    return JSON.parse(res.body) as unknown;
  };
  const { statements, result } = await ctx.capturing.capture((db) =>
    c.run(ctx.code, db, ctx.actors[c.user]),
  );
  const schema = ctx.code.contracts[c.schema];
  if (!isDeepStrictEqual(schema.parse(await apiGet()), schema.parse(json(result))))
    throw new Error(`${c.name}: the API and the server code's statements disagree`);
  const full = statements.map((s) => fullScanOf(s)?.statement ?? s);
  const figureIdx = statements.flatMap((s, i) => (fullScanOf(s) ? [i] : []));
  const checked = await checkSameFigures(ctx.raw, c.name, statements);

  const api = async () => {
    const t0 = performance.now();
    await apiGet();
    return performance.now() - t0;
  };
  const figures = (each: number[]) => figureIdx.reduce((a, i) => a + each[i]!, 0);
  process.stdout.write(
    `${c.name}: ${statements.length} statements (${figureIdx.length} rollup reads, ${checked} distinct, same rows as their full scans); `,
  );
  for (let i = 0; i < warmupRuns; i++) {
    await api();
    await runStatements(ctx.raw, statements);
  }
  const apiMs: number[] = [];
  const rollupMs: number[] = [];
  const rollupFigures: number[] = [];
  for (let i = 0; i < repeat; i++) {
    // interleaved, so both sides see the same cache and machine state
    apiMs.push(await api());
    const r = await runStatements(ctx.raw, statements);
    rollupMs.push(r.total);
    rollupFigures.push(figures(r.each));
  }
  // the full scans: the check above was their warm-up run
  const fullMs: number[] = [];
  const fullFigures: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < repeat; i++) {
    const r = await runStatements(ctx.raw, full);
    fullMs.push(r.total);
    fullFigures.push(figures(r.each));
    if (performance.now() - t0 > FULL_BUDGET_MS && i + 1 >= MIN_FULL_RUNS) break;
  }
  const m = {
    apiP50: p50(apiMs),
    rollupP50: p50(rollupMs),
    fullP50: p50(fullMs),
  };
  const limit = TARGET_FACTOR * m.rollupP50 + TARGET_SLACK_MS;
  const speedup = m.fullP50 / m.apiP50;
  console.log(
    `API p50 ${ms(m.apiP50)} ms, rollup SQL ${ms(m.rollupP50)} ms, full scan ${ms(m.fullP50)} ms (${fullMs.length} runs)`,
  );
  return {
    name: c.name,
    user: c.user,
    url,
    statements,
    figureStatements: figureIdx.length,
    runs: apiMs.length,
    fullRuns: fullMs.length,
    ...m,
    rollupFiguresP50: p50(rollupFigures),
    fullFiguresP50: p50(fullFigures),
    limit,
    passRatio: m.apiP50 <= limit,
    speedup,
    passSpeedup: speedup >= TARGET_SPEEDUP,
  };
}

async function explain(raw: pgTypes.Client, s: Statement): Promise<string[]> {
  const res = await raw.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`,
    s.parameters as unknown[],
  );
  return res.rows.map((r) => r['QUERY PLAN']);
}

// ---------------------------------------------------------------- writes

interface WriteFigures {
  on: number[];
  off: number[];
}

const overhead = (w: WriteFigures) => p50(w.on) / p50(w.off) - 1;

/**
 * SQL-level writes of one report, triggers on and off, in blocks that take
 * turns. Each block is one transaction that is rolled back (the DISABLE
 * TRIGGERs with it), each write a savepoint rolled back to: nothing stays,
 * and a failure leaves the triggers as they were. Commits are not timed
 * (they cost the same on both sides).
 */
async function sqlWrites(raw: pgTypes.Client, project: { id: number; region: string }) {
  const month = (
    await raw.query<{ m: string }>(
      // the month being collected now (Beijing time), absent for this project
      `select to_char((now() at time zone 'Asia/Shanghai') - interval '1 month', 'YYYY-MM') as m`,
    )
  ).rows[0]!.m;
  const existing = (
    await raw.query<{ id: number }>(
      `select id from monthly_reports where project_id = $1 order by month desc limit 1`,
      [project.id],
    )
  ).rows[0]!.id;
  const insert = {
    // an explicit id, so the run does not even advance the sequence
    sql: `insert into monthly_reports (id, project_id, region_code, month, invested, progress, late, source, reporter_name)
          values (-1, $1, $2, $3, 123.45, '基准测试', false, 'form', 'bench')`,
    parameters: [project.id, project.region, month],
  };
  const insertDelete: WriteFigures = { on: [], off: [] };
  const update: WriteFigures = { on: [], off: [] };
  const perBlock = Math.max(1, Math.round(writes / ROUNDS));
  for (let round = 0; round < ROUNDS * 2; round++) {
    // on, off, off, on, on, off …: neither side always goes first
    const on = round % 4 === 0 || round % 4 === 3;
    await raw.query('BEGIN');
    try {
      if (!on)
        for (const t of TRIGGERS)
          await raw.query(`ALTER TABLE monthly_reports DISABLE TRIGGER ${t}`);
      const states = await triggerStates(raw);
      if (states.some((s) => (s.tgenabled === 'D') === on))
        throw new Error(`triggers not ${on ? 'enabled' : 'disabled'} in this block`);
      for (let i = 0; i < perBlock; i++) {
        await raw.query('SAVEPOINT w');
        let t0 = performance.now();
        await raw.query(insert.sql, insert.parameters);
        await raw.query('delete from monthly_reports where id = -1');
        (on ? insertDelete.on : insertDelete.off).push(performance.now() - t0);
        await raw.query('ROLLBACK TO SAVEPOINT w');
        t0 = performance.now();
        await raw.query('update monthly_reports set invested = invested + 0.01 where id = $1', [
          existing,
        ]);
        (on ? update.on : update.off).push(performance.now() - t0);
        await raw.query('ROLLBACK TO SAVEPOINT w');
      }
    } finally {
      await raw.query('ROLLBACK');
    }
  }
  if ((await triggerStates(raw)).some((s) => s.tgenabled === 'D'))
    throw new Error('a rollup trigger is still disabled after the SQL-level writes');
  return { month, insertDelete, update };
}

/**
 * The API's PATCH /api/reports/:id (a report of 经开区 in a month that is
 * not closed), invested +0.01 and back, with the update trigger enabled and
 * disabled in turns. Disabling must be committed for the server to see it,
 * so: the trigger is re-enabled in a finally (and by the cleanup if the run
 * is killed), each disabled block ends on the report's original amount (the
 * rollups never miss a change), and the report row is restored at the end.
 * The audit log keeps its report.updated entries (it is append-only).
 */
async function apiPatches(ctx: Ctx, dbUrl: string, pg: Awaited<ReturnType<typeof loadPg>>['pg']) {
  const report = (
    await ctx.raw.query<{
      id: number;
      invested: string;
      version: number;
      reporter_id: number | null;
      reporter_name: string;
      updated_at: string;
      month: string;
    }>(
      `select m.id, m.invested::text, m.version, m.reporter_id, m.reporter_name,
              m.updated_at::text, m.month
       from monthly_reports m join projects p on p.id = m.project_id
       join regions r on r.code = p.region_code
       where r.path like $1 and p.name ~ '（[0-9]+）$'
         and not exists (select 1 from report_month_closures c
                         where c.month = m.month and c.region_code in ('410100', '410171'))
       order by m.month desc, m.id desc limit 1`,
      [`${ctx.actors.jk_admin.scopePath}%`],
    )
  ).rows[0];
  if (!report) throw new Error('no report of 经开区 in an open month to PATCH');
  const cents = Math.round(Number(report.invested) * 100);
  const amount = (k: number) => ((cents + (k % 2 === 0 ? 1 : 0)) / 100).toFixed(2);
  let version = report.version;
  const session = ctx.sessions.jk_admin;
  const patch = async (invested: string) => {
    const t0 = performance.now();
    const res = await request(`${ctx.base}/api/reports/${report.id}`, {
      method: 'PATCH',
      headers: {
        cookie: session.cookie,
        'x-csrf-token': session.csrf,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ invested, version }),
      agent: ctx.agent,
      timeoutMs: 30_000,
    });
    const dt = performance.now() - t0;
    if (res.status !== 200)
      throw new Error(`PATCH /api/reports/${report.id} → ${res.status}: ${res.body}`);
    version = (JSON.parse(res.body) as { version: number }).version;
    return dt;
  };
  let disabled = false;
  const putBack = async (run: (sql: string, params?: unknown[]) => Promise<unknown>) => {
    // still disabled: the original amount back without a rollup delta
    await run('update monthly_reports set invested = $2 where id = $1 and invested <> $2', [
      report.id,
      report.invested,
    ]);
    await run(`ALTER TABLE monthly_reports ENABLE TRIGGER monthly_reports_rollup_update`);
    disabled = false;
  };
  onCleanup(async () => {
    if (!disabled) return;
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    try {
      await putBack((sql, params) => c.query(sql, params));
    } finally {
      await c.end();
    }
  });
  const figures: WriteFigures = { on: [], off: [] };
  // 100 per side: 5 blocks of 20 on each side
  const blocks = ROUNDS / 2;
  const perBlock = Math.max(2, 2 * Math.round(apiWrites / blocks / 2));
  try {
    for (let k = 0; k < 4; k++) await patch(amount(k)); // warm-up, triggers on
    for (let round = 0; round < blocks * 2; round++) {
      const on = round % 4 === 0 || round % 4 === 3;
      if (!on) {
        disabled = true;
        await ctx.raw.query(
          `ALTER TABLE monthly_reports DISABLE TRIGGER monthly_reports_rollup_update`,
        );
      }
      try {
        // an even number per block: each ends on the original amount
        for (let k = 0; k < perBlock; k++)
          (on ? figures.on : figures.off).push(await patch(amount(k)));
      } finally {
        if (!on) await putBack((sql, params) => ctx.raw.query(sql, params));
      }
    }
  } finally {
    if (disabled) await putBack((sql, params) => ctx.raw.query(sql, params));
    // triggers on: invested is already the original, so no rollup delta
    await ctx.raw.query(
      `update monthly_reports set invested = $2, version = $3, reporter_id = $4, reporter_name = $5,
              updated_at = $6::timestamptz where id = $1`,
      [
        report.id,
        report.invested,
        report.version,
        report.reporter_id,
        report.reporter_name,
        report.updated_at,
      ],
    );
  }
  return { report: { id: report.id, month: report.month }, figures };
}

// ---------------------------------------------------------------- run

await runBenchmark('dashboard', 25 * 60_000, async () => {
  console.log(`xiangmu dashboard benchmark — ${new Date().toISOString()}`);
  console.log(machineLine());
  console.log(await quietnessLine());
  const { pg, version: pgVersion } = await loadPg();
  const kept = await keptDatabase(pg);
  const dbUrl = kept.url;
  const { webReused } = prepareServerBuild();
  const raw = await connectClient(pg, dbUrl);
  const serverVersion = (
    await raw.query<{ v: string }>(`select current_setting('server_version') as v`)
  ).rows[0]!.v;
  console.log(
    `PostgreSQL ${serverVersion} at ${new URL(adminUrl).host}, kept database ${dbName} ("${kept.marker}"); pg ${pgVersion}`,
  );
  console.log(
    `API server: node apps/server/dist/api.mjs (rebuilt; web UI ${webReused ? `reused from ${relative(repoRoot, webDist)}` : 'built'}), LOG_LEVEL=${logLevel}\n`,
  );
  await repairTriggers(raw, dbUrl);

  process.stdout.write('starting the API server (migrations, demo seed) … ');
  const server = await startApiServer(
    { DATABASE_URL: dbUrl, XIANGMU_DEMO_SEED: 'on', XIANGMU_WEB_DIST: webDist },
    { logLevel, timeoutMs: START_TIMEOUT_MS, command: bundleCommand },
  );
  console.log('ready');
  const sizes = (
    await raw.query<{ t: string; n: string; s: string }>(
      `select t, (select reltuples::bigint from pg_class where relname = t)::text as n,
              pg_size_pretty(pg_total_relation_size(t::regclass)) as s
       from unnest(array['projects', 'monthly_reports', 'rollup_projects', 'rollup_reports']) t`,
    )
  ).rows;
  console.log(
    `tables: ${sizes.map((r) => `${r.t} ~${Number(r.n).toLocaleString('en')} rows, ${r.s}`).join('; ')}\n`,
  );

  const users: User[] = ['city_office', 'jk_admin'];
  const sessions = {} as Record<User, Session>;
  const actors = {} as Record<User, Actor>;
  for (const u of users) {
    sessions[u] = await login(server.base, u);
    actors[u] = await actorFor(raw, u);
  }
  const ctx: Ctx = {
    base: server.base,
    agent: new http.Agent({ keepAlive: true, maxSockets: 1 }),
    sessions,
    actors,
    raw,
    code: await loadCode(),
    capturing: await capturingDb(dbUrl),
  };

  // 1. reads
  console.log(
    `each endpoint: ${warmupRuns} warm-up runs, then ${repeat} runs alternating API and rollup SQL (the statements the server's code sends, one after the other on one pg connection); then the full scans, up to ${repeat} runs or ${FULL_BUDGET_MS / 1000} s (at least ${MIN_FULL_RUNS})`,
  );
  const results: Measured[] = [];
  for (const c of cases) results.push(await measureCase(c, ctx));
  console.log(
    '\n' +
      table([
        [
          'endpoint',
          'runs',
          'API p50 ms',
          'rollup SQL p50',
          'full scan p50',
          'API ≤ 2×SQL+5',
          'verdict',
          'full / API',
          'verdict',
        ],
        ...results.map((r) => [
          `${r.name} (${r.url})`,
          `${r.runs}/${r.fullRuns}`,
          ms(r.apiP50),
          ms(r.rollupP50),
          ms(r.fullP50),
          `≤ ${ms(r.limit)}`,
          r.passRatio ? 'PASS' : 'MISS',
          `${r.speedup.toFixed(0)}×`,
          r.passSpeedup ? 'PASS' : 'MISS',
        ]),
      ]),
  );
  console.log('\nthe figure reads alone (library, year plan, invested by month), p50 ms:');
  for (const r of results)
    console.log(
      `  ${r.name}: ${r.figureStatements} rollup reads ${ms(r.rollupFiguresP50)} · their full scans ${ms(r.fullFiguresP50)} · the other ${r.statements.length - r.figureStatements} statements ${ms(r.rollupP50 - r.rollupFiguresP50)}`,
    );
  const plans: Record<string, string[]> = {};
  for (const r of results.filter((x) => !x.passRatio || !x.passSpeedup)) {
    // where a MISS's time goes: its slowest statement on the rollup side
    const timed: Array<{ s: Statement; t: number }> = [];
    for (const s of r.statements) {
      const t0 = performance.now();
      await raw.query(s.sql, s.parameters as unknown[]);
      timed.push({ s, t: performance.now() - t0 });
    }
    const slowest = timed.reduce((a, b) => (b.t > a.t ? b : a));
    console.log(`\nEXPLAIN ANALYZE — ${r.name}, its slowest statement (${ms(slowest.t)} ms):`);
    console.log(slowest.s.sql.replace(/\s+/g, ' '));
    console.log(`parameters: ${JSON.stringify(slowest.s.parameters)}`);
    const plan = await explain(raw, slowest.s);
    plans[r.name] = plan;
    console.log(plan.map((l) => `  ${l}`).join('\n'));
  }

  // 2. writes
  const project = (
    await raw.query<{ id: number; region: string }>(
      `select p.id, p.region_code as region from projects p join regions r on r.code = p.region_code
       where r.path like $1 and p.stage = 'building' order by p.id desc limit 1`,
      [`${actors.jk_admin.scopePath}%`],
    )
  ).rows[0]!;
  console.log(
    `\nSQL-level writes: ${writes} per side, in ${ROUNDS} blocks per side, triggers on and off in turns (rolled back)`,
  );
  const sqlW = await sqlWrites(raw, project);
  let apiW: Awaited<ReturnType<typeof apiPatches>> | null = null;
  if (apiWrites) {
    console.log(`API writes: PATCH /api/reports/:id, update trigger on and off in turns`);
    apiW = await apiPatches(ctx, dbUrl, pg);
  }
  const writeRows: Array<[string, WriteFigures]> = [
    [`SQL insert + delete of a ${sqlW.month} report`, sqlW.insertDelete],
    [`SQL update of invested`, sqlW.update],
    ...(apiW
      ? [
          [`API PATCH /api/reports/:id (${apiW.report.month})`, apiW.figures] as [
            string,
            WriteFigures,
          ],
        ]
      : []),
  ];
  console.log(
    '\n' +
      table([
        ['write', 'runs', 'triggers on p50 ms', 'off p50 ms', 'slower by', 'target', 'verdict'],
        ...writeRows.map(([name, w]) => [
          name,
          `${w.on.length}+${w.off.length}`,
          ms(p50(w.on)),
          ms(p50(w.off)),
          `${(overhead(w) * 100).toFixed(0)} %`,
          `≤ ${TARGET_WRITE_OVERHEAD * 100} %`,
          overhead(w) <= TARGET_WRITE_OVERHEAD ? 'PASS' : 'MISS',
        ]),
      ]),
  );
  if ((await triggerStates(raw)).some((s) => s.tgenabled === 'D'))
    throw new Error('a rollup trigger is still disabled');

  ctx.agent.destroy();
  await ctx.capturing.close();
  await stopChild(server.proc.child);

  // 3. rollups:verify, with the server stopped
  process.stdout.write('\nnpm run rollups:verify (full recomputation compare) … ');
  const verify = rollupsCli('verify', dbUrl);
  console.log(
    `${(verify.ms / 1000).toFixed(1)} s, exit ${verify.status}: ${verify.out.split('\n').at(-1)}`,
  );
  let rebuilt = false;
  if (verify.status !== 0) {
    console.log(verify.out);
    console.log('the rollups differ from a recomputation: npm run rollups:rebuild …');
    const r = rollupsCli('rebuild', dbUrl);
    if (r.status !== 0) throw new Error(`rollups:rebuild failed:\n${r.out}`);
    rebuilt = true;
  }
  console.log(
    '\nnot measured here: the time to the first figure of the dashboard page in Chromium (a separate browser measurement on demo data)',
  );
  await raw.end();

  const file = saveResults('dashboard', {
    date: new Date().toISOString(),
    machine: machineLine(),
    postgres: serverVersion,
    database: kept.marker,
    tables: sizes,
    repeat,
    warmupRuns,
    targets: {
      ratio: `API p50 <= ${TARGET_FACTOR} x rollup SQL p50 + ${TARGET_SLACK_MS} ms`,
      speedup: `full scan p50 / API p50 >= ${TARGET_SPEEDUP}`,
      writes: `with triggers <= ${TARGET_WRITE_OVERHEAD * 100} % slower`,
    },
    reads: results.map((r) => ({ ...r, statements: r.statements.length })),
    writes: writeRows.map(([name, w]) => ({
      name,
      on: p50(w.on),
      off: p50(w.off),
      runs: [w.on.length, w.off.length],
      overhead: overhead(w),
    })),
    verify: { ms: verify.ms, status: verify.status, out: verify.out, rebuilt },
    plans,
  });
  console.log(`\nfigures saved to ${relative(repoRoot, file)}`);
});
