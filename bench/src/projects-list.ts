// GET /api/projects on a large project library, against the very SQL the
// repository issues for it, run directly with pg in the same run.
//
//   npm run bench:projects -w bench
//   BENCH_PROJECTS=1000000   projects generated (deterministic; lower it for a quick check)
//   BENCH_REPEAT=30          measured runs per query and side, after BENCH_WARMUP_RUNS=3
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test  the PostgreSQL server;
//     a scratch database is created on it and dropped at the end
//   BENCH_WHATIF=off         skip re-timing the slow queries with the suggested indexes
import http from 'node:http';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as KyselyModule from 'kysely';
import type { Kysely, LogEvent } from 'kysely';
import type pgTypes from 'pg';
import {
  envNumber,
  importFromServer,
  machineLine,
  onCleanup,
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
  CREDIT_CODE,
  clusters,
  namePrefixes as prefixes,
  nameMids as mids,
  nameSuffixes as suffixes,
} from './lib/names';
import { connectClient, loadPg, scratchDatabase } from './lib/postgres';

const projects = Math.round(envNumber('BENCH_PROJECTS', 1_000_000));
const repeat = Math.round(envNumber('BENCH_REPEAT', 30));
const warmupRuns = Math.round(envNumber('BENCH_WARMUP_RUNS', 3));
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const whatIf = process.env.BENCH_WHATIF !== 'off';
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
const SEED = 20261122;
const BATCH = 100_000;
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

// ---------------------------------------------------------------- data

// Names are word + word + word + （n）; the initials come from pinyin-pro
// with the options of the server's nameInitials(), so "heysj" finds 海尔压缩机….
const leaders = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨帆', '赵磊', '黄敏'];

interface Pinyin {
  pinyin(text: string, opts: Record<string, unknown>): string[];
}

async function initialsOf(words: string[]): Promise<string[]> {
  const { module } = await importFromServer<Pinyin>('pinyin-pro');
  return words.map((w) =>
    module
      .pinyin(w, { pattern: 'first', toneType: 'none', type: 'array' })
      .join('')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, ''),
  );
}

/** a deterministic 31-bit hash of row i and salt k */
const h = (k: number) => `(hashint8extended(g.i * 16 + ${k}, ${SEED}) & 2147483647)`;

