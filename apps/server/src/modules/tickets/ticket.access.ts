import type { TicketAction, TicketSource } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { assertPathInScope, type Actor, type Permission } from '../access';
import { enterpriseCreditCode } from '../users';
import type { TicketRow, Visibility } from './ticket.repository';
import { transition } from './ticket.rules';

/**
 * Who sees and does what with a ticket, on top of the region scope:
 * a unit only the tickets dispatched to it (承办 or 协办), an enterprise only
 * its own, a 包联干部 those of his enterprises, a grid worker grid events and
 * what he reported; admins and viewers everything in their region.
 */

export interface TicketViewer {
  actor: Actor;
  /** an enterprise user's 统一社会信用代码 ('' when he has none) */
  creditCode: string | undefined;
}

export async function viewerOf(db: Db, actor: Actor): Promise<TicketViewer> {
  return { actor, creditCode: await enterpriseCreditCode(db, actor) };
}

export function visibility({ actor, creditCode }: TicketViewer): Visibility {
  const scopePath = actor.scopePath;
  switch (actor.role) {
    case 'city_admin':
    case 'district_admin':
    case 'viewer':
      return { scopePath, any: null };
    case 'unit_officer':
      return { scopePath, any: { departmentId: actor.departmentId, createdBy: actor.userId } };
    case 'leader':
      return { scopePath, any: { cadreUserId: actor.userId, createdBy: actor.userId } };
    case 'grid_worker':
      return { scopePath, any: { source: 'grid', createdBy: actor.userId } };
    case 'enterprise':
      return {
        scopePath,
        any: {
          requesterUserId: actor.userId,
          createdBy: actor.userId,
          ...(creditCode ? { enterpriseCreditCode: creditCode } : {}),
        },
      };
  }
}

const isAdmin = (a: Actor) => a.role === 'city_admin' || a.role === 'district_admin';

/** the same rule as visibility(), for one loaded ticket */
export function canSee(v: TicketViewer, t: TicketRow, coDepartmentIds: number[]): boolean {
  const a = v.actor;
  const mine = t.created_by === a.userId || t.requester_user_id === a.userId;
  switch (a.role) {
    case 'city_admin':
    case 'district_admin':
    case 'viewer':
      return true;
    case 'unit_officer':
      return (
        mine ||
        (a.departmentId !== null &&
          (t.department_id === a.departmentId || coDepartmentIds.includes(a.departmentId)))
      );
    case 'leader':
      return mine || t.enterprise_cadre_id === a.userId;
    case 'grid_worker':
      return mine || t.source === 'grid';
    case 'enterprise':
      return mine || (!!v.creditCode && t.enterprise_credit_code === v.creditCode);
  }
}

/** Loads nothing: checks scope and the role's share of a loaded ticket. */
export function assertCanSee(v: TicketViewer, t: TicketRow, coDepartmentIds: number[]) {
  assertPathInScope(v.actor, t.region_path);
  if (!canSee(v, t, coDepartmentIds))
    throw new DomainError(
      v.actor.role === 'unit_officer' ? 'TICKET_NOT_YOUR_UNIT' : 'TICKET_NOT_YOURS',
    );
}

/** Who may take an action at all (the status is checked by the rules). */
export function mayAct(v: TicketViewer, t: TicketRow, action: TicketAction): boolean {
  const a = v.actor;
  const requester =
    t.created_by === a.userId ||
    t.requester_user_id === a.userId ||
    (a.role === 'enterprise' && !!v.creditCode && t.enterprise_credit_code === v.creditCode) ||
    (a.role === 'leader' && t.enterprise_cadre_id === a.userId);
  switch (action) {
    case 'accept':
    case 'dispatch':
    case 'reassign':
    case 'merge':
    case 'supervise':
      return isAdmin(a);
    case 'close':
      // the dispatcher, or the grid worker who reported it and checked on site
      return isAdmin(a) || (a.role === 'grid_worker' && t.created_by === a.userId);
    case 'start':
    case 'reply':
    case 'return':
      return (
        isAdmin(a) ||
        (a.role === 'unit_officer' && a.departmentId !== null && t.department_id === a.departmentId)
      );
    case 'rate':
      // once per reply: the requester, or staff recording his answer (回访)
      return t.rating === null && (isAdmin(a) || requester);
    case 'escalate':
      return false;
  }
}

export function assertMayAct(v: TicketViewer, t: TicketRow, action: TicketAction) {
  if (mayAct(v, t, action)) return;
  if (
    v.actor.role === 'unit_officer' &&
    (action === 'reply' || action === 'start' || action === 'return')
  )
    throw new DomainError('TICKET_NOT_YOUR_UNIT');
  if (action === 'rate' && t.rating !== null)
    throw new DomainError('TICKET_TRANSITION_INVALID', {
      message: '这次答复已评价；承办单位重新反馈后可再次评价',
    });
  if (action === 'rate') throw new DomainError('TICKET_NOT_YOURS');
  throw new DomainError('FORBIDDEN');
}

/** the buttons the caller gets on this ticket now */
export function allowedActions(v: TicketViewer, t: TicketRow): TicketAction[] {
  const actions: TicketAction[] = [
    'accept',
    'dispatch',
    'start',
    'reply',
    'return',
    'rate',
    'close',
    'reassign',
    'merge',
    'supervise',
  ];
  return actions.filter((x) => mayAct(v, t, x) && transition(t.status, x).ok);
}

/** Which sources a role may register, and whether his tickets wait for 受理. */
export function intakeOf(actor: Actor): { sources: TicketSource[]; accepted: boolean } {
  switch (actor.role) {
    case 'city_admin':
    case 'district_admin':
      return { sources: ['enterprise', 'request', 'grid', 'project'], accepted: true };
    case 'unit_officer':
      // hall staff (有诉即办/帮办代办) and departments raising project problems
      return { sources: ['request', 'project'], accepted: true };
    case 'leader':
      // 包联干部 collect their enterprises' demands
      return { sources: ['enterprise', 'project'], accepted: true };
    case 'grid_worker':
      return { sources: ['grid'], accepted: false };
    case 'enterprise':
      return { sources: ['enterprise'], accepted: false };
    case 'viewer':
      return { sources: [], accepted: false };
  }
}

/** the role-level permission of each step, checked before the ticket is even loaded */
export const permissionOf: Record<TicketAction, Permission> = {
  accept: 'ticket.dispatch',
  dispatch: 'ticket.dispatch',
  reassign: 'ticket.dispatch',
  merge: 'ticket.dispatch',
  supervise: 'ticket.dispatch',
  start: 'ticket.handle',
  reply: 'ticket.handle',
  return: 'ticket.handle',
  close: 'ticket.close',
  rate: 'ticket.rate',
  escalate: 'job.manage',
};
