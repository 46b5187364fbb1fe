// The closed-loop ticket engine (issue 5) at scale on PostgreSQL: a million
// tickets with their history (about 6 M ticket_events), in a kept database.
// 1. the queue (我的待办: todo, overdue, all), the ledger (page 1, with and
//    without a status filter) and the statistics, for five real callers (a
//    unit officer of the busiest department, the admin of the biggest
//    district, the city admin, an enterprise user, a grid worker): each API
//    p50 next to the SQL the server's own code sends for it (captured on a
//    logging Kysely, replayed on a raw pg connection), in the same run;
// 2. the escalation job (escalateOverdueTickets) over 100 000 due tickets,
//    in tickets/s, and the reminder job (remindDueTickets) over 100 000 due
//    reminders, each checked exactly-once afterwards. Both run on a copy of
//    the kept database (CREATE DATABASE … TEMPLATE), dropped at the end, so
//    the kept data stays as generated.
//
//   npm run bench:tickets -w bench       (about 15 minutes; generating the data adds about 3)
//   BENCH_DATABASE_NAME=xm_bench_tickets  the kept database (generated when missing)
//   BENCH_REGENERATE=1       drop it and generate again
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres  its server
//   BENCH_TICKETS=1000000    tickets generated (deterministic for one generation time)
//   BENCH_REPEAT=20          measured runs per query and side, after BENCH_WARMUP_RUNS=3
//   BENCH_ESCALATIONS=100000 due tickets for the escalation job; BENCH_JOBS=off skips step 2
//   BENCH_REMINDERS=100000   due reminders for the reminder job
import http from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { relative } from 'node:path';
import type * as KyselyModule from 'kysely';
import type { Kysely, LogEvent } from 'kysely';
import type pgTypes from 'pg';
import {
  bundleCommand,
  envNumber,
  importFromServer,
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
import { generateProjects, withIndexesRebuilt, withoutForeignKeyChecks } from './lib/big-data';
import { connectClient, loadPg, runOnce, type Pg } from './lib/postgres';
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
import { SHAPE, TICKET_SEED, generateTicketData } from './lib/ticket-data';

const ticketsWanted = Math.round(envNumber('BENCH_TICKETS', 1_000_000));
const repeat = Math.round(envNumber('BENCH_REPEAT', 20));
const warmupRuns = Math.round(envNumber('BENCH_WARMUP_RUNS', 3));
const escalations = Math.round(envNumber('BENCH_ESCALATIONS', 100_000));
const reminders = Math.round(envNumber('BENCH_REMINDERS', 100_000));
const withJobs = process.env.BENCH_JOBS !== 'off';
const regenerate = process.env.BENCH_REGENERATE === '1';
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = process.env.BENCH_DATABASE_NAME ?? 'xm_bench_tickets';
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
/** API p50 ≤ 2 × raw p50 + 5 ms */
const TARGET_FACTOR = 2;
const TARGET_SLACK_MS = 5;
/** a query's own budget: after it, no more runs (at least MIN_RUNS) */
const CASE_BUDGET_MS = 90_000;
const MIN_RUNS = 5;
/** a raw p50 above this gets an EXPLAIN ANALYZE of its slowest statement */
const SLOW_MS = 100;
const START_TIMEOUT_MS = 180_000;

// ---------------------------------------------------------------- the kept database

const markerRe = /^xiangmu bench tickets: tickets=(\d+) seed=(\d+) t0=(\S+)$/;

/**
 * The kept database: reused when its comment says its data is complete for
 * BENCH_TICKETS; created (and generated) when missing or BENCH_REGENERATE=1;
 * refused otherwise (a run that stopped half way, or someone else's database).
 */
async function keptDatabase(pg: Pg): Promise<{ url: string; t0: Date | null }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(dbName))
    throw new Error(`BENCH_DATABASE_NAME must be a plain lower-case name, got "${dbName}"`);
  if (['test', 'postgres', new URL(adminUrl).pathname.slice(1)].includes(dbName))
    throw new Error(`BENCH_DATABASE_NAME must not be "test", "postgres" or BENCH_DATABASE_URL's`);
  const admin = await connectClient(pg, adminUrl);
  const found = await admin.query<{ comment: string | null }>(
    `select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1`,
    [dbName],
  );
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const comment = found.rows[0]?.comment ?? '';
  const m = markerRe.exec(comment);
  if (found.rows.length && !regenerate) {
    if (m && Number(m[1]) === ticketsWanted && Number(m[2]) === TICKET_SEED)
      return { url: url.toString(), t0: new Date(m[3]!) };
    throw new Error(
      `database ${dbName} exists but holds ${comment ? `"${comment}"` : 'no complete ticket data'}; run with BENCH_REGENERATE=1 to generate it again, or choose another BENCH_DATABASE_NAME`,
    );
  }
  if (found.rows.length) {
    console.log(`BENCH_REGENERATE=1: dropping ${dbName}`);
    await runOnce(pg, adminUrl, `DROP DATABASE "${dbName}" WITH (FORCE)`);
  }
  await runOnce(pg, adminUrl, `CREATE DATABASE "${dbName}"`);
  return { url: url.toString(), t0: null };
}

