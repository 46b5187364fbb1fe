import {
  ticketActionLabels,
  ticketStatusLabels,
  type TicketAction,
  type TicketLevel,
  type TicketRating,
  type TicketStatus,
  type TicketTimeLimit,
} from '@xiangmu/contracts';
import type { WorkCalendar } from '../../platform/calendar/work-calendar';

/**
 * The ticket loop as data: which action may move a ticket from which status,
 * and to where. Services check a transition here before they write, so an
 * illegal one is refused with the same Chinese message everywhere.
 * docs/adr/0011-ticket-engine.md
 */
const transitions: Record<TicketAction, Partial<Record<TicketStatus, TicketStatus>>> = {
  accept: { submitted: 'accepted' },
  dispatch: { accepted: 'dispatched' },
  // the unit sends a wrongly dispatched ticket back to the dispatcher
  return: { dispatched: 'accepted', handling: 'accepted' },
  start: { dispatched: 'handling' },
  reply: { handling: 'replied' },
  // rated 不满意 goes back to the unit (see afterRating); otherwise it stays replied until closed
  rate: { replied: 'replied' },
  close: { replied: 'closed' },
  reassign: { dispatched: 'dispatched', handling: 'dispatched' },
  merge: {
    submitted: 'merged',
    accepted: 'merged',
    dispatched: 'merged',
    handling: 'merged',
  },
  // notes and escalation do not change the status
  supervise: {
    accepted: 'accepted',
    dispatched: 'dispatched',
    handling: 'handling',
    replied: 'replied',
  },
  escalate: { accepted: 'accepted', dispatched: 'dispatched', handling: 'handling' },
};

export const isOpen = (s: TicketStatus) => s !== 'closed' && s !== 'merged';

export type Transition =
  | { ok: true; to: TicketStatus }
  | { ok: false; code: 'TICKET_TRANSITION_INVALID'; message: string };

/** Where `action` takes a ticket in `from`, or why it may not. */
export function transition(from: TicketStatus, action: TicketAction): Transition {
  const to = transitions[action][from];
  if (to) return { ok: true, to };
  const allowed = Object.keys(transitions[action]) as TicketStatus[];
  return {
    ok: false,
    code: 'TICKET_TRANSITION_INVALID',
    message: `工单处于"${ticketStatusLabels[from]}"状态，不能${ticketActionLabels[action]}（仅${allowed
      .map((s) => `"${ticketStatusLabels[s]}"`)
      .join('、')}状态可以）`,
  };
}

/** 不满意 reopens the ticket at its unit; 满意 and 基本满意 leave it ready to close. */
export const afterRating = (r: TicketRating): TicketStatus =>
  r === 'unsatisfied' ? 'handling' : 'replied';

/** The level above, where an overdue ticket escalates to; null at the top. */
export function levelAbove(level: TicketLevel): TicketLevel | null {
  const order: TicketLevel[] = ['grid', 'street', 'district', 'city'];
  return order[order.indexOf(level) + 1] ?? null;
}

const BEIJING_MS = 8 * 3_600_000;

/**
 * When a ticket accepted at `from` is due. Working days count from the next
 * working day on the official calendar (调休 included) and end at 24:00
 * Beijing time of the last one; hours are clock hours.
 */
export function dueAt(from: Date, limit: TicketTimeLimit, calendar: WorkCalendar): Date {
  if (!Number.isInteger(limit.value) || limit.value <= 0)
    throw new RangeError(`time limit must be a positive whole number, got ${limit.value}`);
  if (limit.unit === 'hours') return new Date(from.getTime() + limit.value * 3_600_000);
  const day = new Date(from.getTime() + BEIJING_MS).toISOString().slice(0, 10);
  const last = calendar.workdaysAfter(day, limit.value);
  // the end of that day in Beijing = the next day's 00:00 Beijing
  return new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000 - BEIJING_MS);
}

/** Reminders go out this long before a ticket is due: a quarter of its limit, at least an hour. */
export function remindAt(from: Date, due: Date): Date {
  const span = due.getTime() - from.getTime();
  return new Date(due.getTime() - Math.max(3_600_000, Math.floor(span / 4)));
}
