import { sql } from 'kysely';
import type { Db } from '../../platform/database/db';
import { escapeLike } from '../../platform/database/filters';

const selectProblems = (db: Db) =>
  db
    .selectFrom('problems as q')
    .innerJoin('projects as p', 'p.id', 'q.project_id')
    .innerJoin('regions as r', 'r.code', 'p.region_code')
    .innerJoin('departments as d', 'd.id', 'q.department_id')
    .leftJoin('monthly_reports as m', 'm.id', 'q.report_id')
    .selectAll('q')
    .select([
      'p.name as project_name',
      'p.region_code as project_region_code',
      'r.name as region_name',
      'r.path as region_path',
      'd.name as department_name',
      'm.month as report_month',
    ]);
export type ProblemRow = NonNullable<Awaited<ReturnType<typeof findProblem>>>;

export const findProblem = (db: Db, id: number) =>
  selectProblems(db).where('q.id', '=', id).executeTakeFirst();

export interface ProblemFilter {
  scopePath: string;
  regionPath?: string | undefined;
  departmentId?: number | undefined;
  projectId?: number | undefined;
  q?: string | undefined;
  /** 'YYYY-MM-DD' (Beijing): open problems due before it are overdue */
  today: string;
}

function filtered(db: Db, f: ProblemFilter) {
  let q = selectProblems(db).where('r.path', 'like', `${f.scopePath}%`);
  if (f.regionPath) q = q.where('r.path', 'like', `${f.regionPath}%`);
  if (f.departmentId) q = q.where('q.department_id', '=', f.departmentId);
  if (f.projectId) q = q.where('q.project_id', '=', f.projectId);
  if (f.q) {
    const like = `%${escapeLike(f.q)}%`;
    q = q.where((eb) =>
      eb.or([
        eb('q.title', 'ilike', like),
        eb('q.description', 'ilike', like),
        eb('p.name', 'ilike', like),
      ]),
    );
  }
  return q;
}

export async function listProblems(
  db: Db,
  f: ProblemFilter,
  page: { status?: 'open' | 'closed' | 'overdue' | undefined; limit: number; offset: number },
) {
  let q = filtered(db, f);
  if (page.status === 'closed') q = q.where('q.status', '=', 'closed');
  if (page.status === 'open') q = q.where('q.status', '=', 'open');
  if (page.status === 'overdue')
    q = q.where('q.status', '=', 'open').where('q.due_on', '<', f.today);
  const [items, counts] = await Promise.all([
    q
      .orderBy(sql`q.status = 'open'`, 'desc')
      .orderBy('q.due_on')
      .orderBy('q.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    filtered(db, f)
      .clearSelect()
      .select([
        sql<number>`count(*) filter (where q.status = 'open')::int`.as('open'),
        sql<number>`count(*) filter (where q.status = 'closed')::int`.as('closed'),
        sql<number>`count(*) filter (where q.status = 'open' and q.due_on < ${f.today})::int`.as(
          'overdue',
        ),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  return { items, counts };
}

export const listEvents = (db: Db, problemId: number) =>
  db
    .selectFrom('problem_events')
    .selectAll()
    .where('problem_id', '=', problemId)
    .orderBy('id')
    .execute();

export const insertEvent = (
  db: Db,
  e: {
    problem_id: number;
    action: 'raised' | 'updated' | 'closed' | 'reopened';
    note: string | null;
    attachment_id: number | null;
    actor_id: number | null;
    actor_name: string;
  },
) => db.insertInto('problem_events').values(e).execute();

export const findProjectOf = (db: Db, id: number) =>
  db
    .selectFrom('projects')
    .innerJoin('regions', 'regions.code', 'projects.region_code')
    .select(['projects.id', 'projects.name', 'projects.region_code', 'regions.path as region_path'])
    .where('projects.id', '=', id)
    .executeTakeFirst();

export const findDepartmentOf = (db: Db, id: number) =>
  db
    .selectFrom('departments')
    .innerJoin('regions', 'regions.code', 'departments.region_code')
    .select(['departments.id', 'departments.name', 'regions.path as region_path'])
    .where('departments.id', '=', id)
    .executeTakeFirst();
