import { type RegionLevel, type Ticket, type TicketLevel } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { assertCanSee, type TicketViewer } from './ticket.access';
import * as repo from './ticket.repository';

// How a ticket is shown and found: its number, its level, the API shape.

export const BEIJING_MS = 8 * 3_600_000;

/** the end of a Beijing day = the next day's 00:00 Beijing */
export const endOfBeijingDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000 - BEIJING_MS);

export function ticketNumber(id: number, createdAt: Date): string {
  const day = new Date(createdAt.getTime() + BEIJING_MS).toISOString().slice(0, 10);
  return `GD${day.replaceAll('-', '')}${String(id).padStart(6, '0')}`;
}

/** the level a ticket starts at: where it happened */
export function levelOfRegion(level: RegionLevel): TicketLevel {
  if (level === 'city' || level === 'district' || level === 'street') return level;
  return 'grid';
}

export function presentTickets(
  rows: repo.TicketRow[],
  coHandlers: { ticket_id: number; id: number; name: string }[],
  now = new Date(),
): Ticket[] {
  return rows.map((r) => {
    const open = r.closed_at === null;
    return {
      id: r.id,
      number: ticketNumber(r.id, r.created_at),
      source: r.source,
      categoryId: r.category_id,
      categoryName: r.category_name,
      timeLimit: { value: r.limit_value, unit: r.limit_unit },
      title: r.title,
      description: r.description,
      regionCode: r.region_code,
      regionName: r.region_name,
      level: r.level,
      status: r.status,
      enterpriseId: r.enterprise_id,
      enterpriseName: r.enterprise_name,
      projectId: r.project_id,
      projectName: r.project_name,
      requesterName: r.requester_name,
      requesterPhone: r.requester_phone,
      address: r.address,
      lng: r.lng,
      lat: r.lat,
      departmentId: r.department_id,
      departmentName: r.department_name,
      coDepartments: coHandlers
        .filter((h) => h.ticket_id === r.id)
        .map((h) => ({ id: h.id, name: h.name })),
      createdByName: r.created_by_name,
      createdAt: r.created_at.toISOString(),
      dueAt: r.due_at.toISOString(),
      remindAt: r.remind_at.toISOString(),
      overdue: open ? r.due_at < now : r.closed_on_time === false,
      dueSoon: open && r.remind_at <= now && r.due_at >= now,
      escalations: r.escalations,
      reply: r.reply,
      repliedAt: r.replied_at?.toISOString() ?? null,
      rating: r.rating,
      ratingComment: r.rating_comment,
      closedAt: r.closed_at?.toISOString() ?? null,
      resolvedLevel: r.resolved_level,
      mergedIntoId: r.merged_into_id,
      rectifyBy: r.rectify_by,
      reportId: r.report_id,
      reportMonth: r.report_month,
      version: r.version,
    };
  });
}

export async function present(db: Db, rows: repo.TicketRow[]): Promise<Ticket[]> {
  return presentTickets(
    rows,
    await repo.coHandlersOf(
      db,
      rows.map((r) => r.id),
    ),
  );
}
export const presentOne = async (db: Db, r: repo.TicketRow) => (await present(db, [r]))[0]!;

export async function loadVisible(db: Db, v: TicketViewer, id: number, forUpdate = false) {
  const row = await (forUpdate ? repo.findTicketForUpdate(db, id) : repo.findTicket(db, id));
  if (!row) throw new DomainError('TICKET_NOT_FOUND');
  const co = (await repo.coHandlersOf(db, [id])).map((h) => h.id);
  assertCanSee(v, row, co);
  return row;
}