/** generates everything after the server migrated and seeded the database */
async function generate(raw: pgTypes.Client) {
  const t0 = new Date(Math.floor(Date.now() / 1000) * 1000);
  const hash = (
    await raw.query<{ h: string }>(
      `select password_hash as h from users where username = 'jk_admin'`,
    )
  ).rows[0]?.h;
  if (!hash) throw new Error('the demo seed did not create jk_admin');
  console.log(`generating the ticket data (T0 = ${t0.toISOString()}):`);
  const g0 = performance.now();
  const summary = await generateTicketData(raw, {
    tickets: ticketsWanted,
    t0,
    passwordHash: hash,
    generateProjects: async () => {
      await generateProjects(raw, SHAPE.projects);
    },
    bulk: (load) =>
      withIndexesRebuilt(raw, ['tickets', 'ticket_events', 'ticket_co_handlers'], () =>
        withoutForeignKeyChecks(raw, load),
      ),
  });
  process.stdout.write('  VACUUM (ANALYZE) … ');
  const v0 = performance.now();
  await raw.query('VACUUM (ANALYZE)');
  console.log(`${((performance.now() - v0) / 1000).toFixed(1)} s`);
  const generateMs = performance.now() - g0;
  await raw.query(
    `COMMENT ON DATABASE "${dbName}" IS 'xiangmu bench tickets: tickets=${ticketsWanted} seed=${TICKET_SEED} t0=${t0.toISOString()}'`,
  );
  console.log(`generated in ${(generateMs / 1000).toFixed(0)} s`);
  return { t0, generateMs, summary };
}

