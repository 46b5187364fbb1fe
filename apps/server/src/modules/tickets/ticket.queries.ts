import {
  type TicketDetail,
  type TicketLevel,
  type TicketListQuery,
  type TicketListResponse,
  type TicketQueueResponse,
  type TicketQueueTab,
  type TicketStatus,
} from '@xiangmu/contracts';
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { assertCan, type Actor } from '../access';
import { getRegionInScope } from '../regions';
import { allowedActions, viewerOf, visibility, type TicketViewer } from './ticket.access';
import * as repo from './ticket.repository';
import { BEIJING_MS, present, presentOne, loadVisible } from './ticket.present';

// Reading: one ticket with its history, the ledger with its filters, the queues.

/** A problem of the old 问题台账 (before migration 0016): the ticket it became, if visible. */
export async function ticketOfLegacyProblem(db: Db, actor: Actor, problemId: number) {
  assertCan(actor, 'ticket.read');
  const row = await db
    .selectFrom('tickets')
    .select('id')
    .where('legacy_problem_id', '=', problemId)
    .executeTakeFirst();
  if (!row) throw new DomainError('PROBLEM_NOT_FOUND');
  await loadVisible(db, await viewerOf(db, actor), row.id);
  return { ticketId: row.id };
}

export async function getTicket(db: Db, actor: Actor, id: number): Promise<TicketDetail> {
  assertCan(actor, 'ticket.read');
  const v = await viewerOf(db, actor);
  const row = await loadVisible(db, v, id);
  const [events, photos] = await Promise.all([repo.eventsOf(db, id), repo.photosOf(db, id)]);
  return {
    ...(await presentOne(db, row)),
    events: events.map((e) => ({
      id: e.id,
      kind: e.kind,
      fromStatus: e.from_status,
      toStatus: e.to_status,
      level: e.level,
      departmentName: e.department_name,
      note: e.note,
      actorName: e.actor_name,
      at: e.at.toISOString(),
    })),
    photos: photos.map((p) => ({
      id: p.id,
      filename: p.filename,
      contentType: p.content_type,
      size: p.size,
      uploaderName: p.uploader_name,
      createdAt: p.created_at.toISOString(),
    })),
    allowed: allowedActions(v, row),
  };
}

const beijingStart = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - BEIJING_MS);
const beijingEnd = (day: string) => new Date(beijingStart(day).getTime() + 86_400_000);

/** the ledger's filters, in SQL */
export function ledgerFilter(
  v: TicketViewer,
  q: Partial<Omit<TicketListQuery, 'page' | 'pageSize' | 'status'>>,
  scopePath: string,
) {
  const vis = repo.visibleTo({ ...visibility(v), scopePath });
  return (eb: Parameters<ReturnType<typeof repo.visibleTo>>[0]): Expression<SqlBool> => {
    const and: Expression<SqlBool>[] = [vis(eb)];
    if (q.q) and.push(repo.textFilter(q.q)(eb));
    if (q.source) and.push(eb('tickets.source', 'in', q.source));
    if (q.level) and.push(eb('tickets.level', 'in', q.level));
    if (q.categoryId) and.push(eb('tickets.category_id', '=', q.categoryId));
    if (q.departmentId) and.push(eb('tickets.department_id', '=', q.departmentId));
    if (q.enterpriseId) and.push(eb('tickets.enterprise_id', '=', q.enterpriseId));
    if (q.projectId) and.push(eb('tickets.project_id', '=', q.projectId));
    if (q.from) and.push(eb('tickets.created_at', '>=', beijingStart(q.from)));
    if (q.to) and.push(eb('tickets.created_at', '<', beijingEnd(q.to)));
    return eb.and(and);
  };
}

export function statusFilter(statuses: TicketListQuery['status'], now: Date) {
  return (eb: Parameters<ReturnType<typeof repo.visibleTo>>[0]): Expression<SqlBool> => {
    const ors: Expression<SqlBool>[] = [];
    const plain = (statuses ?? []).filter((s) => s !== 'open' && s !== 'overdue') as TicketStatus[];
    if (plain.length > 0) ors.push(eb('tickets.status', 'in', plain));
    if (statuses?.includes('open')) ors.push(eb('tickets.closed_at', 'is', null));
    if (statuses?.includes('overdue'))
      ors.push(
        eb.or([
          eb.and([eb('tickets.closed_at', 'is', null), eb('tickets.due_at', '<', now)]),
          eb('tickets.closed_on_time', '=', false),
        ]),
      );
    return ors.length > 0 ? eb.or(ors) : sql<SqlBool>`true`;
  };
}

/** the scope a query reads: the caller's, or a region inside it */
async function scopeOf(db: Db, actor: Actor, regionCode: string | undefined) {
  if (!regionCode) return actor.scopePath;
  return (await getRegionInScope(db, actor, regionCode)).path;
}

