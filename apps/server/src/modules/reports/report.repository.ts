import { sql, type RawBuilder } from 'kysely';
import { REPORT_REQUIRED_STAGE, type ReportStatus } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { escapeLike } from '../../platform/database/filters';

/**
 * The district a region belongs to — the unit a month is closed for: the
 * second segment of its path ('410100/410171/…' → 410171), or the city
 * itself for projects kept at city level.
 */
export const unitSql = (pathColumn: string) =>
  sql<string>`coalesce(nullif(split_part(${sql.ref(pathColumn)}, '/', 2), ''), split_part(${sql.ref(pathColumn)}, '/', 1))`;

export function unitOf(path: string): string {
  const [city = '', district = ''] = path.split('/');
  return district || city;
}

/** The project a report is about, with its region path (scope, closing unit). */
export const findProject = (db: Db, id: number) =>
  db
    .selectFrom('projects')
    .innerJoin('regions', 'regions.code', 'projects.region_code')
    .select([
      'projects.id',
      'projects.name',
      'projects.region_code',
      'projects.stage',
      'projects.total_investment',
      'projects.annual_plan',
      'projects.plan_year',
      'projects.owner_credit_code',
      'regions.name as region_name',
      'regions.path as region_path',
    ])
    .where('projects.id', '=', id)
    .executeTakeFirst();
export type ProjectOfReport = NonNullable<Awaited<ReturnType<typeof findProject>>>;

const selectReports = (db: Db) =>
  db
    .selectFrom('monthly_reports as m')
    .innerJoin('projects as p', 'p.id', 'm.project_id')
    .innerJoin('regions as r', 'r.code', 'p.region_code')
    .selectAll('m')
    .select([
      'p.name as project_name',
      'p.region_code as project_region_code',
      'p.owner_credit_code',
      'r.name as region_name',
      'r.path as region_path',
    ])
    .select(
      sql<boolean>`exists (select 1 from report_month_closures c where c.month = m.month and c.region_code = ${unitSql('r.path')})`.as(
        'closed',
      ),
    );
export type ReportRow = NonNullable<Awaited<ReturnType<typeof findReport>>>;

export const findReport = (db: Db, id: number) =>
  selectReports(db).where('m.id', '=', id).executeTakeFirst();

export const findReportFor = (db: Db, projectId: number, month: string) =>
  selectReports(db)
    .where('m.project_id', '=', projectId)
    .where('m.month', '=', month)
    .executeTakeFirst();

export const listProjectReports = (db: Db, projectId: number, year: number) =>
  selectReports(db)
    .where('m.project_id', '=', projectId)
    .where('m.month', '>=', `${year}-01`)
    .where('m.month', '<=', `${year}-12`)
    .orderBy('m.month')
    .execute();

export const photoIdsOf = async (db: Db, reportIds: number[]) =>
  reportIds.length === 0
    ? []
    : db
        .selectFrom('monthly_report_photos')
        .select(['report_id', 'attachment_id'])
        .where('report_id', 'in', reportIds)
        .orderBy('report_id')
        .orderBy('position')
        .execute();

export async function replacePhotos(db: Db, reportId: number, ids: number[]) {
  await db.deleteFrom('monthly_report_photos').where('report_id', '=', reportId).execute();
  if (ids.length)
    await db
      .insertInto('monthly_report_photos')
      .values(
        ids.map((attachment_id, position) => ({ report_id: reportId, attachment_id, position })),
      )
      .execute();
}

/**
 * Serialises writes to a month's reports with closing that month: closing
 * takes the same transaction lock, so a report committed while the month is
 * being closed either lands before the close or is refused after it.
 */
export async function lockMonths(db: Db, months: string[]): Promise<void> {
  for (const month of [...new Set(months)].sort())
    await sql`select pg_advisory_xact_lock(hashtext(${`report-month:${month}`}))`.execute(db);
}