/** what the data looks like: sizes, the status mix, overdue and escalated shares */
async function describeData(raw: pgTypes.Client) {
  const sizes = (
    await raw.query<{ t: string; n: string; s: string }>(
      `select t, (select reltuples::bigint from pg_class where relname = t)::text as n,
              pg_size_pretty(pg_total_relation_size(t::regclass)) as s
       from unnest(array['tickets', 'ticket_events', 'ticket_co_handlers', 'enterprises', 'users']) t`,
    )
  ).rows;
  const mix = (
    await raw.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from tickets group by 1 order by 2 desc`,
    )
  ).rows;
  const facts = (
    await raw.query<Record<string, number>>(
      `select count(*)::int as tickets,
              count(*) filter (where closed_at is null and due_at < now())::int as overdue_open,
              count(*) filter (where closed_on_time = false)::int as closed_late,
              count(*) filter (where escalations > 0)::int as escalated,
              count(*) filter (where closed_at is null and level = 'city')::int as open_at_city,
              count(*) filter (where closed_at is null and next_escalation_at > now())::int as open_escalating,
              count(*) filter (where rating is not null)::int as rated
       from tickets`,
    )
  ).rows[0]!;
  const events = (await raw.query<{ n: number }>(`select count(*)::int as n from ticket_events`))
    .rows[0]!.n;
  return { sizes, mix, facts, events };
}

// ---------------------------------------------------------------- callers and cases

interface Code {
  service: {
    ticketQueue(db: unknown, actor: Actor, q: unknown): Promise<unknown>;
    listTickets(db: unknown, actor: Actor, q: unknown): Promise<unknown>;
  };
  stats: { ticketStats(db: unknown, actor: Actor, q: unknown): Promise<unknown> };
  jobs: {
    escalateOverdueTickets(db: unknown, opts: { now: Date }): Promise<number>;
    remindDueTickets(db: unknown, now: Date): Promise<number>;
  };
  contracts: Record<
    | 'ticketQueueQuery'
    | 'ticketListQuery'
    | 'ticketStatsQuery'
    | 'ticketQueueResponse'
    | 'ticketListResponse'
    | 'ticketStatsResponse',
    { parse(v: unknown): unknown }
  >;
}

const loadCode = async (): Promise<Code> => ({
  service: await importRepo('apps/server/src/modules/tickets/ticket.service.ts'),
  stats: await importRepo('apps/server/src/modules/tickets/ticket.stats.ts'),
  jobs: await importRepo('apps/server/src/modules/tickets/ticket.jobs.ts'),
  contracts: await importRepo('packages/contracts/src/index.ts'),
});

type CallerKey = 'unit' | 'district' | 'city' | 'enterprise' | 'grid';

interface Caller {
  key: CallerKey;
  label: string;
  username: string;
}

/** the five callers, chosen on the data: the busiest of each kind */
async function chooseCallers(raw: pgTypes.Client): Promise<Caller[]> {
  const one = async (sql: string) => {
    const r = (await raw.query<{ v: string; n: number }>(sql)).rows[0];
    if (!r) throw new Error(`no caller for: ${sql}`);
    return r;
  };
  const unit = await one(
    `select t.department_id::text as v, count(*)::int as n from tickets t
     where t.closed_at is null and t.department_id is not null
     group by 1 order by 2 desc, 1 limit 1`,
  );
  const district = await one(
    `select split_part(region_path, '/', 2) as v, count(*)::int as n from tickets
     where split_part(region_path, '/', 2) <> '' group by 1 order by 2 desc, 1 limit 1`,
  );
  const ent = await one(
    `select u.username as v, count(*)::int as n from users u
     join enterprises e on e.credit_code = u.credit_code join tickets t on t.enterprise_id = e.id
     where u.username like 'tb\\_ent\\_%' group by 1 order by 2 desc, 1 limit 1`,
  );
  const grid = await one(
    `select region_code as v, count(*)::int as n from tickets where source = 'grid'
     group by 1 order by 2 desc, 1 limit 1`,
  );
  const names = new Map(
    (
      await raw.query<{ username: string; display_name: string }>(
        `select username, display_name from users where username = any($1)`,
        [[`tb_unit_${unit.v}`, `tb_admin_${district.v}`, ent.v, `tb_grid_${grid.v}`]],
      )
    ).rows.map((r) => [r.username, r.display_name]),
  );
  const label = (u: string, what: string) => `${names.get(u) ?? u} (${what})`;
  return [
    {
      key: 'unit',
      username: `tb_unit_${unit.v}`,
      label: label(`tb_unit_${unit.v}`, `${unit.n} open tickets of his unit`),
    },
    {
      key: 'district',
      username: `tb_admin_${district.v}`,
      label: label(`tb_admin_${district.v}`, `${district.n} tickets in the district`),
    },
    { key: 'city', username: 'tb_city', label: 'tb_city (the whole city)' },
    { key: 'enterprise', username: ent.v, label: label(ent.v, `${ent.n} tickets of his company`) },
    {
      key: 'grid',
      username: `tb_grid_${grid.v}`,
      label: label(`tb_grid_${grid.v}`, `${grid.n} grid events on his street`),
    },
  ];
}

type Schema = 'ticketQueueResponse' | 'ticketListResponse' | 'ticketStatsResponse';

interface Case {
  name: string;
  caller: CallerKey;
  path: string;
  params: Record<string, string>;
  schema: Schema;
  run(code: Code, db: Kysely<unknown>, actor: Actor): Promise<unknown>;
}

const queueCase = (caller: CallerKey, tab: string): Case => ({
  name: `queue ${tab}`,
  caller,
  path: '/api/tickets/queue',
  params: { tab },
  schema: 'ticketQueueResponse',
  run: (c, db, a) => c.service.ticketQueue(db, a, c.contracts.ticketQueueQuery.parse({ tab })),
});
const listCase = (caller: CallerKey, params: Record<string, string>): Case => ({
  name: `ledger page 1${params.status ? ` status=${params.status}` : ''}`,
  caller,
  path: '/api/tickets',
  params,
  schema: 'ticketListResponse',
  run: (c, db, a) => c.service.listTickets(db, a, c.contracts.ticketListQuery.parse(params)),
});
const statsCase = (caller: CallerKey, params: Record<string, string>, what: string): Case => ({
  name: `stats${what}`,
  caller,
  path: '/api/tickets/stats',
  params,
  schema: 'ticketStatsResponse',
  run: (c, db, a) => c.stats.ticketStats(db, a, c.contracts.ticketStatsQuery.parse(params)),
});

/** Beijing dates of the 30 days up to T0, for the stats of a period */
function lastMonth(t0: Date) {
  const day = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  return { from: day(new Date(t0.getTime() - 29 * 86_400_000)), to: day(t0) };
}

function casesFor(t0: Date): Case[] {
  const cases: Case[] = [];
  for (const caller of ['unit', 'district', 'city', 'enterprise', 'grid'] as const) {
    for (const tab of ['todo', 'overdue', 'all']) cases.push(queueCase(caller, tab));
    cases.push(listCase(caller, {}), listCase(caller, { status: 'overdue' }));
    if (caller === 'district' || caller === 'city') {
      cases.push(statsCase(caller, {}, ', all 12 months'));
      cases.push(statsCase(caller, lastMonth(t0), ', last 30 days'));
    }
  }
  return cases;
}

/** a short name for a statement, for the per-statement figures */
function label(s: Statement): string {
  const t = s.sql.replace(/\s+/g, ' ');
  if (/from "users"/.test(t) && /credit_code/.test(t)) return 'viewer';
  if (/from "regions"/.test(t) && !/from "tickets"/.test(t)) return 'region';
  if (/from "ticket_co_handlers"/.test(t) && !/from "tickets"/.test(t)) return 'co-handlers';
  if (/inner join "ticket_categories"/.test(t)) return 'page';
  if (/from "departments"/.test(t) && !/from "tickets"/.test(t)) return 'unit names';
  if (/group by "tickets"\."department_id", "tickets"\."resolved_level"/.test(t)) return 'groups';
  if (/from "tickets"/.test(t)) return 'counts';
  return t.slice(0, 20);
}

// ---------------------------------------------------------------- measuring

interface Measured {
  name: string;
  caller: CallerKey;
  url: string;
  statements: Statement[];
  statementMs: number[][];
  runs: number;
  total: number;
  apiP50: number;
  rawP50: number;
  limit: number;
  pass: boolean;
}

interface Ctx {
  base: string;
  agent: http.Agent;
  sessions: Record<CallerKey, Session>;
  actors: Record<CallerKey, Actor>;
  raw: pgTypes.Client;
  code: Code;
  capturing: Awaited<ReturnType<typeof capturingDb>>;
}

const json = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;

/**
 * What the raw replay itself returns, compared with the API's answer: the
 * page statement's ticket ids (queue and ledger), or the stats' totals row
 * and unit count.
 */
async function checkReplay(ctx: Ctx, c: Case, statements: Statement[], api: unknown) {
  const rowsOf = async (s: Statement) =>
    (await ctx.raw.query<Record<string, unknown>>(s.sql, s.parameters as unknown[])).rows;
  if (c.schema === 'ticketStatsResponse') {
    const a = api as { totals: { received: number }; units: unknown[] };
    // one grouped statement: a row per (unit, resolved level)
    const groups = statements.find((s) => label(s) === 'groups');
    if (!groups) throw new Error(`${c.name}: no grouped statement captured`);
    const rows = await rowsOf(groups);
    const received = rows.reduce((n, r) => n + Number(r.received), 0);
    const units = new Set(rows.map((r) => r.department_id).filter((d) => d !== null)).size;
    if (received !== a.totals.received || units !== a.units.length)
      throw new Error(`${c.name}: the replayed SQL and the API disagree on the totals or units`);
    return;
  }
  const page = statements.find((s) => label(s) === 'page');
  if (!page) throw new Error(`${c.name}: no page statement captured`);
  const ids = (await rowsOf(page)).map((r) => Number(r.id));
  const apiIds = (api as { items: Array<{ id: number }> }).items.map((i) => i.id);
  if (!isDeepStrictEqual(ids, apiIds))
    throw new Error(`${c.name}: the replayed page returns other tickets than the API`);
}

async function measureCase(c: Case, ctx: Ctx): Promise<Measured> {
  const qs = new URLSearchParams(c.params).toString();
  const url = `${c.path}${qs ? `?${qs}` : ''}`;
  const apiGet = async () => {
    const res = await request(`${ctx.base}${url}`, {
      headers: { cookie: ctx.sessions[c.caller].cookie },
      agent: ctx.agent,
      timeoutMs: 120_000,
    });
    if (res.status !== 200) throw new Error(`GET ${url} → ${res.status}: ${res.body}`);
    return JSON.parse(res.body) as unknown;
  };
  const schema = ctx.code.contracts[c.schema];
  // the code and the API read "now" a few ms apart: a ticket crossing its due
  // time in between changes a count, so a disagreement is retried twice
  let statements: Statement[] = [];
  let api: unknown;
  for (let attempt = 1; ; attempt++) {
    const captured = await ctx.capturing.capture((db) => c.run(ctx.code, db, ctx.actors[c.caller]));
    statements = captured.statements;
    api = schema.parse(await apiGet());
    if (isDeepStrictEqual(api, schema.parse(json(captured.result)))) break;
    if (attempt === 3)
      throw new Error(`${c.name} (${c.caller}): the API and the server code's statements disagree`);
  }
  await checkReplay(ctx, c, statements, api);
  const total =
    (api as { total?: number; totals?: { received: number } }).total ??
    (api as { totals: { received: number } }).totals.received;

  const apiRun = async () => {
    const t0 = performance.now();
    await apiGet();
    return performance.now() - t0;
  };
  for (let i = 0; i < warmupRuns; i++) {
    await apiRun();
    await runStatements(ctx.raw, statements);
  }
  const apiMs: number[] = [];
  const rawMs: number[] = [];
  const statementMs: number[][] = statements.map(() => []);
  const t0 = performance.now();
  for (let i = 0; i < repeat; i++) {
    // interleaved, so both sides see the same cache and machine state
    apiMs.push(await apiRun());
    const r = await runStatements(ctx.raw, statements);
    rawMs.push(r.total);
    r.each.forEach((x, j) => statementMs[j]!.push(x));
    if (performance.now() - t0 > CASE_BUDGET_MS && i + 1 >= MIN_RUNS) break;
  }
  const apiP50 = p50(apiMs);
  const rawP50 = p50(rawMs);
  const limit = TARGET_FACTOR * rawP50 + TARGET_SLACK_MS;
  const m: Measured = {
    name: c.name,
    caller: c.caller,
    url,
    statements,
    statementMs,
    runs: apiMs.length,
    total,
    apiP50,
    rawP50,
    limit,
    pass: apiP50 <= limit,
  };
  console.log(
    `  ${c.caller.padEnd(10)} ${c.name.padEnd(30)} ${String(statements.length).padStart(2)} statements, ${m.runs} runs: API ${ms(apiP50)} ms, raw ${ms(rawP50)} ms → ${m.pass ? 'PASS' : 'MISS'}`,
  );
  return m;
}

