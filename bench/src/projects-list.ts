// The project list and the monthly reports on a large library — a million
// projects with twelve monthly reports each — every API call against the
// very SQL the server issues for it, run directly with pg in the same run.
//
//   npm run bench:projects -w bench
//   BENCH_PROJECTS=1000000   projects generated (deterministic; lower it for a quick check)
//   BENCH_REPORTS=on         12 monthly reports per project, and the report cases
//   BENCH_REPEAT=30          measured runs per query and side, after BENCH_WARMUP_RUNS=3
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres  the PostgreSQL server;
//     a scratch database is created on it and dropped at the end
//   BENCH_DATABASE_NAME=xm_bench  instead: keep the data in this database and
//     reuse it on the next run (generated once; never dropped)
//   BENCH_WHATIF=off         skip re-timing the slow queries with candidate indexes
//   BENCH_GROUPS=projects,reports  which cases to measure (both by default)
import http from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { join, relative } from 'node:path';
import type pgTypes from 'pg';
import {
  envNumber,
  machineLine,
  prepareBuild,
  quietnessLine,
  repoRoot,
  request,
  runBenchmark,
  saveResults,
  stopChild,
  table,
} from './lib/harness';
import { login, startApiServer, type Session } from './lib/api';
import {
  REPORT_MONTH,
  REPORT_MONTHS,
  REPORT_YEAR,
  SEED,
  generateProjects,
  generateReports,
  generateStageEvents,
  withIndexesRebuilt,
  withoutForeignKeyChecks,
} from './lib/big-data';
import { connectClient, loadPg, runOnce, scratchDatabase } from './lib/postgres';
import { actorFor, capturingDb, importRepo, type Actor, type Statement } from './lib/server-code';

const projects = Math.round(envNumber('BENCH_PROJECTS', 1_000_000));
const withReports = process.env.BENCH_REPORTS !== 'off';
const repeat = Math.round(envNumber('BENCH_REPEAT', 30));
const warmupRuns = Math.round(envNumber('BENCH_WARMUP_RUNS', 3));
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const keptName = process.env.BENCH_DATABASE_NAME;
const whatIf = process.env.BENCH_WHATIF !== 'off';
const groups = new Set((process.env.BENCH_GROUPS ?? 'projects,reports').split(','));
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
const PAGE_SIZE = 20;
/** a query's own budget: after it, fewer runs are kept (at least MIN_RUNS) */
const CASE_BUDGET_MS = 150_000;
const MIN_RUNS = 5;
/** API p50 ≤ 2 × raw p50 + 5 ms */
const TARGET_FACTOR = 2;
const TARGET_SLACK_MS = 5;
/** a raw p50 above this gets an EXPLAIN ANALYZE in the report */
const SLOW_MS = 100;
const START_TIMEOUT_MS = 180_000;

// ---------------------------------------------------------------- the database

/** what a kept database holds, written as its comment once the data is complete */
const marker = `xiangmu bench data: projects=${projects} reports=${withReports ? REPORT_MONTHS.length : 0} seed=${SEED}`;

/**
 * The database the run uses: a scratch one, dropped at the end, or the kept
 * BENCH_DATABASE_NAME, created if missing. A kept database whose comment is
 * not `marker` is only reused when it has no comment and no projects yet
 * (a run that stopped before its data was complete is refused).
 */
