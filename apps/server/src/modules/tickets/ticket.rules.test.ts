import { describe, expect, it } from 'vitest';
import { ticketActions, ticketStatuses } from '@xiangmu/contracts';
import { WorkCalendar } from '../../platform/calendar/work-calendar';
import { afterRating, dueAt, isOpen, levelAbove, remindAt, transition } from './ticket.rules';

const cal = new WorkCalendar();
/** a moment given in Beijing time */
const bj = (s: string) => new Date(`${s}+08:00`);

describe('the ticket loop', () => {
  it('runs 受理 → 派遣 → 处置 → 反馈 → 办结', () => {
    let s = 'submitted' as (typeof ticketStatuses)[number];
    for (const a of ['accept', 'dispatch', 'start', 'reply', 'close'] as const) {
      const t = transition(s, a);
      expect(t.ok, `${a} from ${s}`).toBe(true);
      if (t.ok) s = t.to;
    }
    expect(s).toBe('closed');
    expect(isOpen(s)).toBe(false);
  });

  it('a returned ticket goes back to 已受理 for another dispatch; 不满意 reopens it', () => {
    expect(transition('dispatched', 'return')).toEqual({ ok: true, to: 'accepted' });
    expect(transition('accepted', 'dispatch')).toEqual({ ok: true, to: 'dispatched' });
    expect(afterRating('unsatisfied')).toBe('handling');
    expect(afterRating('basic')).toBe('replied');
    expect(transition(afterRating('unsatisfied'), 'reply')).toEqual({ ok: true, to: 'replied' });
  });

  it('refuses every illegal move with a Chinese message naming the allowed states', () => {
    const legal = new Set([
      'accept:submitted', 'dispatch:accepted', 'return:dispatched', 'return:handling',
      'start:dispatched', 'reply:handling', 'rate:replied', 'close:replied',
      'reassign:dispatched', 'reassign:handling', 'merge:submitted', 'merge:accepted',
      'merge:dispatched', 'merge:handling', 'supervise:accepted', 'supervise:dispatched',
      'supervise:handling', 'supervise:replied', 'escalate:accepted', 'escalate:dispatched',
      'escalate:handling',
    ]); // prettier-ignore
    for (const a of ticketActions)
      for (const s of ticketStatuses) {
        const t = transition(s, a);
        expect(t.ok, `${a}:${s}`).toBe(legal.has(`${a}:${s}`));
        if (!t.ok) {
          expect(t.code).toBe('TICKET_TRANSITION_INVALID');
          expect(t.message).toMatch(/^工单处于".+"状态，不能.+（仅.+状态可以）$/);
        }
      }
    expect(transition('closed', 'reply')).toEqual({
      ok: false,
      code: 'TICKET_TRANSITION_INVALID',
      message: '工单处于"已办结"状态，不能反馈（仅"处置中"状态可以）',
    });
  });

  it('escalates street → district → city, and no further', () => {
    expect(levelAbove('grid')).toBe('street');
    expect(levelAbove('street')).toBe('district');
    expect(levelAbove('district')).toBe('city');
    expect(levelAbove('city')).toBeNull();
  });
});

describe('due times on the official calendar', () => {
  it('3 working days from 30 September 2026 end on Saturday 10 October (National Day and 中秋 off, 调休 on)', () => {
    // 1–7 October off (国庆节、中秋节); Thu 8, Fri 9 and the make-up Saturday 10 work
    expect(dueAt(bj('2026-09-30T10:00:00'), { value: 3, unit: 'working_days' }, cal)).toEqual(
      bj('2026-10-11T00:00:00'),
    );
    // one working day from the eve of the holiday is the first day back
    expect(dueAt(bj('2026-09-30T17:30:00'), { value: 1, unit: 'working_days' }, cal)).toEqual(
      bj('2026-10-09T00:00:00'),
    );
  });

  it('a ticket accepted on a day off counts from the next working day; hours are clock hours', () => {
    // Sunday 4 October 2026, inside the holiday: the 1st working day is Thursday 8 October
    expect(dueAt(bj('2026-10-04T09:00:00'), { value: 1, unit: 'working_days' }, cal)).toEqual(
      bj('2026-10-09T00:00:00'),
    );
    // 两小时内入户, across midnight and the holiday alike
    expect(dueAt(bj('2026-10-01T23:00:00'), { value: 2, unit: 'hours' }, cal)).toEqual(
      bj('2026-10-02T01:00:00'),
    );
  });

  it('an admin correction of the calendar moves the due time', () => {
    const corrected = new WorkCalendar([{ date: '2026-10-08', kind: 'holiday', name: '测试调整' }]);
    expect(dueAt(bj('2026-09-30T10:00:00'), { value: 3, unit: 'working_days' }, corrected)).toEqual(
      bj('2026-10-13T00:00:00'),
    ); // 9, 10, then Monday 12
  });

  it('refuses a limit that is not a positive whole number', () => {
    expect(() => dueAt(new Date(), { value: 0, unit: 'hours' }, cal)).toThrow(RangeError);
    expect(() => dueAt(new Date(), { value: 1.5, unit: 'working_days' }, cal)).toThrow(RangeError);
  });

  it('reminds a quarter of the limit before the due time, at least an hour before', () => {
    const from = bj('2026-11-02T09:00:00');
    expect(remindAt(from, bj('2026-11-06T09:00:00'))).toEqual(bj('2026-11-05T09:00:00'));
    expect(remindAt(from, bj('2026-11-02T11:00:00'))).toEqual(bj('2026-11-02T10:00:00'));
  });
});