export async function listTickets(
  db: Db,
  actor: Actor,
  q: TicketListQuery,
): Promise<TicketListResponse> {
  assertCan(actor, 'ticket.read');
  const v = await viewerOf(db, actor);
  const scopePath = await scopeOf(db, actor, q.regionCode);
  const now = new Date();
  const base = ledgerFilter(v, q, scopePath);
  const [page, counts] = await Promise.all([
    db
      .selectFrom('tickets')
      .select('tickets.id')
      .where(base)
      .where(statusFilter(q.status, now))
      .orderBy('tickets.created_at', 'desc')
      .orderBy('tickets.id', 'desc')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    db
      .selectFrom('tickets')
      .where(base)
      .select((eb) => [
        eb.fn.countAll<string>().filterWhere(statusFilter(q.status, now)).as('total'),
        eb.fn.countAll<string>().filterWhere('tickets.closed_at', 'is', null).as('open'),
        eb.fn
          .countAll<string>()
          .filterWhere(statusFilter(['overdue'], now))
          .as('overdue'),
        eb.fn.countAll<string>().filterWhere('tickets.status', '=', 'closed').as('closed'),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  const rows = await repo.ticketsByIds(
    db,
    page.map((r) => r.id),
  );
  return {
    items: await present(db, rows),
    total: Number(counts.total),
    page: q.page,
    pageSize: q.pageSize,
    counts: {
      open: Number(counts.open),
      overdue: Number(counts.overdue),
      closed: Number(counts.closed),
    },
  };
}

/** 我的待办: what waits for the caller's own step, by role */
export function todoFilter(actor: Actor) {
  return (eb: Parameters<ReturnType<typeof repo.visibleTo>>[0]): Expression<SqlBool> => {
    const open = eb('tickets.closed_at', 'is', null);
    switch (actor.role) {
      case 'city_admin':
      case 'district_admin': {
        const depth = actor.scopePath.split('/').length - 1;
        const myLevel: TicketLevel = depth <= 1 ? 'city' : depth === 2 ? 'district' : 'street';
        return eb.and([
          open,
          eb.or([
            eb('tickets.status', 'in', ['submitted', 'accepted', 'replied']),
            eb.and([eb('tickets.escalations', '>', 0), eb('tickets.level', '=', myLevel)]),
          ]),
        ]);
      }
      case 'unit_officer':
        // "open" is implied by the statuses; said, it lets the unit's partial
        // index (department, due time) serve the page in due order
        return eb.and([
          open,
          eb('tickets.department_id', '=', actor.departmentId ?? -1),
          eb('tickets.status', 'in', ['dispatched', 'handling']),
        ]);
      case 'leader':
        return open;
      case 'grid_worker':
        return eb.and([
          eb('tickets.created_by', '=', actor.userId),
          eb('tickets.status', '=', 'replied'),
        ]);
      case 'enterprise':
        return eb.and([eb('tickets.status', '=', 'replied'), eb('tickets.rating', 'is', null)]);
      case 'viewer':
        return sql<SqlBool>`false`;
    }
  };
}

export function queueFilter(actor: Actor, tab: TicketQueueTab, now: Date) {
  return (eb: Parameters<ReturnType<typeof repo.visibleTo>>[0]): Expression<SqlBool> => {
    const open = eb('tickets.closed_at', 'is', null);
    switch (tab) {
      case 'todo':
        return todoFilter(actor)(eb);
      case 'dueSoon':
        return eb.and([open, eb('tickets.remind_at', '<=', now), eb('tickets.due_at', '>=', now)]);
      case 'overdue':
        return eb.and([open, eb('tickets.due_at', '<', now)]);
      case 'mine':
        return eb('tickets.created_by', '=', actor.userId);
      case 'all':
        return open;
    }
  };
}

export async function ticketQueue(
  db: Db,
  actor: Actor,
  q: { tab: TicketQueueTab; page: number; pageSize: number },
): Promise<TicketQueueResponse> {
  assertCan(actor, 'ticket.act');
  const v = await viewerOf(db, actor);
  const vis = repo.visibleTo(visibility(v));
  const now = new Date();
  // every tab but "mine" holds open tickets only: their counts read the open
  // ones (partial indexes), not the history
  const openTabs = ['todo', 'dueSoon', 'overdue', 'all'] as const;
  const [page, open, mine] = await Promise.all([
    db
      .selectFrom('tickets')
      .select('tickets.id')
      .where(vis)
      .where(queueFilter(actor, q.tab, now))
      .orderBy(
        q.tab === 'mine' ? 'tickets.created_at' : 'tickets.due_at',
        q.tab === 'mine' ? 'desc' : 'asc',
      )
      .orderBy('tickets.id')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    db
      .selectFrom('tickets')
      .where(vis)
      .where('tickets.closed_at', 'is', null)
      .select((eb) =>
        openTabs.map((tab) =>
          eb.fn
            .countAll<string>()
            .filterWhere(queueFilter(actor, tab, now))
            .as(tab),
        ),
      )
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('tickets')
      .where(vis)
      .where(queueFilter(actor, 'mine', now))
      .select((eb) => eb.fn.countAll<string>().as('mine'))
      .executeTakeFirstOrThrow(),
  ]);
  const rows = await repo.ticketsByIds(
    db,
    page.map((r) => r.id),
  );
  const counts = {
    todo: Number(open.todo),
    dueSoon: Number(open.dueSoon),
    overdue: Number(open.overdue),
    mine: Number(mine.mine),
    all: Number(open.all),
  };
  return {
    items: await present(db, rows),
    total: counts[q.tab],
    page: q.page,
    pageSize: q.pageSize,
    counts,
  };
}
