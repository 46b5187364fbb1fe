import { sql } from 'kysely';
import type { Db } from '../../platform/database/db';

/**
 * Each rollup with the query that recomputes it from the base tables: the
 * same columns in the same order, keys first. docs/adr/0010-rollups.md
 */
const rollups = {
  rollup_projects: {
    keys: ['region_code', 'stage', 'level', 'industry_cluster', 'plan_year'],
    values: ['projects', 'total_investment', 'annual_plan'],
    recompute: sql`
      select region_code, stage, level, industry_cluster, plan_year,
             count(*)::int as projects, sum(total_investment) as total_investment,
             sum(annual_plan) as annual_plan
      from projects group by 1, 2, 3, 4, 5`,
  },
  rollup_reports: {
    keys: ['region_code', 'month'],
    values: ['reports', 'late', 'invested'],
    recompute: sql`
      select p.region_code, m.month, count(*)::int as reports,
             (count(*) filter (where m.late))::int as late, sum(m.invested) as invested
      from monthly_reports m join projects p on p.id = m.project_id group by 1, 2`,
  },
} as const;

export type RollupName = keyof typeof rollups;

export interface RollupDifference {
  rollup: RollupName;
  key: Record<string, string>;
  kept: Record<string, string> | null;
  recomputed: Record<string, string> | null;
}

/**
 * Compares every rollup with a full recomputation; returns each row that
 * differs (a missing row, an extra row, or different figures). Read in one
 * repeatable-read snapshot on PostgreSQL so concurrent writes cannot show
 * up as differences.
 */
export function verifyRollups(db: Db, limit = 1000): Promise<RollupDifference[]> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute((trx) => differences(trx, limit));
}

async function differences(db: Db, limit: number): Promise<RollupDifference[]> {
  const out: RollupDifference[] = [];
  for (const [name, r] of Object.entries(rollups) as Array<
    [RollupName, (typeof rollups)[RollupName]]
  >) {
    const keyList = sql.join(r.keys.map((k) => sql.ref(k)));
    const join = sql.join(
      r.keys.map((k) => sql`k.${sql.ref(k)} = f.${sql.ref(k)}`),
      sql` and `,
    );
    const differs = sql.join(
      r.values.map((v) => sql`k.${sql.ref(v)} is distinct from f.${sql.ref(v)}`),
      sql` or `,
    );
    const json = (alias: string, cols: readonly string[]) =>
      sql`jsonb_build_object(${sql.join(cols.flatMap((c) => [sql.lit(c), sql`${sql.raw(alias)}.${sql.ref(c)}::text`]))})`;
    const { rows } = await sql<{
      key: Record<string, string>;
      kept: Record<string, string> | null;
      recomputed: Record<string, string> | null;
    }>`
      with k as (select ${keyList}, ${sql.join(r.values.map((v) => sql.ref(v)))} from ${sql.table(name)}),
           f as (${r.recompute})
      select case when k.${sql.ref(r.keys[0])} is null then ${json('f', r.keys)} else ${json('k', r.keys)} end as key,
             case when k.${sql.ref(r.keys[0])} is null then null else ${json('k', r.values)} end as kept,
             case when f.${sql.ref(r.keys[0])} is null then null else ${json('f', r.values)} end as recomputed
      from k full join f on ${join}
      where k.${sql.ref(r.keys[0])} is null or f.${sql.ref(r.keys[0])} is null or ${differs}
      limit ${limit}`.execute(db);
    for (const row of rows) out.push({ rollup: name, ...row });
  }
  return out;
}

/** Rebuilds every rollup from the base tables (after a repair, or by hand). */
export async function rebuildRollups(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const [name, r] of Object.entries(rollups)) {
      await sql`lock table ${sql.table(name)} in exclusive mode`.execute(trx);
      await sql`delete from ${sql.table(name)}`.execute(trx);
      await sql`insert into ${sql.table(name)} ${r.recompute}`.execute(trx);
    }
  });
}