export const isClosed = async (db: Db, unit: string, month: string) =>
  !!(await db
    .selectFrom('report_month_closures')
    .select('month')
    .where('region_code', '=', unit)
    .where('month', '=', month)
    .executeTakeFirst());

export const closuresOf = (db: Db, units: string[], months: { from: string; to: string }) =>
  units.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('report_month_closures')
        .selectAll()
        .where('region_code', 'in', units)
        .where('month', '>=', months.from)
        .where('month', '<=', months.to)
        .execute();

export const stageEventsOf = (db: Db, projectId: number) =>
  db
    .selectFrom('project_stage_events')
    .select(['to_stage', 'occurred_on', 'id'])
    .where('project_id', '=', projectId)
    .orderBy('occurred_on')
    .orderBy('id')
    .execute();

// ------------------------------------------------------------ the month's list

export interface MonthFilter {
  scopePath: string;
  regionPath?: string | undefined;
  q?: string | undefined;
  month: string;
  monthEnd: string;
  /** the deadline has passed (so an unreported owed project is 未报) */
  pastDeadline: boolean;
  /** an enterprise user: his company's projects only */
  ownerCreditCode?: string | undefined;
}

/**
 * Every project in scope that owes the month's report (it was 在建 at the
 * end of the month, by its stage timeline) or reported anyway, with its
 * report, its district's closing and its status. The stage at the month's
 * end is looked up only for the projects without a report (an index-only
 * probe of project_stage_events_at_idx); bench/README.md has the plans.
 */
function classified(f: MonthFilter): RawBuilder<unknown> {
  const text = f.q
    ? sql`and (p.name ilike ${`%${escapeLike(f.q)}%`} ${
        /^[a-z]+$/i.test(f.q)
          ? sql`or p.name_initials like ${`${escapeLike(f.q.toLowerCase())}%`}`
          : sql``
      })`
    : sql``;
  return sql`
    with scoped as (
      select p.id, p.name, p.region_code, r.name as region_name, p.stage, p.annual_plan, p.plan_year,
             ${unitSql('r.path')} as unit
      from projects p join regions r on r.code = p.region_code
      where r.path like ${`${f.scopePath}%`}
        ${f.regionPath ? sql`and r.path like ${`${f.regionPath}%`}` : sql``}
        ${f.ownerCreditCode !== undefined ? sql`and p.owner_credit_code = ${f.ownerCreditCode}` : sql``}
        ${text}
    ), listed as (
      select s.*, m.id as report_id, m.invested, m.progress, m.late, m.submitted_at,
             m.version as report_version, m.reporter_name,
             (c.region_code is not null) as closed
      from scoped s
      left join monthly_reports m on m.project_id = s.id and m.month = ${f.month}
      left join report_month_closures c on c.region_code = s.unit and c.month = ${f.month}
      where m.id is not null
         or (select e.to_stage from project_stage_events e
             where e.project_id = s.id and e.occurred_on <= ${f.monthEnd}::date
             order by e.occurred_on desc, e.id desc limit 1) = ${REPORT_REQUIRED_STAGE}
    ), classified as (
      select l.*,
        case when l.report_id is not null then (case when l.late then 'late' else 'on_time' end)
             when l.closed or ${f.pastDeadline}::boolean then 'missing'
             else 'due' end as status
      from listed l
    )`;
}

const countsSql = sql`
  select unit, status, count(*)::int as n, coalesce(sum(invested), 0)::text as invested
  from classified group by unit, status`;

