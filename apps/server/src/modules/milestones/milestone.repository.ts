import { sql, type Insertable, type Updateable } from 'kysely';
import type { MilestoneStatus, TemplateStep } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { escapeLike, regionScopeFilter } from '../../platform/database/filters';
import type { MilestoneTable } from './milestone.table';

const selectMilestones = (db: Db) =>
  db
    .selectFrom('milestones')
    .innerJoin('projects', 'projects.id', 'milestones.project_id')
    .innerJoin('regions', 'regions.code', 'milestones.region_code')
    .selectAll('milestones')
    .select([
      'projects.name as project_name',
      'projects.stage as project_stage',
      'regions.name as region_name',
      'regions.path as region_path',
    ]);

export type MilestoneRow = NonNullable<Awaited<ReturnType<typeof findMilestone>>>;

export const findMilestone = (db: Db, id: number) =>
  selectMilestones(db).where('milestones.id', '=', id).executeTakeFirst();

export const listProjectMilestones = (db: Db, projectId: number) =>
  selectMilestones(db)
    .where('milestones.project_id', '=', projectId)
    .orderBy('milestones.due_on')
    .orderBy('milestones.seq')
    .execute();

export const listMilestonesOfProjects = (db: Db, projectIds: number[]) =>
  projectIds.length === 0
    ? Promise.resolve([])
    : selectMilestones(db)
        .where('milestones.project_id', 'in', projectIds)
        .orderBy('milestones.due_on')
        .orderBy('milestones.seq')
        .execute();