async function explain(raw: pgTypes.Client, s: Statement) {
  const r = await raw.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`,
    s.parameters as unknown[],
  );
  return r.rows.map((x) => x['QUERY PLAN']);
}

// ---------------------------------------------------------------- the jobs, on a copy

/** a Kysely on one connection that adds up the time of each kind of statement */
async function timedDb(url: string) {
  const { module: kysely } = await importFromServer<typeof KyselyModule>('kysely');
  const { pg } = await loadPg();
  await importRepo('apps/server/src/platform/database/db.ts'); // the server's type parsers
  const pool = new pg.Pool({ connectionString: url, max: 1, options: '-c jit=off' });
  pool.on('error', () => {});
  const byKind = new Map<string, { n: number; ms: number }>();
  const kindOf = (sql: string) => {
    const t = sql.replace(/\s+/g, ' ').trim().toLowerCase();
    const m = /^(select|update|insert into|delete from) "?([a-z_]+)"?/.exec(t);
    if (m) return `${m[1]!.split(' ')[0]} ${m[2]}`;
    return t.split(' ')[0]!;
  };
  const db: Kysely<unknown> = new kysely.Kysely<unknown>({
    dialect: new kysely.PostgresDialect({ pool }),
    log: (e: LogEvent) => {
      const k = kindOf(e.query.sql);
      const v = byKind.get(k) ?? { n: 0, ms: 0 };
      v.n++;
      v.ms += e.queryDurationMillis;
      byKind.set(k, v);
    },
  });
  onCleanup(() => db.destroy().catch(() => {}));
  return {
    db,
    /** the statement kinds since the last call */
    take() {
      const out = [...byKind.entries()].map(([kind, v]) => ({ kind, ...v }));
      byKind.clear();
      return out.sort((a, b) => b.ms - a.ms);
    },
    close: () => db.destroy(),
  };
}

interface JobFigures {
  name: string;
  due: number;
  drifted: number;
  fromTop: number;
  done: number;
  ms: number;
  perSecond: number;
  kinds: Array<{ kind: string; n: number; ms: number }>;
  exactlyOnce: boolean;
  checks: Record<string, number>;
  secondRun: number;
  batchPlan?: string[];
}

/**
 * Marks `n` open tickets due for escalation at `now` (those already due after
 * the data aged first, then open tickets below the top, then, if too few,
 * tickets at the city whose last escalation is undone), times the job, and
 * checks every one was escalated exactly once.
 */
async function escalationJob(raw: pgTypes.Client, code: Code, url: string, n: number) {
  const now = new Date();
  const drifted = (
    await raw.query<{ n: number }>(
      `select count(*)::int as n from tickets where next_escalation_at <= $1`,
      [now],
    )
  ).rows[0]!.n;
  const marked = await raw.query<{ top: boolean }>(
    `with cand as (
       select id, level = 'city' as top from tickets
       where closed_at is null and (next_escalation_at > $1 or (level = 'city' and escalations > 0))
       order by level = 'city', hashint8extended(id, 7) limit $2)
     update tickets t set
       level = case when c.top then 'district' else t.level end,
       escalations = case when c.top then t.escalations - 1 else t.escalations end,
       next_escalation_at = $1::timestamptz - (1 + t.id % 1440) * interval '1 minute'
     from cand c where t.id = c.id
     returning c.top`,
    [now, Math.max(0, n - drifted)],
  );
  const fromTop = marked.rows.filter((r) => r.top).length;
  await raw.query(`create table bench_due as
                   select id, level, escalations, version from tickets where next_escalation_at <= $1`, [now]); // prettier-ignore
  await raw.query('analyze tickets');
  const due = (await raw.query<{ n: number }>(`select count(*)::int as n from bench_due`)).rows[0]!
    .n;
  const before = (
    await raw.query<{ e: number; a: number }>(
      `select (select coalesce(max(id), 0) from ticket_events)::int as e,
              (select coalesce(max(id), 0) from audit_log)::int as a`,
    )
  ).rows[0]!;
  // the job's batch query (500 by id among the due ones), as it runs first
  const batchPlan = (
    await raw.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) select id, version, level, next_escalation_at, limit_value, limit_unit, status, region_code
       from tickets where next_escalation_at <= $1 and id > 0 order by id limit 500`,
      [now],
    )
  ).rows.map((r) => r['QUERY PLAN']);
  const timed = await timedDb(url);
  process.stdout.write(`escalateOverdueTickets over ${due.toLocaleString('en')} due tickets … `);
  const t0 = performance.now();
  const done = await code.jobs.escalateOverdueTickets(timed.db, { now });
  const elapsed = performance.now() - t0;
  const kinds = timed.take();
  console.log(`${done.toLocaleString('en')} escalated in ${(elapsed / 1000).toFixed(1)} s`);
  const secondRun = await code.jobs.escalateOverdueTickets(timed.db, { now });
  await timed.close();
  const checks = (
    await raw.query<Record<string, number>>(
      `select
         (select count(*) from bench_due b join tickets t using (id)
          where t.escalations = b.escalations + 1 and t.version = b.version + 1
            and t.level = case b.level when 'grid' then 'street' when 'street' then 'district' else 'city' end
            and (t.next_escalation_at is null) = (t.level = 'city'))::int as escalated_once,
         (select count(*) from ticket_events where id > $1 and kind = 'escalate')::int as events,
         (select count(distinct ticket_id) from ticket_events where id > $1 and kind = 'escalate')::int as tickets_with_event,
         (select count(*) from ticket_events e where e.id > $1 and not exists (select 1 from bench_due b where b.id = e.ticket_id))::int as events_elsewhere,
         (select count(*) from audit_log where id > $2 and action = 'ticket.escalated')::int as audit_rows,
         (select count(*) from tickets where next_escalation_at <= $3)::int as still_due`,
      [before.e, before.a, now],
    )
  ).rows[0]!;
  const exactlyOnce =
    done === due &&
    checks.escalated_once === due &&
    checks.events === due &&
    checks.tickets_with_event === due &&
    checks.events_elsewhere === 0 &&
    checks.audit_rows === due &&
    checks.still_due === 0 &&
    secondRun === 0;
  const f: JobFigures = {
    name: 'escalateOverdueTickets',
    due,
    drifted,
    fromTop,
    done,
    ms: elapsed,
    perSecond: (done / elapsed) * 1000,
    kinds,
    exactlyOnce,
    checks,
    secondRun,
    batchPlan,
  };
  return f;
}