/** The page's rows, every column JSON-safe (numbers as exact text, times as ISO text). */
function pageSql(f: MonthFilter, page: MonthPage) {
  return sql`
    select c.id, c.name, c.region_code, c.region_name, c.stage, c.annual_plan::text as annual_plan,
      c.plan_year, c.unit, c.report_id, c.invested::text as invested, c.progress, c.late,
      c.submitted_at, c.report_version, c.reporter_name, c.closed, c.status,
      (select count(*)::int from monthly_report_photos ph where ph.report_id = c.report_id) as photo_count,
      (select coalesce(sum(y.invested), 0)::text from monthly_reports y
        where y.project_id = c.id and y.month >= ${`${f.month.slice(0, 4)}-01`} and y.month <= ${f.month}) as year_invested
    from classified c
    ${page.status ? sql`where c.status = ${page.status}` : sql``}
    order by case c.status when 'missing' then 0 when 'due' then 1 when 'late' then 2 else 3 end,
             c.region_code, c.name, c.id
    limit ${page.limit} offset ${page.offset}`;
}

export interface MonthCount {
  unit: string;
  status: ReportStatus;
  n: number;
  invested: string;
}

export async function monthCounts(db: Db, f: MonthFilter) {
  const { rows } = await sql<MonthCount>`${classified(f)} ${countsSql}`.execute(db);
  return rows;
}

export interface MonthRow {
  id: number;
  name: string;
  region_code: string;
  region_name: string;
  stage: string;
  annual_plan: string;
  plan_year: number;
  unit: string;
  report_id: number | null;
  invested: string | null;
  progress: string | null;
  late: boolean | null;
  submitted_at: Date | null;
  report_version: number | null;
  reporter_name: string | null;
  closed: boolean;
  status: ReportStatus;
  photo_count: number;
  year_invested: string;
}

interface MonthPage {
  status?: ReportStatus | undefined;
  limit: number;
  offset: number;
}

export async function monthPage(db: Db, f: MonthFilter, page: MonthPage) {
  const { rows } = await sql<MonthRow>`${classified(f)} ${pageSql(f, page)}`.execute(db);
  return rows;
}

/**
 * The counts and one page in one statement: the list is classified once
 * per request instead of once for each.
 */
export async function monthList(db: Db, f: MonthFilter, page: MonthPage) {
  const { rows } = await sql<{
    counts: MonthCount[];
    page: Array<Omit<MonthRow, 'submitted_at'> & { submitted_at: string | null }>;
  }>`
    ${classified(f)}
    select (select coalesce(json_agg(t), '[]'::json) from (${countsSql}) t) as counts,
           (select coalesce(json_agg(t), '[]'::json) from (${pageSql(f, page)}) t) as page`.execute(
    db,
  );
  const { counts, page: items } = rows[0]!;
  return {
    counts,
    rows: items.map((r): MonthRow => ({
      ...r,
      submitted_at: r.submitted_at ? new Date(r.submitted_at) : null,
    })),
  };
}

// ------------------------------------------------------------ annual completion

/**
 * The year's plans and reported investment by district and month, read
 * from the maintained rollups (docs/adr/0010-rollups.md): a few thousand
 * rows whatever the number of projects and reports.
 */
export async function yearFigures(
  db: Db,
  f: { scopePath: string; regionPath?: string | undefined; year: number },
) {
  const inScope = sql`r.path like ${`${f.scopePath}%`}
      ${f.regionPath ? sql`and r.path like ${`${f.regionPath}%`}` : sql``}`;
  const [plans, invested] = await Promise.all([
    sql<{ unit: string; projects: number; plan: string }>`
      select ${unitSql('r.path')} as unit, sum(x.projects)::int as projects,
             coalesce(sum(x.annual_plan), 0)::text as plan
      from rollup_projects x join regions r on r.code = x.region_code
      where x.plan_year = ${f.year} and ${inScope}
      group by 1`.execute(db),
    sql<{ unit: string; month: string; invested: string }>`
      select ${unitSql('r.path')} as unit, x.month, sum(x.invested)::text as invested
      from rollup_reports x join regions r on r.code = x.region_code
      where x.month >= ${`${f.year}-01`} and x.month <= ${`${f.year}-12`} and ${inScope}
      group by 1, 2`.execute(db),
  ]);
  return { plans: plans.rows, invested: invested.rows };
}