export async function nextSeq(db: Db, projectId: number): Promise<number> {
  const row = await db
    .selectFrom('milestones')
    .select(sql<number>`coalesce(max(seq), 0)::int`.as('max'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  return row.max + 1;
}

export const countOpen = async (db: Db, projectId: number) =>
  (
    await db
      .selectFrom('milestones')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('project_id', '=', projectId)
      .where('status', '<>', 'done')
      .executeTakeFirstOrThrow()
  ).n;

export const deleteOpen = (db: Db, projectId: number) =>
  db
    .deleteFrom('milestones')
    .where('project_id', '=', projectId)
    .where('status', '<>', 'done')
    .returning(['id', 'name', 'due_on'])
    .execute();

export const insertMilestones = (db: Db, rows: Insertable<MilestoneTable>[]) =>
  db.insertInto('milestones').values(rows).returning('id').execute();

/** Updates when the version still matches; false means someone else saved first. */
export async function updateMilestone(
  db: Db,
  id: number,
  version: number,
  patch: Updateable<MilestoneTable>,
): Promise<boolean> {
  const res = await db
    .updateTable('milestones')
    .set({ ...patch, version: sql`version + 1`, updated_at: new Date() })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return res.numUpdatedRows === 1n;
}

export async function deleteMilestone(db: Db, id: number, version: number): Promise<boolean> {
  const res = await db
    .deleteFrom('milestones')
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return res.numDeletedRows === 1n;
}

export interface MilestoneFilter {
  scopePath: string;
  regionPath?: string | undefined;
  status?: MilestoneStatus | undefined;
  ownerUserId?: number | undefined;
  projectId?: number | undefined;
  dueFrom?: string | undefined;
  dueTo?: string | undefined;
  q?: string | undefined;
  /** keep overdue (red) nodes due before dueFrom: an old red node still needs attention */
  keepOverdue?: boolean | undefined;
}

function filtered(db: Db, f: Omit<MilestoneFilter, 'status'>) {
  let q = db
    .selectFrom('milestones')
    .innerJoin('projects', 'projects.id', 'milestones.project_id')
    .where(regionScopeFilter(f.regionPath ?? f.scopePath, 'milestones.region_code'));
  if (f.ownerUserId) q = q.where('milestones.owner_user_id', '=', f.ownerUserId);
  if (f.projectId) q = q.where('milestones.project_id', '=', f.projectId);
  if (f.dueFrom) {
    const from = f.dueFrom;
    q = f.keepOverdue
      ? q.where((eb) =>
          eb.or([eb('milestones.due_on', '>=', from), eb('milestones.status', '=', 'red')]),
        )
      : q.where('milestones.due_on', '>=', from);
  }
  if (f.dueTo) q = q.where('milestones.due_on', '<=', f.dueTo);
  if (f.q) {
    const like = `%${escapeLike(f.q)}%`;
    q = q.where((eb) =>
      eb.or([
        eb('milestones.name', 'ilike', like),
        eb('projects.name', 'ilike', like),
        eb('milestones.owner_name', 'ilike', like),
      ]),
    );
  }
  return q;
}

/** One page, most urgent first (red, yellow, green, done; then by due date). */
export async function listMilestones(
  db: Db,
  f: MilestoneFilter,
  page: { page: number; pageSize: number },
) {
  const base = filtered(db, f);
  const withStatus = f.status ? base.where('milestones.status', '=', f.status) : base;
  const [ids, total, counts] = await Promise.all([
    withStatus
      .select('milestones.id')
      .orderBy(
        sql`case milestones.status when 'red' then 0 when 'yellow' then 1 when 'green' then 2 else 3 end`,
      )
      .orderBy('milestones.due_on')
      .orderBy('milestones.id')
      .limit(page.pageSize)
      .offset((page.page - 1) * page.pageSize)
      .execute(),
    withStatus.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    base
      .select(['milestones.status', sql<number>`count(*)::int`.as('n')])
      .groupBy('milestones.status')
      .execute(),
  ]);
  const rows = ids.length
    ? await selectMilestones(db)
        .where(
          'milestones.id',
          'in',
          ids.map((r) => r.id),
        )
        .execute()
    : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return {
    items: ids.map((r) => byId.get(r.id)!),
    total: total.n,
    counts: Object.fromEntries(counts.map((c) => [c.status, c.n])) as Record<string, number>,
  };
}

/** 作战图: the projects with nodes due in the window, the most troubled first. */
export async function battleChartProjects(
  db: Db,
  f: MilestoneFilter & { limit: number },
): Promise<{ ids: number[]; truncated: boolean; counts: Record<string, number> }> {
  let base = filtered(db, f);
  if (f.status) base = base.where('milestones.status', '=', f.status);
  const [rows, counts] = await Promise.all([
    base
      .select([
        'milestones.project_id',
        sql<number>`count(*) filter (where milestones.status = 'red')::int`.as('red'),
        sql<number>`count(*) filter (where milestones.status = 'yellow')::int`.as('yellow'),
        sql<string>`min(milestones.due_on)`.as('first_due'),
      ])
      .groupBy('milestones.project_id')
      .orderBy(sql`2`, 'desc')
      .orderBy(sql`3`, 'desc')
      .orderBy(sql`4`)
      .orderBy('milestones.project_id')
      .limit(f.limit + 1)
      .execute(),
    base
      .select(['milestones.status', sql<number>`count(*)::int`.as('n')])
      .groupBy('milestones.status')
      .execute(),
  ]);
  return {
    ids: rows.slice(0, f.limit).map((r) => r.project_id),
    truncated: rows.length > f.limit,
    counts: Object.fromEntries(counts.map((c) => [c.status, c.n])) as Record<string, number>,
  };
}

/**
 * The daily 红黄绿灯: red once past due, yellow up to `yellowUntil`, green
 * after. One statement; rows already right are not touched.
 */
export async function rateOpenMilestones(
  db: Db,
  today: string,
  yellowUntil: string,
  projectId?: number,
): Promise<number> {
  return (await rateOpenMilestonesReturning(db, today, yellowUntil, projectId)).length;
}

/** The same, returning each node whose light changed with its light before and after. */
export async function rateOpenMilestonesReturning(
  db: Db,
  today: string,
  yellowUntil: string,
  projectId?: number,
) {
  const status = sql<MilestoneStatus>`case
    when m.due_on < ${today}::date then 'red'
    when m.due_on <= ${yellowUntil}::date then 'yellow'
    else 'green' end`;
  const { rows } = await sql<{
    id: number;
    project_id: number;
    region_code: string;
    name: string;
    before: MilestoneStatus;
    after: MilestoneStatus;
  }>`
    update milestones set status = o.after
    from (
      select m.id, m.status as before, ${status} as after
      from milestones m
      where m.status <> 'done' and m.status <> ${status}
        ${projectId !== undefined ? sql`and m.project_id = ${projectId}` : sql``}
    ) o
    where milestones.id = o.id
    returning milestones.id, milestones.project_id, milestones.region_code, milestones.name,
              o.before, o.after`.execute(db);
  return rows;
}

/** The (target, offset) pairs of open worked-back nodes, to recompute after a calendar change. */
export const derivedPairs = (db: Db) =>
  db
    .selectFrom('milestones')
    .select(['target_on', 'offset_workdays'])
    .distinct()
    .where('target_on', 'is not', null)
    .where('status', '<>', 'done')
    .execute() as Promise<{ target_on: string; offset_workdays: number }[]>;

/** Moves open worked-back nodes to their recomputed due dates; returns how many moved. */
export async function applyRecomputed(
  db: Db,
  dues: { target: string; offset: number; due: string }[],
): Promise<number> {
  let moved = 0;
  for (let i = 0; i < dues.length; i += 500) {
    const chunk = dues.slice(i, i + 500);
    const values = sql.join(
      chunk.map((d) => sql`(${d.target}::date, ${d.offset}::int, ${d.due}::date)`),
    );
    const res = await sql`
      update milestones m set due_on = v.due, version = m.version + 1, updated_at = now()
      from (values ${values}) as v(target, off, due)
      where m.target_on = v.target and m.offset_workdays = v.off
        and m.status <> 'done' and m.due_on <> v.due`.execute(db);
    moved += Number(res.numAffectedRows ?? 0n);
  }
  return moved;
}

/** Users who may own a node of a project in `projectPath`: on its region line. */
export const listOwnerCandidates = (db: Db, projectPath: string) =>
  db
    .selectFrom('users')
    .innerJoin('regions', 'regions.code', 'users.region_code')
    .leftJoin('departments', 'departments.id', 'users.department_id')
    .select([
      'users.id',
      'users.display_name',
      'users.role',
      'regions.name as region_name',
      'regions.path as region_path',
      'departments.name as department_name',
    ])
    .where('users.disabled', '=', false)
    .where('users.role', 'in', ['city_admin', 'district_admin', 'unit_officer', 'leader'])
    // an ancestor's user (a city leader) or one inside the project's region
    .where(
      sql<boolean>`(${projectPath} like regions.path || '%' or regions.path like ${escapeLike(projectPath) + '%'})`,
    )
    .orderBy(sql`case users.role when 'leader' then 0 when 'unit_officer' then 1 else 2 end`)
    .orderBy('users.display_name')
    .limit(500)
    .execute();

export const findUserWithPath = (db: Db, id: number) =>
  db
    .selectFrom('users')
    .innerJoin('regions', 'regions.code', 'users.region_code')
    .select(['users.id', 'users.disabled', 'users.role', 'regions.path'])
    .where('users.id', '=', id)
    .executeTakeFirst();

// ---- templates ---------------------------------------------------------

export const listTemplates = (db: Db) =>
  db.selectFrom('milestone_templates').selectAll().orderBy('id').execute();

export const findTemplate = (db: Db, id: number) =>
  db.selectFrom('milestone_templates').selectAll().where('id', '=', id).executeTakeFirst();

export const templateNameTaken = async (db: Db, name: string, exceptId?: number) => {
  let q = db.selectFrom('milestone_templates').select('id').where('name', '=', name);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return !!(await q.executeTakeFirst());
};

export const insertTemplate = (db: Db, name: string, steps: TemplateStep[]) =>
  db
    .insertInto('milestone_templates')
    .values({ name, steps: JSON.stringify(steps) })
    .returningAll()
    .executeTakeFirstOrThrow();

export async function updateTemplate(
  db: Db,
  id: number,
  version: number,
  name: string,
  steps: TemplateStep[],
): Promise<boolean> {
  const res = await db
    .updateTable('milestone_templates')
    .set({
      name,
      steps: JSON.stringify(steps),
      version: sql`version + 1`,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return res.numUpdatedRows === 1n;
}

/** The few project fields a 作战图 row shows. */
export const projectHeads = (db: Db, ids: number[]) =>
  ids.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('projects')
        .innerJoin('regions', 'regions.code', 'projects.region_code')
        .select([
          'projects.id',
          'projects.name',
          'projects.stage',
          'projects.leader_name',
          'regions.name as region_name',
        ])
        .where('projects.id', 'in', ids)
        .execute();