/** Marks `n` open tickets' reminders due at `now` (those already due first), times the job, checks. */
async function reminderJob(raw: pgTypes.Client, code: Code, url: string, n: number) {
  const now = new Date();
  const dueNow = `remind_at <= $1 and reminded_at is null and closed_at is null`;
  const drifted = (
    await raw.query<{ n: number }>(`select count(*)::int as n from tickets where ${dueNow}`, [now])
  ).rows[0]!.n;
  await raw.query(
    `with cand as (
       select id from tickets where closed_at is null and not (remind_at <= $1 and reminded_at is null)
       order by hashint8extended(id, 11) limit $2)
     update tickets t set remind_at = $1::timestamptz - (1 + t.id % 600) * interval '1 minute', reminded_at = null
     from cand c where t.id = c.id`,
    [now, Math.max(0, n - drifted)],
  );
  await raw.query(`create table bench_remind as select id from tickets where ${dueNow}`, [now]);
  await raw.query('analyze tickets');
  const due = (await raw.query<{ n: number }>(`select count(*)::int as n from bench_remind`))
    .rows[0]!.n;
  const before = (
    await raw.query<{ e: number }>(`select coalesce(max(id), 0)::int as e from ticket_events`)
  ).rows[0]!.e;
  const timed = await timedDb(url);
  process.stdout.write(`remindDueTickets over ${due.toLocaleString('en')} due reminders … `);
  const t0 = performance.now();
  const done = await code.jobs.remindDueTickets(timed.db, now);
  const elapsed = performance.now() - t0;
  const kinds = timed.take();
  console.log(`${done.toLocaleString('en')} reminded in ${(elapsed / 1000).toFixed(1)} s`);
  const secondRun = await code.jobs.remindDueTickets(timed.db, now);
  await timed.close();
  const checks = (
    await raw.query<Record<string, number>>(
      `select
         (select count(*) from bench_remind b join tickets t using (id) where t.reminded_at = $2)::int as reminded,
         (select count(*) from ticket_events where id > $1 and kind = 'remind')::int as events,
         (select count(distinct ticket_id) from ticket_events where id > $1 and kind = 'remind')::int as tickets_with_event,
         (select count(*) from ticket_events e where e.id > $1 and not exists (select 1 from bench_remind b where b.id = e.ticket_id))::int as events_elsewhere`,
      [before, now],
    )
  ).rows[0]!;
  const exactlyOnce =
    done === due &&
    checks.reminded === due &&
    checks.events === due &&
    checks.tickets_with_event === due &&
    checks.events_elsewhere === 0 &&
    secondRun === 0;
  const f: JobFigures = {
    name: 'remindDueTickets',
    due,
    drifted,
    fromTop: 0,
    done,
    ms: elapsed,
    perSecond: (done / elapsed) * 1000,
    kinds,
    exactlyOnce,
    checks,
    secondRun,
  };
  return f;
}