async function benchDatabase(
  pg: Awaited<ReturnType<typeof loadPg>>['pg'],
): Promise<{ url: string; generated: boolean }> {
  if (!keptName) return { url: await scratchDatabase(adminUrl), generated: false };
  if (!/^[a-z_][a-z0-9_]*$/.test(keptName))
    throw new Error(`BENCH_DATABASE_NAME must be a plain lower-case name, got "${keptName}"`);
  if (['test', 'postgres', new URL(adminUrl).pathname.slice(1)].includes(keptName))
    throw new Error(
      `BENCH_DATABASE_NAME must not be "test", "postgres" or the database of BENCH_DATABASE_URL`,
    );
  const admin = await connectClient(pg, adminUrl);
  const found = await admin.query<{ comment: string | null }>(
    `select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1`,
    [keptName],
  );
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${keptName}`;
  if (found.rows.length === 0) {
    await runOnce(pg, adminUrl, `CREATE DATABASE "${keptName}"`);
    return { url: url.toString(), generated: false };
  }
  const comment = found.rows[0]!.comment;
  if (comment === marker) return { url: url.toString(), generated: true };
  throw new Error(
    `database ${keptName} exists but holds ${comment ? `"${comment}"` : 'no complete bench data'}; drop it (DROP DATABASE ${keptName}) or choose another BENCH_DATABASE_NAME`,
  );
}

/** `npm run rollups:rebuild` against the bench database (migration 0010's rollups). */
async function rebuildRollupsWith(dbUrl: string) {
  process.stdout.write('rebuilding the rollups (npm run rollups:rebuild) … ');
  const t0 = performance.now();
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'apps/server/src/entrypoints/cli.ts'), 'rollups:rebuild'],
    { cwd: repoRoot, env: { ...process.env, DATABASE_URL: dbUrl }, stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error('rollups:rebuild failed');
  console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

// ---------------------------------------------------------------- what the server sends

interface Server {
  repo: {
    listProjects(
      db: unknown,
      scopePath: string,
      regionPath: undefined,
      q: unknown,
    ): Promise<ListResult>;
  };
  reports: {
    listReports(db: unknown, actor: Actor, q: unknown): Promise<unknown>;
    listClosures(db: unknown, actor: Actor, month: string): Promise<unknown>;
    annualCompletion(db: unknown, actor: Actor, q: unknown): Promise<unknown>;
    projectReports(db: unknown, actor: Actor, id: number, year: number): Promise<unknown>;
  };
  contracts: Record<
    'projectListQuery' | 'reportListQuery' | 'annualCompletionQuery',
    { parse(v: unknown): unknown }
  >;
}

/**
 * The server's own code on a Kysely that records what it sends: the
 * repository's listProjects, the reports service. db.ts is loaded for its
 * pg type parsers (int8 → number, date → text), as in the server.
 */
async function serverCode(dbUrl: string) {
  const code: Server = {
    repo: await importRepo<Server['repo']>(
      'apps/server/src/modules/projects/project.repository.ts',
    ),
    reports: await importRepo<Server['reports']>(
      'apps/server/src/modules/reports/report.service.ts',
    ),
    contracts: await importRepo<Server['contracts']>('packages/contracts/src/index.ts'),
  };
  return { code, ...(await capturingDb(dbUrl)) };
}
type ServerCode = Awaited<ReturnType<typeof serverCode>>;

// ---------------------------------------------------------------- cases

interface ListResult {
  total: number;
  items: Array<{ id: number }>;
}

type User = 'city_office' | 'jk_admin';

interface Case {
  name: string;
  group: 'projects' | 'reports';
  user: User;
  path: string;
  params: Record<string, string>;
  /** page 500, or the last page when the filtered set has fewer */
  deep?: boolean;
  /** the statements the server sends for these parameters, and its answer */
  capture(
    s: ServerCode,
    actor: Actor,
    params: Record<string, string>,
  ): Promise<{ statements: Statement[]; result: unknown }>;
  /** the same answer: what must agree between the API's JSON and the captured result */
  digest(body: unknown): unknown;
}

const projectCase = (
  name: string,
  user: User,
  params: Record<string, string>,
  deep = false,
): Case => ({
  name,
  group: 'projects',
  user,
  path: '/api/projects',
  params,
  deep,
  capture: (s, actor, p) =>
    s.capture((db) =>
      s.code.repo.listProjects(
        db,
        actor.scopePath,
        undefined,
        s.code.contracts.projectListQuery.parse(p),
      ),
    ),
  digest: (b) => {
    const r = b as ListResult;
    return [r.total, r.items.map((i) => i.id)];
  },
});

interface ReportList {
  total: number;
  items: Array<{ projectId: number; status: string }>;
}

const reportListCase = (name: string, user: User, deep = false): Case => ({
  name,
  group: 'reports',
  user,
  path: '/api/reports',
  params: { month: REPORT_MONTH },
  deep,
  capture: (s, actor, p) =>
    s.capture((db) =>
      s.code.reports.listReports(db, actor, s.code.contracts.reportListQuery.parse(p)),
    ),
  digest: (b) => {
    const r = b as ReportList;
    return [r.total, r.items.map((i) => [i.projectId, i.status])];
  },
});

const json = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;

const cases: Case[] = [
  projectCase('city, all, updatedAt desc, p1', 'city_office', {}),
  projectCase('city, all, updatedAt desc, p500', 'city_office', { page: '500' }),
  projectCase('district, building+city, totalInvestment desc, p1', 'jk_admin', {
    stage: 'building',
    level: 'city',
    sort: 'totalInvestment',
    order: 'desc',
  }),
  projectCase(
    'district, building+city, totalInvestment desc, deep',
    'jk_admin',
    { stage: 'building', level: 'city', sort: 'totalInvestment', order: 'desc' },
    true,
  ),
  projectCase('city, q=海尔压缩机 (name contains)', 'city_office', { q: '海尔压缩机' }),
  projectCase('city, q=heysj (pinyin initials)', 'city_office', { q: 'heysj' }),
  projectCase('district, q=海尔 (name contains, 2 chars)', 'jk_admin', { q: '海尔' }),
  projectCase('district, q=压缩机 (name contains, 3 chars)', 'jk_admin', { q: '压缩机' }),
];

const reportCases: Case[] = [
  reportListCase(`district, reports of ${REPORT_MONTH}, p1`, 'jk_admin'),
  reportListCase(`district, reports of ${REPORT_MONTH}, deep`, 'jk_admin', true),
  reportListCase(`city, reports of ${REPORT_MONTH}, p1`, 'city_office'),
  {
    name: `city, per-district month summary (closures)`,
    group: 'reports',
    user: 'city_office',
    path: '/api/reports/closures',
    params: { month: REPORT_MONTH },
    capture: (s, actor, p) => s.capture((db) => s.code.reports.listClosures(db, actor, p.month!)),
    digest: (b) => json(b),
  },
  {
    name: `city, annual completion ${REPORT_YEAR}`,
    group: 'reports',
    user: 'city_office',
    path: '/api/reports/completion',
    params: { year: String(REPORT_YEAR) },
    capture: (s, actor, p) =>
      s.capture((db) =>
        s.code.reports.annualCompletion(db, actor, s.code.contracts.annualCompletionQuery.parse(p)),
      ),
    digest: (b) => json(b),
  },
  {
    name: `district, annual completion ${REPORT_YEAR}`,
    group: 'reports',
    user: 'jk_admin',
    path: '/api/reports/completion',
    params: { year: String(REPORT_YEAR) },
    capture: (s, actor, p) =>
      s.capture((db) =>
        s.code.reports.annualCompletion(db, actor, s.code.contracts.annualCompletionQuery.parse(p)),
      ),
    digest: (b) => json(b),
  },
];

/** one project's year (the project page), for a generated project of 经开区 */
const projectYearCase = (id: number): Case => ({
  name: `district, one project's ${REPORT_YEAR} reports`,
  group: 'reports',
  user: 'jk_admin',
  path: `/api/projects/${id}/reports`,
  params: { year: String(REPORT_YEAR) },
  capture: (s, actor, p) =>
    s.capture((db) => s.code.reports.projectReports(db, actor, id, Number(p.year))),
  digest: (b) => json(b),
});