// stage shares (%) and level shares: building is the biggest group, as in real ledgers
const insertSql = `
insert into projects (name, name_initials, owner_name, owner_credit_code, region_code,
  industry_cluster, industry_code, level, content, total_investment, annual_plan, plan_year,
  stage, stage_changed_on, planned_start, planned_end, actual_start, actual_end, leader_name,
  contact_name, contact_phone, lng, lat, tags, created_at, updated_at)
select
  y.pw || y.mw || y.sw || '（' || y.i || '）',
  y.pi || y.mi || y.si || y.i,
  y.pw || '（郑州）' || y.mw || '有限公司',
  '${CREDIT_CODE}',
  case when ($11::int[])[y.k] = 0 or y.h1 % 2 = 0 then ($9::text[])[y.k]
       else ($12::text[])[($10::int[])[y.k] + (y.h2 % ($11::int[])[y.k])::int + 1] end,
  ($13::text[])[1 + y.h3 % cardinality($13::text[])],
  case when y.h4 % 10 < 7 then 'C' || (13 + y.h4 % 30) end,
  y.level,
  '建设' || y.mw || '生产线及配套设施',
  y.total,
  round(y.total * (0.1 + (y.h5 % 60) / 100.0), 2),
  2021 + (y.h6 % 6)::int,
  y.stage,
  y.start + (y.h7 % 400)::int,
  y.start,
  y.start + 180 + (y.h8 % 1500)::int,
  case when y.stage in ('building', 'completed', 'operating') then y.start + (y.h9 % 90)::int end,
  case when y.stage in ('completed', 'operating') then y.start + 180 + (y.h8 % 1500)::int end,
  case when y.h10 % 4 > 0 then ($14::text[])[1 + y.h10 % cardinality($14::text[])] end,
  case when y.h10 % 3 > 0 then ($14::text[])[1 + y.h11 % cardinality($14::text[])] end,
  case when y.h10 % 3 > 0 then '138' || lpad((y.h11 % 100000000)::text, 8, '0') end,
  round(113.4 + (y.h12 % 500000) / 1000000.0, 6),
  round(34.6 + (y.h13 % 300000) / 1000000.0, 6),
  case when y.h14 % 5 = 0 then '{三个一批}'::text[] else '{}'::text[] end,
  y.created,
  y.created + (y.h15 % 7776000) * interval '1 second'
from (
  select x.*,
    ($3::text[])[1 + x.h0 % cardinality($3::text[])] as pw,
    ($4::text[])[1 + x.h0 % cardinality($4::text[])] as pi,
    ($5::text[])[1 + (x.h0 / 64) % cardinality($5::text[])] as mw,
    ($6::text[])[1 + (x.h0 / 64) % cardinality($6::text[])] as mi,
    ($7::text[])[1 + (x.h0 / 4096) % cardinality($7::text[])] as sw,
    ($8::text[])[1 + (x.h0 / 4096) % cardinality($8::text[])] as si,
    (1 + (x.h1 / 2) % cardinality($9::text[]))::int as k,
    case when x.h3 / 32 % 100 < 15 then 'planned' when x.h3 / 32 % 100 < 25 then 'negotiating'
         when x.h3 / 32 % 100 < 40 then 'signed' when x.h3 / 32 % 100 < 55 then 'preparing'
         when x.h3 / 32 % 100 < 80 then 'building' when x.h3 / 32 % 100 < 90 then 'completed'
         else 'operating' end as stage,
    case when x.h4 / 32 % 100 < 10 then 'province' when x.h4 / 32 % 100 < 40 then 'city'
         else 'district' end as level,
    round((500 * power(10000, (x.h5 / 64 % 1000000) / 1000000.0))::numeric, 2) as total,
    date '2020-01-01' + (x.h7 / 512 % 2200)::int as start,
    timestamptz '2023-01-01 08:00+08' + (x.h15 / 64 % 94608000) * interval '1 second' as created
  from (
    select g.i, ${Array.from({ length: 16 }, (_, k) => `${h(k)} as h${k}`).join(', ')}
    from generate_series($1::bigint, $2::bigint) g(i)
    offset 0
  ) x
  offset 0
) y`;