// ---------------------------------------------------------------- run

await runBenchmark('tickets', 90 * 60_000, async () => {
  console.log(`xiangmu ticket engine benchmark (issue 5) — ${new Date().toISOString()}`);
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
    `PostgreSQL ${serverVersion} at ${new URL(adminUrl).host}, kept database ${dbName}${kept.t0 ? ` (data of ${kept.t0.toISOString()}: reused)` : ' (new)'}; pg ${pgVersion}`,
  );
  console.log(
    `API server: node apps/server/dist/api.mjs (rebuilt; web UI ${webReused ? `reused from ${relative(repoRoot, webDist)}` : 'built'}), LOG_LEVEL=${logLevel}, XIANGMU_WORKER=off\n`,
  );

  process.stdout.write('starting the API server (migrations, regions, demo seed) … ');
  // the worker is off: its deadline job would escalate and remind the kept data
  let server = await startApiServer(
    {
      DATABASE_URL: dbUrl,
      XIANGMU_DEMO_SEED: 'on',
      XIANGMU_WORKER: 'off',
      XIANGMU_WEB_DIST: webDist,
    },
    { logLevel, timeoutMs: START_TIMEOUT_MS, command: bundleCommand },
  );
  console.log('ready');
  let generated: Awaited<ReturnType<typeof generate>> | null = null;
  if (!kept.t0) {
    generated = await generate(raw);
    // a fresh start, so nothing the server cached predates the data
    await stopChild(server.proc.child);
    server = await startApiServer(
      {
        DATABASE_URL: dbUrl,
        XIANGMU_DEMO_SEED: 'on',
        XIANGMU_WORKER: 'off',
        XIANGMU_WEB_DIST: webDist,
      },
      { logLevel, timeoutMs: START_TIMEOUT_MS, command: bundleCommand },
    );
  }
  const t0 = kept.t0 ?? generated!.t0;
  const data = await describeData(raw);
  console.log(
    `\ndata (T0 ${t0.toISOString()}, now ${((Date.now() - t0.getTime()) / 3_600_000).toFixed(1)} h later): ${data.sizes.map((r) => `${r.t} ~${Number(r.n).toLocaleString('en')} rows, ${r.s}`).join('; ')}`,
  );
  console.log(
    `  ${data.facts.tickets!.toLocaleString('en')} tickets, ${data.events.toLocaleString('en')} events (${(data.events / data.facts.tickets!).toFixed(1)} per ticket); ` +
      data.mix
        .map((m) => `${m.status} ${((m.n * 100) / data.facts.tickets!).toFixed(1)} %`)
        .join(', '),
  );
  console.log(
    `  open and overdue ${data.facts.overdue_open!.toLocaleString('en')}, closed late ${data.facts.closed_late!.toLocaleString('en')}, escalated at least once ${data.facts.escalated!.toLocaleString('en')}, open at the city ${data.facts.open_at_city!.toLocaleString('en')}, open below the top ${data.facts.open_escalating!.toLocaleString('en')}, rated ${data.facts.rated!.toLocaleString('en')}\n`,
  );

  // 1. queue, ledger and statistics
  const callers = await chooseCallers(raw);
  const sessions = {} as Record<CallerKey, Session>;
  const actors = {} as Record<CallerKey, Actor>;
  for (const c of callers) {
    sessions[c.key] = await login(server.base, c.username);
    actors[c.key] = await actorFor(raw, c.username);
    console.log(`caller ${c.key}: ${c.label}, scope ${actors[c.key].scopePath}`);
  }
  const code = await loadCode();
  const ctx: Ctx = {
    base: server.base,
    agent: new http.Agent({ keepAlive: true, maxSockets: 1 }),
    sessions,
    actors,
    raw,
    code,
    capturing: await capturingDb(dbUrl),
  };
  console.log(
    `\neach query: ${warmupRuns} warm-up runs, then up to ${repeat} runs (${CASE_BUDGET_MS / 1000} s budget, at least ${MIN_RUNS}) alternating one API request (one keep-alive connection) and the statements the server's code sends for it, replayed one after the other on one pg connection (JIT off)`,
  );
  const results: Measured[] = [];
  for (const c of casesFor(t0)) results.push(await measureCase(c, ctx));
  ctx.agent.destroy();

  console.log(
    '\n' +
      table([
        [
          'caller',
          'query',
          'total',
          'runs',
          'API p50 ms',
          'raw SQL p50 ms',
          'target ms',
          'verdict',
        ],
        ...results.map((r) => [
          r.caller,
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
  console.log('\nraw SQL p50 per statement (ms), in the order the server sends them:');
  for (const r of results)
    console.log(
      `  ${r.caller} ${r.name}: ${r.statements.map((s, j) => `${label(s)} ${ms(p50(r.statementMs[j]!))}`).join(' · ')}`,
    );
  const passed = results.filter((r) => r.pass).length;
  console.log(
    `\ntarget: API p50 ≤ ${TARGET_FACTOR} × raw SQL p50 + ${TARGET_SLACK_MS} ms — ${passed === results.length ? 'PASS' : 'MISS'} (${passed}/${results.length} queries)`,
  );
  // where the time goes: the slowest statement of each slow or missed query
  const plans: Record<string, string[]> = {};
  const explained = new Set<string>();
  for (const r of results.filter((x) => !x.pass || x.rawP50 > SLOW_MS)) {
    const j = r.statementMs.reduce((a, xs, i) => (p50(xs) > p50(r.statementMs[a]!) ? i : a), 0);
    const s = r.statements[j]!;
    const key = `${label(s)} ${r.caller} ${r.name.split(' ')[0]}`;
    if (explained.has(key)) continue;
    explained.add(key);
    const plan = await explain(raw, s);
    plans[`${r.caller} ${r.name}`] = plan;
    console.log(
      `\nEXPLAIN (ANALYZE, BUFFERS) — ${r.caller} ${r.name}, its slowest statement (${label(s)}, p50 ${ms(p50(r.statementMs[j]!))} ms):\n${s.sql.replace(/\s+/g, ' ')}\nparameters: ${JSON.stringify(s.parameters)}\n${plan.map((l) => `  ${l}`).join('\n')}`,
    );
  }
  await ctx.capturing.close();
  await stopChild(server.proc.child);

  // 2. the jobs, on a copy of the kept database
  const jobs: JobFigures[] = [];
  let copyMs: number | null = null;
  if (withJobs) {
    await raw.end();
    const copy = `${dbName}_job_${process.pid}`;
    process.stdout.write(
      `\ncopying ${dbName} to ${copy} (CREATE DATABASE … TEMPLATE, FILE_COPY) … `,
    );
    const c0 = performance.now();
    onCleanup(() => runOnce(pg, adminUrl, `DROP DATABASE IF EXISTS "${copy}" WITH (FORCE)`));
    await runOnce(
      pg,
      adminUrl,
      `CREATE DATABASE "${copy}" TEMPLATE "${dbName}" STRATEGY FILE_COPY`,
    );
    copyMs = performance.now() - c0;
    console.log(`${(copyMs / 1000).toFixed(1)} s`);
    const copyUrl = new URL(adminUrl);
    copyUrl.pathname = `/${copy}`;
    const job = await connectClient(pg, copyUrl.toString());
    jobs.push(await escalationJob(job, code, copyUrl.toString(), escalations));
    jobs.push(await reminderJob(job, code, copyUrl.toString(), reminders));
    await job.end();
    await runOnce(pg, adminUrl, `DROP DATABASE IF EXISTS "${copy}" WITH (FORCE)`);
    console.log(
      '\n' +
        table([
          ['job', 'due', 'done', 'seconds', 'tickets/s', 'exactly once', 'second run'],
          ...jobs.map((j) => [
            j.name,
            j.due.toLocaleString('en'),
            j.done.toLocaleString('en'),
            (j.ms / 1000).toFixed(1),
            j.perSecond.toFixed(0),
            j.exactlyOnce ? 'yes' : 'NO',
            String(j.secondRun),
          ]),
        ]),
    );
    for (const j of jobs) {
      console.log(
        `\n${j.name}: ${j.drifted.toLocaleString('en')} were already due (the data aged since T0)${j.fromTop ? `, ${j.fromTop.toLocaleString('en')} marked from the city level (last escalation undone)` : ''}; checks ${JSON.stringify(j.checks)}`,
      );
      console.log(
        `  time by statement (sum of the statements' own durations, ms): ${j.kinds.map((k) => `${k.kind} ×${k.n.toLocaleString('en')} ${k.ms.toFixed(0)}`).join(' · ')}`,
      );
      if (j.batchPlan)
        console.log(
          `  its first batch query, EXPLAIN ANALYZE:\n${j.batchPlan.map((l) => `    ${l}`).join('\n')}`,
        );
    }
  }

  const file = saveResults('tickets', {
    date: new Date().toISOString(),
    machine: machineLine(),
    postgres: serverVersion,
    database: dbName,
    t0: t0.toISOString(),
    generated: generated ? { ms: generated.generateMs, ...generated.summary } : null,
    data,
    callers,
    repeat,
    warmupRuns,
    target: `API p50 <= ${TARGET_FACTOR} x raw SQL p50 + ${TARGET_SLACK_MS} ms`,
    reads: results.map((r) => ({
      caller: r.caller,
      name: r.name,
      url: r.url,
      total: r.total,
      runs: r.runs,
      apiP50: r.apiP50,
      rawP50: r.rawP50,
      limit: r.limit,
      pass: r.pass,
      statements: r.statements.map((s, j) => ({ label: label(s), p50: p50(r.statementMs[j]!) })),
    })),
    plans,
    copyMs,
    jobs,
  });
  console.log(`\nfigures saved to ${relative(repoRoot, file)}`);
});