// ---------------------------------------------------------------- measuring

const ms = (x: number) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));
const p50 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

interface Measured {
  name: string;
  group: Case['group'];
  user: string;
  url: string;
  total: number | null;
  runs: number;
  apiMs: number[];
  rawMs: number[];
  statementMs: number[][];
  statements: Statement[];
  apiP50: number;
  rawP50: number;
  limit: number;
  pass: boolean;
}

/** a statement's short name: its main table and shape */
function label(s: Statement): string {
  const sql = s.sql.replace(/\s+/g, ' ');
  if (/count\(\*\)/i.test(sql) && /from "projects"/.test(sql) && !/classified/.test(sql))
    return 'count + sums';
  if (/^select "projects"\."id" from/.test(sql)) return 'id page';
  if (/"projects"\.\*/.test(sql) && /"projects"\."id" in/.test(sql)) return 'row fetch';
  if (/classified/.test(sql))
    return /group by unit, status/.test(sql) ? 'month counts' : 'month page';
  if (/from monthly_reports m join scoped/.test(sql)) return 'year invested';
  if (/plan_year =/.test(sql)) return 'year plans';
  const table = /from "?(\w+)"?/i.exec(sql)?.[1] ?? '?';
  return table;
}

interface Ctx {
  base: string;
  agent: http.Agent;
  sessions: Record<User, Session>;
  actors: Record<User, Actor>;
  raw: pgTypes.Client;
  server: ServerCode;
}