async function generate(client: pgTypes.Client, n: number): Promise<void> {
  const regions = (
    await client.query<{ code: string; parent_code: string; level: string }>(
      `select code, parent_code, level from regions
       where official and level in ('district', 'street') order by code`,
    )
  ).rows;
  const districts = regions.filter((r) => r.level === 'district').map((r) => r.code);
  const streets: string[] = [];
  const streetStart: number[] = [];
  const streetCount: number[] = [];
  for (const d of districts) {
    const own = regions.filter((r) => r.level === 'street' && r.parent_code === d);
    streetStart.push(streets.length);
    streetCount.push(own.length);
    streets.push(...own.map((r) => r.code));
  }
  const params = [
    prefixes,
    await initialsOf(prefixes),
    mids,
    await initialsOf(mids),
    suffixes,
    await initialsOf(suffixes),
    districts,
    streetStart,
    streetCount,
    streets,
    clusters,
    leaders,
  ];
  console.log(
    `generating ${n.toLocaleString('en')} projects over ${districts.length} districts and ${streets.length} streets (half at district level, half on a street) …`,
  );
  const t0 = performance.now();
  for (let from = 1; from <= n; from += BATCH) {
    const to = Math.min(n, from + BATCH - 1);
    await client.query(insertSql, [from, to, ...params]);
    process.stdout.write(
      `\r  ${to.toLocaleString('en')} rows, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
  }
  // the steady state autovacuum would reach: visibility map set, statistics
  // on every table (regions too, which the scope subquery reads)
  process.stdout.write(' — VACUUM (ANALYZE) … ');
  const v0 = performance.now();
  await client.query('VACUUM (ANALYZE)');
  console.log(`${((performance.now() - v0) / 1000).toFixed(1)} s`);
}

// ---------------------------------------------------------------- queries

interface Case {
  name: string;
  user: 'city_office' | 'jk_admin';
  params: Record<string, string>;
  /** page 500, or the last page when the filtered set has fewer */
  deep?: boolean;
}

const cases: Case[] = [
  { name: 'city, all, updatedAt desc, p1', user: 'city_office', params: {} },
  { name: 'city, all, updatedAt desc, p500', user: 'city_office', params: { page: '500' } },
  {
    name: 'district, building+city, totalInvestment desc, p1',
    user: 'jk_admin',
    params: { stage: 'building', level: 'city', sort: 'totalInvestment', order: 'desc' },
  },
  {
    name: 'district, building+city, totalInvestment desc, deep',
    user: 'jk_admin',
    params: { stage: 'building', level: 'city', sort: 'totalInvestment', order: 'desc' },
    deep: true,
  },
  { name: 'city, q=海尔压缩机 (name contains)', user: 'city_office', params: { q: '海尔压缩机' } },
  { name: 'city, q=heysj (pinyin initials)', user: 'city_office', params: { q: 'heysj' } },
  { name: 'district, q=海尔 (name contains)', user: 'jk_admin', params: { q: '海尔' } },
];

interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

interface ListResult {
  total: number;
  items: Array<{ id: number }>;
}

type ListProjects = (
  db: unknown,
  scopePath: string,
  regionPath: string | undefined,
  q: unknown,
) => Promise<ListResult>;

/** the repository's own listProjects, on a Kysely that records what it sends */
async function repositoryStatements(dbUrl: string) {
  const { module: kysely } = await importFromServer<typeof KyselyModule>('kysely');
  const { pg } = await loadPg();
  const src = (p: string) => pathToFileURL(join(repoRoot, p)).href;
  const repo = (await import(src('apps/server/src/modules/projects/project.repository.ts'))) as {
    listProjects: ListProjects;
  };
  const contracts = (await import(src('packages/contracts/src/index.ts'))) as {
    projectListQuery: { parse(v: unknown): unknown };
  };
  const pool = new pg.Pool({ connectionString: dbUrl, max: 1 });
  pool.on('error', () => {});
  let captured: Statement[] = [];
  const db: Kysely<unknown> = new kysely.Kysely<unknown>({
    dialect: new kysely.PostgresDialect({ pool }),
    log: (e: LogEvent) => {
      if (e.level === 'query') captured.push({ sql: e.query.sql, parameters: e.query.parameters });
    },
  });
  let closed = false;
  const api = {
    async capture(scopePath: string, params: Record<string, string>) {
      captured = [];
      const result = await repo.listProjects(
        db,
        scopePath,
        undefined,
        contracts.projectListQuery.parse(params),
      );
      return { statements: captured, result };
    },
    close: async () => {
      if (!closed) await db.destroy();
      closed = true;
    },
  };
  onCleanup(() => api.close());
  return api;
}

const ms = (x: number) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));
const p50 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

interface Measured {
  name: string;
  user: string;
  query: string;
  total: number;
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

const statementNames = ['count + sums', 'id page', 'row fetch'];

async function measureCase(
  c: Case,
  ctx: {
    base: string;
    agent: http.Agent;
    sessions: Record<string, Session>;
    scopes: Record<string, string>;
    raw: pgTypes.Client;
    repo: Awaited<ReturnType<typeof repositoryStatements>>;
  },
): Promise<Measured> {
  const params = { ...c.params };
  const apiGet = async () => {
    const qs = new URLSearchParams(params).toString();
    const res = await request(`${ctx.base}/api/projects${qs ? `?${qs}` : ''}`, {
      headers: { cookie: ctx.sessions[c.user]!.cookie },
      agent: ctx.agent,
      timeoutMs: 120_000,
    });
    if (res.status !== 200) throw new Error(`GET /api/projects?${qs} → ${res.status}: ${res.body}`);
    return JSON.parse(res.body) as ListResult;
  };
  if (c.deep) {
    const first = await apiGet();
    params.page = String(Math.max(1, Math.min(500, Math.ceil(first.total / PAGE_SIZE))));
  }
  const { statements, result } = await ctx.repo.capture(ctx.scopes[c.user]!, params);
  // the API must answer with exactly what these statements return
  const check = await apiGet();
  if (
    check.total !== result.total ||
    check.items.map((i) => i.id).join() !== result.items.map((i) => i.id).join()
  )
    throw new Error(`${c.name}: the API and the repository's statements disagree`);

  const api = async () => {
    const t0 = performance.now();
    await apiGet();
    return performance.now() - t0;
  };
  const raw = async () => {
    const each: number[] = [];
    const t0 = performance.now();
    for (const s of statements) {
      const s0 = performance.now();
      await ctx.raw.query(s.sql, s.parameters as unknown[]);
      each.push(performance.now() - s0);
    }
    return { total: performance.now() - t0, each };
  };

  process.stdout.write(`${c.name}: `);
  for (let i = 0; i < warmupRuns; i++) {
    await api();
    await raw();
  }
  const apiMs: number[] = [];
  const rawMs: number[] = [];
  const statementMs: number[][] = statements.map(() => []);
  const t0 = performance.now();
  for (let i = 0; i < repeat; i++) {
    // interleaved, so both sides see the same cache and machine state
    apiMs.push(await api());
    const r = await raw();
    rawMs.push(r.total);
    r.each.forEach((x, j) => statementMs[j]!.push(x));
    if (performance.now() - t0 > CASE_BUDGET_MS && i + 1 >= MIN_RUNS) break;
  }
  const apiP50 = p50(apiMs);
  const rawP50 = p50(rawMs);
  const limit = TARGET_FACTOR * rawP50 + TARGET_SLACK_MS;
  console.log(
    `${apiMs.length} runs, API p50 ${ms(apiP50)} ms, raw SQL p50 ${ms(rawP50)} ms (total ${result.total.toLocaleString('en')})`,
  );
  return {
    name: c.name,
    user: c.user,
    query: new URLSearchParams(params).toString(),
    total: result.total,
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

/** the plan's lines with their timings, for the slow statements */
async function explain(raw: pgTypes.Client, s: Statement): Promise<string[]> {
  const res = await raw.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`,
    s.parameters as unknown[],
  );
  return res.rows.map((r) => r['QUERY PLAN']);
}

/**
 * Candidate indexes, added one after the other on the scratch database only
 * (the migrations are not touched), each followed by a re-timing of the slow
 * queries' raw statements, so each one's effect shows on its own.
 */
const candidateIndexes = [
  {
    name: 'projects_updated_nl_idx',
    why: 'ORDER BY updated_at DESC NULLS LAST, id DESC (the default sort) can walk it',
    sql: 'CREATE INDEX projects_updated_nl_idx ON projects (updated_at DESC NULLS LAST, id DESC)',
  },
  {
    name: 'projects_name_trgm_idx',
    why: "name ILIKE '%…%' (3+ characters) becomes a bitmap index scan",
    before: 'CREATE EXTENSION IF NOT EXISTS pg_trgm',
    sql: 'CREATE INDEX projects_name_trgm_idx ON projects USING gin (name gin_trgm_ops)',
  },
  {
    name: 'projects_scope_filter_idx',
    why: 'scope + stage/level filters and the sums as index-only scans',
    sql: 'CREATE INDEX projects_scope_filter_idx ON projects (region_code, stage, level) INCLUDE (total_investment, annual_plan, id)',
  },
];

await runBenchmark(
  'projects-list',
  START_TIMEOUT_MS + (projects / 1e6) * 900_000 + 1_500_000,
  async () => {
    prepareBuild();
    console.log(`xiangmu GET /api/projects benchmark — ${new Date().toISOString()}`);
    console.log(machineLine());
    console.log(await quietnessLine());
    const { pg, version: pgVersion } = await loadPg();
    const dbUrl = await scratchDatabase(adminUrl);
    const raw = await connectClient(pg, dbUrl);
    const serverVersion = (
      await raw.query<{ v: string }>(`select current_setting('server_version') as v`)
    ).rows[0]!.v;
    console.log(
      `PostgreSQL ${serverVersion} at ${new URL(adminUrl).host}, scratch database ${new URL(dbUrl).pathname.slice(1)}; pg ${pgVersion}`,
    );
    console.log(
      `API server: node scripts/start.mjs (as npm start), LOG_LEVEL=${logLevel}, DATABASE_URL=the scratch database`,
    );
    console.log(
      'not generated: the 12 M monthly reports of the issue’s benchmark — monthly reports do not exist yet\n',
    );

    process.stdout.write('starting the API server (migrations, regions, demo seed) … ');
    const server = await startApiServer(
      { DATABASE_URL: dbUrl, XIANGMU_DEMO_SEED: 'on' },
      { logLevel, timeoutMs: START_TIMEOUT_MS },
    );
    console.log('ready');

    const g0 = performance.now();
    await generate(raw, projects);
    const generateMs = performance.now() - g0;
    const count = Number(
      (await raw.query<{ n: string }>('select count(*) as n from projects')).rows[0]!.n,
    );
    const size = (
      await raw.query<{ s: string }>(
        `select pg_size_pretty(pg_total_relation_size('projects')) as s`,
      )
    ).rows[0]!.s;
    console.log(
      `projects table: ${count.toLocaleString('en')} rows (with the demo seed's), ${size} with its indexes\n`,
    );

    const sessions: Record<string, Session> = {
      city_office: await login(server.base, 'city_office'),
      jk_admin: await login(server.base, 'jk_admin'),
    };
    const scopes: Record<string, string> = {};
    for (const u of Object.keys(sessions))
      scopes[u] = (
        await raw.query<{ path: string }>(
          'select r.path from users u join regions r on r.code = u.region_code where u.username = $1',
          [u],
        )
      ).rows[0]!.path;

    const repo = await repositoryStatements(dbUrl);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const results: Measured[] = [];
    console.log(
      `each query: ${warmupRuns} warm-up runs, then ${repeat} runs alternating API and raw SQL (one keep-alive connection; raw = the repository's statements, same parameters, one pg connection)`,
    );
    for (const c of cases)
      results.push(await measureCase(c, { base: server.base, agent, sessions, scopes, raw, repo }));
    agent.destroy();

    console.log(
      '\n' +
        table([
          ['query', 'matches', 'runs', 'API p50 ms', 'raw SQL p50 ms', 'target ms', 'verdict'],
          ...results.map((r) => [
            r.name,
            r.total.toLocaleString('en'),
            String(r.runs),
            ms(r.apiP50),
            ms(r.rawP50),
            `≤ ${ms(r.limit)}`,
            r.pass ? 'PASS' : 'MISS',
          ]),
        ]),
    );
    console.log('\nraw SQL p50 per statement (ms):');
    console.log(
      table([
        ['query', ...statementNames],
        ...results.map((r) => [
          r.name,
          ...statementNames.map((_, j) => (r.statementMs[j] ? ms(p50(r.statementMs[j]!)) : '—')),
        ]),
      ]),
    );
    const passed = results.filter((r) => r.pass).length;
    console.log(
      `\ntarget: API p50 ≤ ${TARGET_FACTOR} × raw SQL p50 + ${TARGET_SLACK_MS} ms — ${passed === results.length ? 'PASS' : 'MISS'} (${passed}/${results.length} queries)`,
    );

    // the slow ones: where their time goes
    const slow = results.filter((r) => r.rawP50 > SLOW_MS || !r.pass);
    const plans: Record<string, string[]> = {};
    for (const r of slow) {
      const j = r.statementMs.reduce(
        (best, xs, i) => (p50(xs) > p50(r.statementMs[best]!) ? i : best),
        0,
      );
      console.log(`\nEXPLAIN ANALYZE — ${r.name}, its slowest statement (${statementNames[j]}):`);
      console.log(r.statements[j]!.sql.replace(/\s+/g, ' '));
      console.log(`parameters: ${JSON.stringify(r.statements[j]!.parameters)}`);
      const plan = await explain(raw, r.statements[j]!);
      plans[`${r.name} / ${statementNames[j]}`] = plan;
      console.log(plan.map((l) => `  ${l}`).join('\n'));
    }

    const whatIfResults: Array<{ name: string; before: number; after: number[] }> = slow.map(
      (r) => ({ name: r.name, before: r.rawP50, after: [] }),
    );
    if (whatIf && slow.length) {
      console.log(
        "\nwhat-if: the slow queries' raw statements again after each candidate index, added cumulatively (scratch database only):",
      );
      for (const idx of candidateIndexes) {
        if (idx.before) await raw.query(idx.before);
        const t0 = performance.now();
        await raw.query(idx.sql);
        await raw.query('ANALYZE projects');
        console.log(
          `  ${idx.sql}; — built in ${((performance.now() - t0) / 1000).toFixed(1)} s (${idx.why})`,
        );
        for (const [k, r] of slow.entries()) {
          const times: number[] = [];
          for (let i = 0; i < warmupRuns + Math.min(repeat, 10); i++) {
            const t1 = performance.now();
            for (const st of r.statements) await raw.query(st.sql, st.parameters as unknown[]);
            if (i >= warmupRuns) times.push(performance.now() - t1);
          }
          whatIfResults[k]!.after.push(p50(times));
        }
      }
      console.log(
        table([
          ['raw SQL p50 ms', 'before', ...candidateIndexes.map((i) => `+ ${i.name}`)],
          ...whatIfResults.map((w) => [w.name, ms(w.before), ...w.after.map(ms)]),
        ]),
      );
      console.log('with all of them, the scans each statement uses:');
      for (const r of slow) {
        const scans: string[] = [];
        for (const [j, st] of r.statements.entries()) {
          const plan = await raw.query<{ 'QUERY PLAN': string }>(
            `EXPLAIN (COSTS OFF) ${st.sql}`,
            st.parameters as unknown[],
          );
          const used = new Set<string>();
          for (const { 'QUERY PLAN': line } of plan.rows) {
            const bitmap = /Bitmap Index Scan on (projects_\w+)/.exec(line);
            const scan =
              /(Seq Scan|Index Only Scan|Index Scan)(?: Backward)? (?:using (\w+) )?on projects\b/.exec(
                line,
              );
            if (bitmap) used.add(`Bitmap Index Scan ${bitmap[1]}`);
            else if (scan) used.add(scan[2] ? `${scan[1]} ${scan[2]}` : scan[1]!);
          }
          scans.push(`${statementNames[j]}: ${[...used].join(' + ') || '—'}`);
        }
        console.log(`  ${r.name} — ${scans.join('; ')}`);
      }
    }

    await repo.close();
    await raw.end();
    await stopChild(server.proc.child);

    const file = saveResults('projects-list', {
      date: new Date().toISOString(),
      machine: machineLine(),
      postgres: serverVersion,
      projects,
      rowsInTable: count,
      tableSize: size,
      generateMs,
      repeat,
      warmupRuns,
      target: `API p50 <= ${TARGET_FACTOR} x raw p50 + ${TARGET_SLACK_MS} ms`,
      results: results.map((r) => ({
        name: r.name,
        user: r.user,
        query: r.query,
        matches: r.total,
        runs: r.runs,
        apiP50: r.apiP50,
        rawP50: r.rawP50,
        statementP50: r.statementMs.map(p50),
        limit: r.limit,
        pass: r.pass,
      })),
      plans,
      whatIf: { indexes: candidateIndexes.map((i) => i.sql), results: whatIfResults },
    });
    console.log(`\nfigures saved to ${relative(repoRoot, file)}`);
  },
);
