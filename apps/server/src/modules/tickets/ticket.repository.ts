import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { TicketEventKind, TicketLevel, TicketStatus } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import type { Database } from '../../platform/database/schema';
import { escapeLike } from '../../platform/database/filters';

type TicketEb = ExpressionBuilder<Database, 'tickets'>;

/** a ticket with the names it is shown with */
export function ticketRows(db: Db) {
  return db
    .selectFrom('tickets')
    .innerJoin('ticket_categories as c', 'c.id', 'tickets.category_id')
    .innerJoin('regions as r', 'r.code', 'tickets.region_code')
    .leftJoin('departments as d', 'd.id', 'tickets.department_id')
    .leftJoin('enterprises as e', 'e.id', 'tickets.enterprise_id')
    .leftJoin('projects as p', 'p.id', 'tickets.project_id')
    .leftJoin('monthly_reports as mr', 'mr.id', 'tickets.report_id')
    .selectAll('tickets')
    .select([
      'c.name as category_name',
      'r.name as region_name',
      'd.name as department_name',
      'e.name as enterprise_name',
      'e.credit_code as enterprise_credit_code',
      'e.cadre_user_id as enterprise_cadre_id',
      'p.name as project_name',
      'mr.month as report_month',
    ]);
}
export type TicketRow = Awaited<
  ReturnType<ReturnType<typeof ticketRows>['executeTakeFirstOrThrow']>
>;

/**
 * The tickets of `ids` with their names, in the order of `ids`. A list picks
 * its page of ids from tickets alone first: joined to six tables in one
 * query, the planner, misled by statistics a burst of new tickets has made
 * stale, hashed every ticket in scope before taking the page (56 ms at 4 000
 * rows in the soak, growing with the table; bench/README.md).
 */
export async function ticketsByIds(db: Db, ids: number[]) {
  if (ids.length === 0) return [];
  const rows = await ticketRows(db).where('tickets.id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export const findTicket = (db: Db, id: number) =>
  ticketRows(db).where('tickets.id', '=', id).executeTakeFirst();

export const findTicketForUpdate = (db: Db, id: number) =>
  ticketRows(db).where('tickets.id', '=', id).forUpdate('tickets').executeTakeFirst();

export async function coHandlersOf(db: Db, ticketIds: number[]) {
  if (ticketIds.length === 0) return [];
  return db
    .selectFrom('ticket_co_handlers as h')
    .innerJoin('departments as d', 'd.id', 'h.department_id')
    .select(['h.ticket_id', 'd.id', 'd.name'])
    .where('h.ticket_id', 'in', ticketIds)
    .orderBy('d.id')
    .execute();
}

export async function setCoHandlers(db: Db, ticketId: number, departmentIds: number[]) {
  await db.deleteFrom('ticket_co_handlers').where('ticket_id', '=', ticketId).execute();
  if (departmentIds.length > 0)
    await db
      .insertInto('ticket_co_handlers')
      .values(departmentIds.map((department_id) => ({ ticket_id: ticketId, department_id })))
      .execute();
}

export async function insertEvent(
  db: Db,
  e: {
    ticket_id: number;
    kind: TicketEventKind;
    from_status: TicketStatus | null;
    to_status: TicketStatus | null;
    level: TicketLevel;
    department_name: string | null;
    note: string | null;
    actor_id: number | null;
    actor_name: string;
  },
) {
  await db.insertInto('ticket_events').values(e).execute();
}

export const eventsOf = (db: Db, ticketId: number) =>
  db
    .selectFrom('ticket_events')
    .selectAll()
    .where('ticket_id', '=', ticketId)
    .orderBy('id')
    .execute();

export const photosOf = (db: Db, ticketId: number) =>
  db
    .selectFrom('ticket_photos')
    .select(['id', 'filename', 'content_type', 'size', 'uploader_name', 'created_at'])
    .where('ticket_id', '=', ticketId)
    .orderBy('id')
    .execute();

export const findDepartment = (db: Db, id: number) =>
  db
    .selectFrom('departments as d')
    .innerJoin('regions as r', 'r.code', 'd.region_code')
    .select(['d.id', 'd.name', 'r.path as region_path'])
    .where('d.id', '=', id)
    .executeTakeFirst();

/** the filter in SQL form: who may see which tickets (ticket.access.ts has the rule) */
export interface Visibility {
  scopePath: string;
  /** null: everything in scope; otherwise at least one of these holds */
  any: null | {
    departmentId?: number | null;
    createdBy?: number;
    requesterUserId?: number;
    enterpriseCreditCode?: string;
    cadreUserId?: number;
    source?: 'grid';
  };
}

export function visibleTo(v: Visibility) {
  return (eb: TicketEb): Expression<SqlBool> => {
    const scope = eb('tickets.region_path', 'like', `${escapeLike(v.scopePath)}%`);
    if (!v.any) return scope;
    const a = v.any;
    const ors: Expression<SqlBool>[] = [];
    // "id = any(array(subquery))" rather than EXISTS or IN: each arm stays an
    // index lookup and the planner ORs them (bench/README.md, "Tickets")
    const anyOf = (column: string, ids: Expression<unknown>) =>
      sql<SqlBool>`${sql.ref(column)} = any(array(${ids}))`;
    if (a.departmentId) {
      ors.push(eb('tickets.department_id', '=', a.departmentId));
      ors.push(
        anyOf(
          'tickets.id',
          eb
            .selectFrom('ticket_co_handlers as h')
            .select('h.ticket_id')
            .where('h.department_id', '=', a.departmentId),
        ),
      );
    }
    if (a.createdBy) ors.push(eb('tickets.created_by', '=', a.createdBy));
    if (a.requesterUserId) ors.push(eb('tickets.requester_user_id', '=', a.requesterUserId));
    if (a.enterpriseCreditCode)
      ors.push(
        anyOf(
          'tickets.enterprise_id',
          eb
            .selectFrom('enterprises')
            .select('id')
            .where('credit_code', '=', a.enterpriseCreditCode),
        ),
      );
    if (a.cadreUserId)
      ors.push(
        anyOf(
          'tickets.enterprise_id',
          eb.selectFrom('enterprises').select('id').where('cadre_user_id', '=', a.cadreUserId),
        ),
      );
    if (a.source) ors.push(eb('tickets.source', '=', a.source));
    return eb.and([scope, ors.length > 0 ? eb.or(ors) : sql<SqlBool>`false`]);
  };
}

/** 'GD2026120100042' → 42 */
export const ticketIdOfNumber = (q: string) => {
  const m = /^GD\d{8}(\d{6,})$/i.exec(q.trim());
  return m ? Number(m[1]) : null;
};

export function textFilter(q: string) {
  return (eb: TicketEb): Expression<SqlBool> => {
    const id = ticketIdOfNumber(q);
    if (id !== null) return eb('tickets.id', '=', id);
    const like = `%${escapeLike(q)}%`;
    return eb.or([
      eb('tickets.title', 'like', like),
      eb('tickets.description', 'like', like),
      eb('tickets.requester_name', 'like', like),
    ]);
  };
}