const runStatements = async (raw: pgTypes.Client, statements: Statement[]) => {
  const each: number[] = [];
  const t0 = performance.now();
  for (const s of statements) {
    const s0 = performance.now();
    await raw.query(s.sql, s.parameters as unknown[]);
    each.push(performance.now() - s0);
  }
  return { total: performance.now() - t0, each };
};

async function measureCase(c: Case, ctx: Ctx): Promise<Measured> {
  const params = { ...c.params };
  const apiGet = async () => {
    const qs = new URLSearchParams(params).toString();
    const res = await request(`${ctx.base}${c.path}${qs ? `?${qs}` : ''}`, {
      headers: { cookie: ctx.sessions[c.user].cookie },
      agent: ctx.agent,
      timeoutMs: 300_000,
    });
    if (res.status !== 200) throw new Error(`GET ${c.path}?${qs} → ${res.status}: ${res.body}`);
    return JSON.parse(res.body) as unknown;
  };
  if (c.deep) {
    const first = (await apiGet()) as { total: number };
    params.page = String(Math.max(1, Math.min(500, Math.ceil(first.total / PAGE_SIZE))));
  }
  const { statements, result } = await c.capture(ctx.server, ctx.actors[c.user], params);
  // the API must answer with exactly what these statements return
  const check = await apiGet();
  if (!isDeepStrictEqual(c.digest(check), c.digest(json(result))))
    throw new Error(`${c.name}: the API and the server code's statements disagree`);
  const total = (check as { total?: unknown }).total;

  const api = async () => {
    const t0 = performance.now();
    await apiGet();
    return performance.now() - t0;
  };

  process.stdout.write(`${c.name}: `);
  for (let i = 0; i < warmupRuns; i++) {
    await api();
    await runStatements(ctx.raw, statements);
  }
  const apiMs: number[] = [];
  const rawMs: number[] = [];
  const statementMs: number[][] = statements.map(() => []);
  const t0 = performance.now();
  for (let i = 0; i < repeat; i++) {
    // interleaved, so both sides see the same cache and machine state
    apiMs.push(await api());
    const r = await runStatements(ctx.raw, statements);
    rawMs.push(r.total);
    r.each.forEach((x, j) => statementMs[j]!.push(x));
    if (performance.now() - t0 > CASE_BUDGET_MS && i + 1 >= MIN_RUNS) break;
  }
  const apiP50 = p50(apiMs);
  const rawP50 = p50(rawMs);
  const limit = TARGET_FACTOR * rawP50 + TARGET_SLACK_MS;
  console.log(
    `${apiMs.length} runs, API p50 ${ms(apiP50)} ms, raw SQL p50 ${ms(rawP50)} ms (${statements.length} statements${typeof total === 'number' ? `, total ${total.toLocaleString('en')}` : ''})`,
  );
  return {
    name: c.name,
    group: c.group,
    user: c.user,
    url: `${c.path}?${new URLSearchParams(params).toString()}`,
    total: typeof total === 'number' ? total : null,
    runs: apiMs.length,
    apiMs,
    rawMs,
    statementMs,
    statements,
    apiP50,
    rawP50,
    limit,
    pass: apiP50 <= limit,
  };
}

