import { sql } from 'kysely';
import type { Db } from '../../platform/database/db';

/**
 * The dashboard's reads. Library and investment figures come from the
 * maintained rollups (docs/adr/0010-rollups.md); `child` is the region one
 * level below the view (a district of the city, a street of a district), ''
 * for the view region's own projects.
 */
// a literal, so the same expression can appear in GROUP BY
const childOf = (depth: number) => sql<string>`split_part(r.path, '/', ${sql.lit(depth + 1)})`;

/** segments in a path: '410100/410171/' → 2 */
export const depthOf = (path: string) => path.split('/').filter(Boolean).length;

export async function libraryFigures(db: Db, path: string) {
  const { rows } = await sql<{
    stage: string | null;
    level: string | null;
    industry_cluster: string | null;
    child: string | null;
    projects: number;
    total_investment: string;
  }>`
    select x.stage, x.level, x.industry_cluster, ${childOf(depthOf(path))} as child,
           sum(x.projects)::int as projects, coalesce(sum(x.total_investment), 0)::text as total_investment
    from rollup_projects x join regions r on r.code = x.region_code
    where r.path like ${`${path}%`}
    group by grouping sets ((x.stage), (x.level), (x.industry_cluster), (${childOf(depthOf(path))}), ())`.execute(
    db,
  );
  return rows;
}

/** Projects planned for `year` and their annual plan, by child region. */
export async function planFigures(db: Db, path: string, year: number) {
  const { rows } = await sql<{ child: string; projects: number; annual_plan: string }>`
    select ${childOf(depthOf(path))} as child, sum(x.projects)::int as projects,
           coalesce(sum(x.annual_plan), 0)::text as annual_plan
    from rollup_projects x join regions r on r.code = x.region_code
    where r.path like ${`${path}%`} and x.plan_year = ${year}
    group by 1`.execute(db);
  return rows;
}

/** Reported investment and late reports by child region and month, for `year` and the year before. */
export async function reportFigures(db: Db, path: string, year: number) {
  const { rows } = await sql<{ child: string; month: string; invested: string; late: number }>`
    select ${childOf(depthOf(path))} as child, x.month,
           sum(x.invested)::text as invested, sum(x.late)::int as late
    from rollup_reports x join regions r on r.code = x.region_code
    where r.path like ${`${path}%`} and x.month >= ${`${year - 1}-01`} and x.month <= ${`${year}-12`}
    group by 1, 2`.execute(db);
  return rows;
}

export const targetsOf = (db: Db, codes: string[], year: number) =>
  codes.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('investment_targets')
        .selectAll()
        .where('year', '=', year)
        .where('region_code', 'in', codes)
        .execute();

export async function warningFigures(db: Db, path: string) {
  const [milestones, problems] = await Promise.all([
    sql<{ red: number; yellow: number }>`
      select (count(*) filter (where m.status = 'red'))::int as red,
             (count(*) filter (where m.status = 'yellow'))::int as yellow
      from milestones m join regions r on r.code = m.region_code
      where r.path like ${`${path}%`} and m.status in ('red', 'yellow')`.execute(db),
    // project problems are tickets of source 'project' (ADR 0015), open until 销号
    sql<{ open: number; overdue: number }>`
      select count(*)::int as open, (count(*) filter (where t.due_at < now()))::int as overdue
      from tickets t
      where t.region_path like ${`${path}%`} and t.source = 'project' and t.closed_at is null`.execute(
      db,
    ),
  ]);
  return { ...milestones.rows[0]!, ...problems.rows[0]! };
}

export const latestCampaignIds = async (db: Db, n: number) =>
  (await db.selectFrom('campaigns').select('id').orderBy('number', 'desc').limit(n).execute()).map(
    (c) => c.id,
  );

/**
 * Keeps the library as it stands as `month`'s end figures, once (a later
 * run of the job leaves the first snapshot alone). Returns the rows written.
 */
export async function takeLibrarySnapshot(db: Db, month: string): Promise<number> {
  const res = await sql`
    insert into library_snapshots (month, region_code, projects, total_investment)
    select ${month}, region_code, sum(projects)::int, sum(total_investment)
    from rollup_projects group by region_code
    on conflict (month, region_code) do nothing`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

/** The library at `month`'s end by child region; empty when no snapshot was taken. */
export async function snapshotFigures(db: Db, path: string, month: string) {
  const { rows } = await sql<{ child: string; projects: number; total_investment: string }>`
    select ${childOf(depthOf(path))} as child, sum(s.projects)::int as projects,
           sum(s.total_investment)::text as total_investment
    from library_snapshots s join regions r on r.code = s.region_code
    where s.month = ${month} and r.path like ${`${path}%`}
    group by 1`.execute(db);
  return rows;
}

export const hasSnapshot = async (db: Db, month: string) =>
  !!(await db
    .selectFrom('library_snapshots')
    .select('month')
    .where('month', '=', month)
    .limit(1)
    .executeTakeFirst());

/** The largest located projects of a region, for the map; and how many are located. */
export async function mapPointsOf(db: Db, path: string, limit: number) {
  const inScope = sql`p.region_code in (select code from regions where path like ${`${path}%`})`;
  const [points, located] = await Promise.all([
    sql<{
      id: number;
      name: string;
      region_code: string;
      stage: string;
      total_investment: string;
      lng: string;
      lat: string;
    }>`
      select p.id, p.name, p.region_code, p.stage, p.total_investment::text as total_investment,
             p.lng::text as lng, p.lat::text as lat
      from projects p
      where p.lng is not null and p.lat is not null and ${inScope}
      order by p.total_investment desc, p.id
      limit ${limit}`.execute(db),
    sql<{ n: number }>`
      select count(*)::int as n from projects p
      where p.lng is not null and p.lat is not null and ${inScope}`.execute(db),
  ]);
  return { points: points.rows, located: located.rows[0]!.n };
}
