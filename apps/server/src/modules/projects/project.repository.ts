import { sql, type Insertable, type Updateable } from 'kysely';
import type { ProjectListQuery } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { escapeLike, regionScopeFilter } from '../../platform/database/filters';
import type { ProjectStageEventTable, ProjectTable } from './project.table';

const selectProjects = (db: Db) =>
  db
    .selectFrom('projects')
    .innerJoin('regions', 'regions.code', 'projects.region_code')
    .leftJoin('departments', 'departments.id', 'projects.department_id')
    .selectAll('projects')
    .select([
      'regions.name as region_name',
      'regions.path as region_path',
      'departments.name as department_name',
    ]);

export type ProjectRow = NonNullable<Awaited<ReturnType<typeof findProject>>>;

export const findProject = (db: Db, id: number) =>
  selectProjects(db).where('projects.id', '=', id).executeTakeFirst();

const sortColumns = {
  name: 'projects.name',
  totalInvestment: 'projects.total_investment',
  annualPlan: 'projects.annual_plan',
  plannedStart: 'projects.planned_start',
  updatedAt: 'projects.updated_at',
  stage: 'projects.stage',
} as const;

/** The filtered set of a list (and later of its export); the data scope comes first. */
function filtered(
  db: Db,
  scopePath: string,
  q: Omit<ProjectListQuery, 'page' | 'pageSize' | 'sort' | 'order' | 'regionCode'>,
) {
  let query = db.selectFrom('projects').where(regionScopeFilter(scopePath, 'projects.region_code'));
  if (q.q) {
    const text = q.q.toLowerCase();
    query = query.where((eb) =>
      eb.or([
        eb('projects.name', 'ilike', `%${escapeLike(q.q!)}%`),
        ...(/^[a-z]+$/.test(text)
          ? [eb('projects.name_initials', 'like', `${escapeLike(text)}%`)]
          : []),
      ]),
    );
  }
  if (q.stage?.length) query = query.where('projects.stage', 'in', q.stage);
  if (q.level?.length) query = query.where('projects.level', 'in', q.level);
  if (q.industryCluster?.length)
    query = query.where('projects.industry_cluster', 'in', q.industryCluster);
  if (q.industryCode)
    query = query.where('projects.industry_code', 'like', `${escapeLike(q.industryCode)}%`);
  if (q.planYear) query = query.where('projects.plan_year', '=', q.planYear);
  if (q.departmentId) query = query.where('projects.department_id', '=', q.departmentId);
  if (q.leaderName)
    query = query.where('projects.leader_name', 'ilike', `%${escapeLike(q.leaderName)}%`);
  if (q.missing === 'creditCode') query = query.where('projects.owner_credit_code', 'is', null);
  if (q.tag) query = query.where(sql<boolean>`${q.tag} = any(projects.tags)`);
  if (q.minInvestment) query = query.where('projects.total_investment', '>=', q.minInvestment);
  if (q.maxInvestment) query = query.where('projects.total_investment', '<=', q.maxInvestment);
  if (q.plannedStartFrom) query = query.where('projects.planned_start', '>=', q.plannedStartFrom);
  if (q.plannedStartTo) query = query.where('projects.planned_start', '<=', q.plannedStartTo);
  return query;
}

export async function listProjects(
  db: Db,
  scopePath: string,
  regionPath: string | undefined,
  q: ProjectListQuery,
) {
  let base = filtered(db, scopePath, q);
  if (regionPath) base = base.where(regionScopeFilter(regionPath, 'projects.region_code'));
  const totals = await base
    .select((eb) => [
      eb.fn.countAll<number>().as('total'),
      sql<string>`coalesce(sum(projects.total_investment), 0)::text`.as('total_investment'),
      sql<string>`coalesce(sum(projects.annual_plan), 0)::text`.as('annual_plan'),
    ])
    .executeTakeFirstOrThrow();
  const column = sortColumns[q.sort];
  const ids = await base
    .select('projects.id')
    // only planned_start can be empty; plain order elsewhere lets the indexes serve the sort
    .orderBy(
      sql`${sql.ref(column)} ${sql.raw(q.order)}${sql.raw(q.sort === 'plannedStart' ? ' nulls last' : '')}`,
    )
    .orderBy('projects.id', q.order)
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute();
  const rows = ids.length
    ? await selectProjects(db)
        .where(
          'projects.id',
          'in',
          ids.map((r) => r.id),
        )
        .execute()
    : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return {
    total: Number(totals.total),
    sums: { totalInvestment: totals.total_investment, annualPlan: totals.annual_plan },
    items: ids.map((r) => byId.get(r.id)!),
  };
}

