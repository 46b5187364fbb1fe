import {
  type DispatchTicketRequest,
  type Ticket,
  type TicketAction,
  type TicketRating,
  type TicketStatus,
} from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { assertCan, auditActorOf, type Actor } from '../access';
import { recordAudit } from '../audit';
import { assertMayAct, permissionOf, viewerOf } from './ticket.access';
import * as repo from './ticket.repository';
import { isOpen, transition } from './ticket.rules';
import { presentOne, loadVisible, ticketNumber } from './ticket.present';

// The loop: each step checked against ticket.rules, its event and audit row
// in the same transaction (ADR 0011).

interface StepResult {
  set: Record<string, unknown>;
  note: string | null;
  departmentName?: string | null;
  /** for merge: the ticket it went into gets an event too */
  after?: (trx: Db, row: repo.TicketRow) => Promise<void>;
}

/**
 * One step of the loop on one ticket: scope and role share, who may act,
 * the transition, the version, then the update, its event and its audit row.
 */
async function step(
  db: Db,
  actor: Actor,
  id: number,
  action: TicketAction,
  version: number,
  plan: (row: repo.TicketRow, to: TicketStatus, trx: Db) => Promise<StepResult>,
): Promise<Ticket> {
  assertCan(actor, permissionOf[action]);
  return db.transaction().execute(async (trx) => {
    const v = await viewerOf(trx, actor);
    const row = await loadVisible(trx, v, id, true);
    assertMayAct(v, row, action);
    const t = transition(row.status, action);
    if (!t.ok) throw new DomainError(t.code, { message: t.message });
    const before = await presentOne(trx, row);
    if (row.version !== version) throw new DomainError('VERSION_CONFLICT', { current: before });
    const s = await plan(row, t.to, trx);
    const to = (s.set.status as TicketStatus | undefined) ?? t.to;
    const res = await trx
      .updateTable('tickets')
      .set((eb) => ({
        ...s.set,
        status: to,
        updated_at: new Date(),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new DomainError('VERSION_CONFLICT', { current: before });
    const who = auditActorOf(actor);
    const updated = (await repo.findTicket(trx, id))!;
    await repo.insertEvent(trx, {
      ticket_id: id,
      kind: action,
      from_status: row.status,
      to_status: to,
      level: updated.level,
      department_name: s.departmentName !== undefined ? s.departmentName : updated.department_name,
      note: s.note,
      actor_id: actor.userId,
      actor_name: who.name,
    });
    await s.after?.(trx, updated);
    const after = await presentOne(trx, updated);
    await recordAudit(trx, who, {
      action: `ticket.${pastOf[action]}`,
      entityType: 'ticket',
      entityId: id,
      regionCode: row.region_code,
      before,
      after,
    });
    return after;
  });
}

const pastOf: Record<TicketAction, string> = {
  accept: 'accepted',
  dispatch: 'dispatched',
  return: 'returned',
  start: 'started',
  reply: 'replied',
  rate: 'rated',
  close: 'closed',
  reassign: 'reassigned',
  merge: 'merged',
  supervise: 'supervised',
  escalate: 'escalated',
};

/** a handling unit: of the ticket's region or above it (a city bureau) */
export async function unitFor(db: Db, departmentId: number, ticketPath: string, path: string) {
  const d = await repo.findDepartment(db, departmentId);
  if (!d)
    throw new DomainError('DEPARTMENT_NOT_FOUND', { issues: [{ path, message: '单位不存在' }] });
  if (!ticketPath.startsWith(d.region_path))
    throw new DomainError('DEPARTMENT_REGION_MISMATCH', {
      issues: [{ path, message: `${d.name}不属于工单所在区域或其上级` }],
    });
  return d;
}

async function assignment(
  trx: Db,
  row: repo.TicketRow,
  input: { departmentId: number; coDepartmentIds?: number[] | undefined },
) {
  const d = await unitFor(trx, input.departmentId, row.region_path, 'departmentId');
  const coIds = [...new Set(input.coDepartmentIds ?? [])].filter((x) => x !== d.id);
  const co = [];
  for (const c of coIds) co.push(await unitFor(trx, c, row.region_path, 'coDepartmentIds'));
  await repo.setCoHandlers(trx, row.id, coIds);
  const names = co.length > 0 ? `，协办：${co.map((c) => c.name).join('、')}` : '';
  return { d, names };
}

/** a step that only records who took it (and an optional note) */
const noteStep =
  (action: 'accept' | 'start') =>
  (db: Db, actor: Actor, id: number, i: { version: number; note?: string | undefined }) =>
    step(db, actor, id, action, i.version, async () => ({ set: {}, note: i.note || null }));

export const acceptTicket = noteStep('accept');
export const startTicket = noteStep('start');

/** 派遣 and 改派: the same assignment of a unit and its co-units, told differently */
const assignStep =
  (action: 'dispatch' | 'reassign') =>
  (db: Db, actor: Actor, id: number, i: DispatchTicketRequest) =>
    step(db, actor, id, action, i.version, async (row, _to, trx) => {
      const { d, names } = await assignment(trx, row, i);
      const extra = i.note ? `；${i.note}` : '';
      return {
        set: { department_id: d.id, dispatched_at: new Date() },
        note:
          action === 'dispatch'
            ? `派遣至${d.name}${names}${extra}`
            : `由${row.department_name ?? '—'}改派至${d.name}${names}${extra}`,
        departmentName: d.name,
      };
    });

export const dispatchTicket = assignStep('dispatch');
/** the request schema makes the note (改派原因) required */
export const reassignTicket = assignStep('reassign');

export const returnTicket = (
  db: Db,
  actor: Actor,
  id: number,
  i: { reason: string; version: number },
) =>
  step(db, actor, id, 'return', i.version, async (row, _to, trx) => {
    await repo.setCoHandlers(trx, row.id, []);
    return {
      set: { department_id: null, dispatched_at: null },
      note: `退回：${i.reason}`,
      departmentName: row.department_name,
    };
  });

export const replyTicket = (
  db: Db,
  actor: Actor,
  id: number,
  i: { reply: string; version: number },
) =>
  step(db, actor, id, 'reply', i.version, async () => ({
    // a new reply is rated anew (the earlier rating stays in the history)
    set: {
      reply: i.reply,
      replied_at: new Date(),
      rating: null,
      rating_comment: null,
      rated_at: null,
    },
    note: i.reply,
  }));

export const rateTicket = (
  db: Db,
  actor: Actor,
  id: number,
  i: { rating: TicketRating; comment?: string | undefined; version: number },
) =>
  step(db, actor, id, 'rate', i.version, async () => {
    const label = { satisfied: '满意', basic: '基本满意', unsatisfied: '不满意' }[i.rating];
    return {
      set: {
        rating: i.rating,
        rating_comment: i.comment || null,
        rated_at: new Date(),
        // 不满意 goes back to the unit to handle again
        ...(i.rating === 'unsatisfied' ? { status: 'handling' } : {}),
      },
      note: `${label}${i.comment ? `：${i.comment}` : ''}${i.rating === 'unsatisfied' ? '（退回承办单位重新办理）' : ''}`,
    };
  });

export const closeTicket = (
  db: Db,
  actor: Actor,
  id: number,
  i: { version: number; note?: string | undefined },
) =>
  step(db, actor, id, 'close', i.version, async (row) => {
    const now = new Date();
    // on time: the unit's last reply came before the due time
    const onTime = (row.replied_at ?? now) <= row.due_at;
    return {
      set: {
        closed_at: now,
        closed_on_time: onTime,
        resolved_level: row.level,
        next_escalation_at: null,
      },
      note: i.note || (onTime ? '按期办结' : '超期办结'),
    };
  });

export const superviseTicket = (
  db: Db,
  actor: Actor,
  id: number,
  i: { note: string; version: number },
) => step(db, actor, id, 'supervise', i.version, async () => ({ set: {}, note: i.note }));

export const mergeTicket = (
  db: Db,
  actor: Actor,
  id: number,
  i: { intoTicketId: number; version: number },
) =>
  step(db, actor, id, 'merge', i.version, async (row, _to, trx) => {
    const v = await viewerOf(trx, actor);
    const into = i.intoTicketId === id ? undefined : await repo.findTicket(trx, i.intoTicketId);
    if (!into || !isOpen(into.status) || !into.region_path.startsWith(v.actor.scopePath))
      throw new DomainError('TICKET_MERGE_INVALID', {
        issues: [{ path: 'intoTicketId', message: '请选择同一区域内另一张未办结的工单' }],
      });
    const intoNumber = ticketNumber(into.id, into.created_at);
    return {
      set: { merged_into_id: into.id, closed_at: new Date(), next_escalation_at: null },
      note: `重复工单，合并到${intoNumber}`,
      after: async (t) => {
        await repo.insertEvent(t, {
          ticket_id: into.id,
          kind: 'merge',
          from_status: into.status,
          to_status: into.status,
          level: into.level,
          department_name: into.department_name,
          note: `合并了重复工单${ticketNumber(row.id, row.created_at)}`,
          actor_id: actor.userId,
          actor_name: auditActorOf(actor).name,
        });
      },
    };
  });