/** the plan's lines with their timings */
async function explain(raw: pgTypes.Client, s: Statement): Promise<string[]> {
  const res = await raw.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`,
    s.parameters as unknown[],
  );
  return res.rows.map((r) => r['QUERY PLAN']);
}

/** raw p50 of a case's statements, `runs` times after one warm-up run */
async function retime(raw: pgTypes.Client, statements: Statement[], runs: number) {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const r = await runStatements(raw, statements);
    if (i > 0) times.push(r.total);
  }
  return p50(times);
}

/** fewer re-timings for the queries that take seconds */
const retimeRuns = (r: Measured) => (r.rawP50 > 1000 ? 3 : Math.min(repeat, 10));

/**
 * Candidate changes for what stays slow — indexes, or session settings that
 * could go into the server's connection options — applied one after the
 * other inside a transaction that is rolled back at the end (the database is
 * left as the migrations made it), each followed by a re-timing of the slow
 * queries' raw statements, so each one's effect shows on its own. An index
 * that exists already is skipped.
 */
const candidates: Array<{ name: string; why: string; sql: string }> = [
  {
    name: "work_mem = '32MB'",
    why: 'the hashes and sorts over a month of reports spill to disk at the default 4 MB',
    sql: "SET LOCAL work_mem = '32MB'",
  },
];

await runBenchmark(
  'projects-list',
  START_TIMEOUT_MS + (projects / 1e6) * (withReports ? 3_000_000 : 900_000) + 1_500_000,
  async () => {
    prepareBuild();
    console.log(
      `xiangmu GET /api/projects${withReports ? ' and /api/reports' : ''} benchmark — ${new Date().toISOString()}`,
    );
    console.log(machineLine());
    console.log(await quietnessLine());
    const { pg, version: pgVersion } = await loadPg();
    const { url: dbUrl, generated } = await benchDatabase(pg);
    const raw = await connectClient(pg, dbUrl);
    const serverVersion = (
      await raw.query<{ v: string }>(`select current_setting('server_version') as v`)
    ).rows[0]!.v;
    const dbName = new URL(dbUrl).pathname.slice(1);
    console.log(
      `PostgreSQL ${serverVersion} at ${new URL(adminUrl).host}, ${keptName ? `kept database ${dbName}${generated ? ' (data already there: reused)' : ''}` : `scratch database ${dbName}`}; pg ${pgVersion}`,
    );
    console.log(
      `API server: node scripts/start.mjs (as npm start), LOG_LEVEL=${logLevel}, DATABASE_URL=that database\n`,
    );

    process.stdout.write('starting the API server (migrations, regions, demo seed) … ');
    const server = await startApiServer(
      { DATABASE_URL: dbUrl, XIANGMU_DEMO_SEED: 'on' },
      { logLevel, timeoutMs: START_TIMEOUT_MS },
    );
    console.log('ready');

    let generateMs: number | null = null;
    if (!generated) {
      const g0 = performance.now();
      await withIndexesRebuilt(raw, ['projects', 'project_stage_events', 'monthly_reports'], () =>
        withoutForeignKeyChecks(raw, async () => {
          const firstId = await generateProjects(raw, projects);
          await generateStageEvents(raw, firstId);
          if (withReports) await generateReports(raw, firstId);
        }),
      );
      // the load ran with triggers off (session_replication_role): the
      // rollups are rebuilt by the server's own command
      await rebuildRollupsWith(dbUrl);
      // the steady state autovacuum would reach: visibility map set, statistics
      // on every table (regions too, which the scope subquery reads)
      process.stdout.write('VACUUM (ANALYZE) … ');
      const v0 = performance.now();
      await raw.query('VACUUM (ANALYZE)');
      console.log(`${((performance.now() - v0) / 1000).toFixed(1)} s`);
      generateMs = performance.now() - g0;
      if (keptName) await raw.query(`COMMENT ON DATABASE "${keptName}" IS '${marker}'`);
    }
    const sizes = (
      await raw.query<{ t: string; n: string; s: string }>(
        `select t, (select reltuples::bigint from pg_class where relname = t)::text as n,
                pg_size_pretty(pg_total_relation_size(t::regclass)) as s
         from unnest(array['projects', 'project_stage_events', 'monthly_reports']) t`,
      )
    ).rows;
    console.log(
      `tables (with their indexes): ${sizes.map((r) => `${r.t} ~${Number(r.n).toLocaleString('en')} rows, ${r.s}`).join('; ')}\n`,
    );

    const users: User[] = ['city_office', 'jk_admin'];
    const sessions = {} as Record<User, Session>;
    const actors = {} as Record<User, Actor>;
    for (const u of users) {
      sessions[u] = await login(server.base, u);
      actors[u] = await actorFor(raw, u);
    }
    const code = await serverCode(dbUrl);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const ctx: Ctx = { base: server.base, agent, sessions, actors, raw, server: code };
    const all = groups.has('projects') ? [...cases] : [];
    if (withReports && groups.has('reports')) {
      const one = (
        await raw.query<{ id: number }>(
          `select p.id from projects p join regions r on r.code = p.region_code
           where r.path like $1 and p.stage = 'building' order by p.id desc limit 1`,
          [`${actors.jk_admin.scopePath}%`],
        )
      ).rows[0]!.id;
      all.push(...reportCases, projectYearCase(one));
    }
    const results: Measured[] = [];
    console.log(
      `each query: ${warmupRuns} warm-up runs, then ${repeat} runs alternating API and raw SQL (one keep-alive connection; raw = the statements the server's code sends, same parameters, one after the other on one pg connection)`,
    );
    for (const c of all) results.push(await measureCase(c, ctx));
    agent.destroy();

    console.log(
      '\n' +
        table([
          ['query', 'matches', 'runs', 'API p50 ms', 'raw SQL p50 ms', 'target ms', 'verdict'],
          ...results.map((r) => [
            r.name,
            r.total === null ? '—' : r.total.toLocaleString('en'),
            String(r.runs),
            ms(r.apiP50),
            ms(r.rawP50),
            `≤ ${ms(r.limit)}`,
            r.pass ? 'PASS' : 'MISS',
          ]),
        ]),
    );
    console.log('\nraw SQL p50 per statement (ms), in the order the server sends them:');
    for (const r of results)
      console.log(
        `  ${r.name}: ${r.statements.map((s, j) => `${label(s)} ${ms(p50(r.statementMs[j]!))}`).join(' · ')}`,
      );
    const passed = results.filter((r) => r.pass).length;
    console.log(
      `\ntarget: API p50 ≤ ${TARGET_FACTOR} × raw SQL p50 + ${TARGET_SLACK_MS} ms — ${passed === results.length ? 'PASS' : 'MISS'} (${passed}/${results.length} queries)`,
    );

    // name search with and without the trigram index (migration 0008), on the
    // same connection: the index is dropped inside a transaction, rolled back
    const textCases = results.filter(
      (r) => 'q' in (all.find((c) => c.name === r.name)?.params ?? {}),
    );
    const trigram: Array<{ name: string; withIndex: number; without: number }> = [];
    const hasTrgm = (
      await raw.query(`select 1 from pg_indexes where indexname = 'projects_name_trgm_idx'`)
    ).rowCount;
    if (hasTrgm && textCases.length) {
      console.log('\nname search, raw SQL p50 with and without projects_name_trgm_idx:');
      for (const r of textCases) trigram.push({ name: r.name, withIndex: r.rawP50, without: 0 });
      await raw.query('BEGIN');
      try {
        await raw.query('DROP INDEX projects_name_trgm_idx');
        for (const [k, r] of textCases.entries())
          trigram[k]!.without = await retime(raw, r.statements, retimeRuns(r));
      } finally {
        await raw.query('ROLLBACK');
      }
      console.log(
        table([
          ['query', 'with (0008)', 'without'],
          ...trigram.map((t) => [t.name, ms(t.withIndex), ms(t.without)]),
        ]),
      );
    }

    // the slow ones: where their time goes
    const slow = results.filter((r) => r.rawP50 > SLOW_MS || !r.pass);
    const plans: Record<string, string[]> = {};
    for (const r of slow) {
      const j = r.statementMs.reduce(
        (best, xs, i) => (p50(xs) > p50(r.statementMs[best]!) ? i : best),
        0,
      );
      console.log(
        `\nEXPLAIN ANALYZE — ${r.name}, its slowest statement (${label(r.statements[j]!)}):`,
      );
      console.log(r.statements[j]!.sql.replace(/\s+/g, ' '));
      console.log(`parameters: ${JSON.stringify(r.statements[j]!.parameters)}`);
      const plan = await explain(raw, r.statements[j]!);
      plans[`${r.name} / ${label(r.statements[j]!)}`] = plan;
      console.log(plan.map((l) => `  ${l}`).join('\n'));
    }

    const whatIfResults: Array<{ name: string; before: number; after: number[] }> = slow.map(
      (r) => ({ name: r.name, before: r.rawP50, after: [] }),
    );
    const tried: typeof candidates = [];
    if (whatIf && slow.length) {
      console.log(
        "\nwhat-if: the slow queries' raw statements again after each candidate change, added cumulatively in a transaction that is rolled back:",
      );
      await raw.query('BEGIN');
      try {
        for (const cand of candidates) {
          const index = / INDEX (\w+) ON (\w+)/.exec(cand.sql);
          if (
            index &&
            (await raw.query(`select 1 from pg_indexes where indexname = $1`, [index[1]])).rowCount
          ) {
            console.log(`  ${cand.name} exists already: skipped`);
            continue;
          }
          tried.push(cand);
          const t0 = performance.now();
          await raw.query(cand.sql);
          if (index) await raw.query(`ANALYZE ${index[2]}`);
          console.log(
            `  ${cand.sql}; — ${((performance.now() - t0) / 1000).toFixed(1)} s (${cand.why})`,
          );
          for (const [k, r] of slow.entries())
            whatIfResults[k]!.after.push(await retime(raw, r.statements, retimeRuns(r)));
        }
        if (tried.length) {
          console.log(
            table([
              ['raw SQL p50 ms', 'before', ...tried.map((i) => `+ ${i.name}`)],
              ...whatIfResults.map((w) => [w.name, ms(w.before), ...w.after.map(ms)]),
            ]),
          );
          console.log('with all of them, the plans of the slow statements:');
          for (const r of slow) {
            const j = r.statementMs.reduce(
              (best, xs, i) => (p50(xs) > p50(r.statementMs[best]!) ? i : best),
              0,
            );
            const plan = await explain(raw, r.statements[j]!);
            plans[`${r.name} / ${label(r.statements[j]!)} / with the candidates`] = plan;
            console.log(`  ${r.name} (${label(r.statements[j]!)}):`);
            console.log(plan.map((l) => `    ${l}`).join('\n'));
          }
        }
      } finally {
        await raw.query('ROLLBACK');
      }
    }

    await code.close();
    await raw.end();
    await stopChild(server.proc.child);

    const file = saveResults('projects-list', {
      date: new Date().toISOString(),
      machine: machineLine(),
      postgres: serverVersion,
      projects,
      reports: withReports ? REPORT_MONTHS : [],
      tables: sizes,
      generateMs,
      repeat,
      warmupRuns,
      target: `API p50 <= ${TARGET_FACTOR} x raw p50 + ${TARGET_SLACK_MS} ms`,
      results: results.map((r) => ({
        name: r.name,
        user: r.user,
        url: r.url,
        matches: r.total,
        runs: r.runs,
        apiP50: r.apiP50,
        rawP50: r.rawP50,
        statements: r.statements.map((s, j) => ({ label: label(s), p50: p50(r.statementMs[j]!) })),
        limit: r.limit,
        pass: r.pass,
      })),
      trigram,
      plans,
      whatIf: { candidates: tried.map((i) => i.sql), results: whatIfResults },
    });
    console.log(`\nfigures saved to ${relative(repoRoot, file)}`);
  },
);
