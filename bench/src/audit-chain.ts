// What the audit hash chain (migration 0018, docs/adr/0018) costs an import
// apply: one transaction writing 20 000 audit rows in one multi-row INSERT,
// as the project import does, with the chain's triggers on and off in turn,
// on PGlite and PostgreSQL; and concurrent single-row writers, the chain's lock.
//
//   npm run bench:audit-chain -w bench     BENCH_AUDIT_ROWS=20000 BENCH_AUDIT_RUNS=3
import { sql, type Kysely } from 'kysely';
import { envNumber } from './lib/harness';
import { scratchDatabase } from './lib/postgres';
import { importRepo } from './lib/server-code';

const ROWS = Math.round(envNumber('BENCH_AUDIT_ROWS', 20_000));
const RUNS = Math.round(envNumber('BENCH_AUDIT_RUNS', 3));
const pgAdminUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw SQL only
type Db = Kysely<any>;
const { openDatabase } = await importRepo<{
  openDatabase: (o: {
    url?: string | undefined;
    poolSize?: number;
  }) => Promise<{ db: unknown; close(): Promise<void> }>;
}>('apps/server/src/platform/database/db.ts');
const { migrateToLatest } = await importRepo<{
  migrateToLatest: (db: unknown) => Promise<unknown>;
}>('apps/server/src/platform/database/migrate.ts');
const { verifyAuditChain } = await importRepo<{
  verifyAuditChain: (db: unknown) => Promise<{ entries: number }>;
}>('apps/server/src/modules/audit/audit.verify.ts');

/** one import's worth of audit rows, in one statement, in one transaction; seconds */
async function applyLike(db: Db): Promise<number> {
  const t = performance.now();
  await db.transaction().execute(async (trx) => {
    await sql`
      insert into audit_log (actor_id, actor_name, action, entity_type, entity_id, region_code, before, after, ip)
      select 1, '测试(bench)', 'project.updated', 'project', g::text, '410171',
             jsonb_build_object('ownerName', '郑州测试科技有限公司', 'totalInvestment', '125000.00'),
             jsonb_build_object('ownerName', '郑州新东家有限公司', 'totalInvestment', '200000.00', 'source', '批量导入（台账.xlsx）'),
             '127.0.0.1'
      from generate_series(1, ${ROWS}) g`.execute(trx);
  });
  return (performance.now() - t) / 1000;
}

/** 2 000 single-row audited transactions from 8 writers at once; seconds */
async function concurrent(db: Db): Promise<number> {
  const t = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 250; i++)
        await db.transaction().execute((trx) =>
          sql`insert into audit_log (actor_name, action, entity_type, entity_id)
              values ('测试(bench)', 'department.updated', 'department', '1')`.execute(trx),
        );
    }),
  );
  return (performance.now() - t) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(engine: 'pglite' | 'postgres') {
  const url = engine === 'postgres' ? await scratchDatabase(pgAdminUrl) : undefined;
  const handle = await openDatabase({ url, poolSize: 8 });
  const db = handle.db as Db;
  await migrateToLatest(db);
  const out: Record<string, number> = {};
  // both of the chain's triggers: the statement one collecting ids, the deferred one appending
  const chainOn = async (on: boolean) => {
    for (const trigger of ['audit_log_chain_collect', 'audit_log_chain'])
      await sql
        .raw(`ALTER TABLE audit_log ${on ? 'ENABLE' : 'DISABLE'} TRIGGER ${trigger}`)
        .execute(db);
  };
  // on and off in turn, so a drifting machine (other work, a growing table,
  // PGlite's autovacuum) weighs on both alike
  const on: number[] = [];
  const off: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await chainOn(true);
    on.push(await applyLike(db));
    await chainOn(false);
    off.push(await applyLike(db));
  }
  out.apply_on = median(on);
  out.apply_off = median(off);
  await chainOn(true);
  out.conc_on = await concurrent(db);
  await chainOn(false);
  out.conc_off = await concurrent(db);
  await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_chain_collect`.execute(db);
  await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_chain`.execute(db);
  // the rows written with the trigger off are unchained: verify the chained part's speed only
  const t = performance.now();
  const report = await verifyAuditChain(db);
  out.verify = (performance.now() - t) / 1000;
  out.entries = report.entries;
  await handle.close();
  return out;
}

console.log(`audit chain: ${ROWS} audit rows per apply-like transaction, median of ${RUNS}`);
console.log(
  '| engine | apply, chain on | apply, chain off | cost | 2 000 single-row tx × 8 writers, on / off | verify (chained rows) |',
);
console.log('|---|---:|---:|---:|---:|---:|');
for (const engine of ['pglite', 'postgres'] as const) {
  const r = await measure(engine);
  console.log(
    `| ${engine} | ${r.apply_on!.toFixed(2)} s | ${r.apply_off!.toFixed(2)} s | +${(r.apply_on! - r.apply_off!).toFixed(2)} s (${Math.round(((r.apply_on! - r.apply_off!) / r.apply_off!) * 100)} %) | ${r.conc_on!.toFixed(2)} s / ${r.conc_off!.toFixed(2)} s | ${r.verify!.toFixed(2)} s for ${r.entries} |`,
  );
}
process.exit(0);