export const projectNameTaken = async (
  db: Db,
  regionCode: string,
  name: string,
  exceptId?: number,
) => {
  let q = db
    .selectFrom('projects')
    .select('id')
    .where('region_code', '=', regionCode)
    .where('name', '=', name);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return !!(await q.executeTakeFirst());
};

export const insertProject = (db: Db, p: Insertable<ProjectTable>) =>
  db.insertInto('projects').values(p).returning('id').executeTakeFirstOrThrow();

export async function updateProject(
  db: Db,
  id: number,
  version: number,
  changes: Omit<Updateable<ProjectTable>, 'id' | 'version' | 'updated_at'>,
): Promise<boolean> {
  const res = await db
    .updateTable('projects')
    .set({ ...changes, version: sql`version + 1`, updated_at: new Date() })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export const insertStageEvent = (db: Db, e: Insertable<ProjectStageEventTable>) =>
  db.insertInto('project_stage_events').values(e).execute();

export const listStageEvents = (db: Db, projectId: number) =>
  db
    .selectFrom('project_stage_events')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('id')
    .execute();

/**
 * The ids of the ledger export's filtered set, in id order. The export then
 * reads the rows by id, a batch at a time: a keyset query (`id > $last order
 * by id limit n` under the scope filters) was planned as "every remaining row
 * of the scope, then a top-n sort" whenever the planner underestimated the
 * scope (a district on PostgreSQL: 95 ms per batch of 1 000 at 100 000
 * projects, growing with the ledger; PGlite before ANALYZE).
 */
export async function ledgerIds(
  db: Db,
  scopePath: string,
  regionPath: string,
  q: Omit<ProjectListQuery, 'page' | 'pageSize' | 'sort' | 'order' | 'regionCode'>,
): Promise<number[]> {
  const rows = await filtered(db, scopePath, q)
    .where(regionScopeFilter(regionPath, 'projects.region_code'))
    .select('projects.id')
    .orderBy('projects.id')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * The ledger's columns of these projects (ids in ascending order), in id
 * order, still within the data scope. Only the ledger's columns: on PGlite
 * every column of every row is formatted and parsed again in the server's own
 * thread.
 */
export function ledgerRows(db: Db, scopePath: string, ids: number[]) {
  return db
    .selectFrom('projects')
    .where(regionScopeFilter(scopePath, 'projects.region_code'))
    .where('projects.id', 'in', ids)
    .innerJoin('regions', 'regions.code', 'projects.region_code')
    .leftJoin('departments', 'departments.id', 'projects.department_id')
    .select([
      'projects.id',
      'projects.name',
      'projects.owner_name',
      'projects.owner_credit_code',
      'projects.industry_cluster',
      'projects.industry_code',
      'projects.level',
      'projects.stage',
      'projects.total_investment',
      'projects.annual_plan',
      'projects.plan_year',
      'projects.planned_start',
      'projects.planned_end',
      'projects.leader_name',
      'projects.contact_name',
      'projects.contact_phone',
      'projects.content',
      'projects.tags',
      'regions.name as region_name',
      'departments.name as department_name',
    ])
    .orderBy('projects.id')
    .execute();
}

export function ledgerTotals(
  db: Db,
  scopePath: string,
  regionPath: string,
  q: Omit<ProjectListQuery, 'page' | 'pageSize' | 'sort' | 'order' | 'regionCode'>,
) {
  return filtered(db, scopePath, q)
    .where(regionScopeFilter(regionPath, 'projects.region_code'))
    .select([
      sql<string>`coalesce(sum(projects.total_investment), 0)::text`.as('total_investment'),
      sql<string>`coalesce(sum(projects.annual_plan), 0)::text`.as('annual_plan'),
    ])
    .executeTakeFirstOrThrow();
}
