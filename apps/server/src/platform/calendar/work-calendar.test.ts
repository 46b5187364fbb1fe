import { describe, expect, it } from 'vitest';
import { chinaToday } from './today';
import { isYearPublished, WorkCalendar } from './work-calendar';

describe('working days on the official calendar', () => {
  const cal = new WorkCalendar();

  it('knows 2026 National Day and its Saturday make-up day', () => {
    expect(cal.isWorkday('2026-10-01')).toBe(false);
    expect(cal.isWorkday('2026-10-07')).toBe(false);
    expect(cal.isWorkday('2026-10-08')).toBe(true);
    expect(cal.isWorkday('2026-10-10')).toBe(true); // Saturday, 调休
    expect(cal.isWorkday('2026-10-11')).toBe(false); // plain Sunday
  });

  it('counts across the holiday: one working day after 30 Sep is 8 Oct', () => {
    expect(cal.workdaysAfter('2026-09-30', 1)).toBe('2026-10-08');
    expect(cal.workdaysBefore('2026-10-08', 1)).toBe('2026-09-30');
    expect(cal.workdaysAfter('2026-10-09', 1)).toBe('2026-10-10');
    expect(cal.workdaysBetween('2026-09-30', '2026-10-10')).toBe(3); // 8, 9, 10 Oct
  });

  it('moves a target that falls on a day off back to the last working day', () => {
    expect(cal.workdaysBefore('2026-10-04', 0)).toBe('2026-09-30');
    expect(cal.workdaysBefore('2026-10-09', 0)).toBe('2026-10-09');
  });

  it('tells published years from those the package does not know yet', () => {
    expect(isYearPublished(2026)).toBe(true);
    expect(isYearPublished(2027)).toBe(false);
    // unknown year: a plain week, so 1 Oct 2027 (a Friday) is a working day until corrected
    expect(cal.isWorkday('2027-10-01')).toBe(true);
  });

  it("the admin's corrections override the package and the plain week", () => {
    const corrected = new WorkCalendar([
      { date: '2027-10-01', kind: 'holiday', name: '国庆节' },
      { date: '2027-09-26', kind: 'workday', name: '国庆节调休' }, // a Sunday
      { date: '2026-10-10', kind: 'holiday', name: '更正' },
    ]);
    expect(corrected.isWorkday('2027-10-01')).toBe(false);
    expect(corrected.isWorkday('2027-09-26')).toBe(true);
    expect(corrected.isWorkday('2026-10-10')).toBe(false);
    const days = corrected.specialDays(2027).map((d) => `${d.date}:${d.kind}:${d.source}`);
    expect(days).toEqual(['2027-09-26:workday:admin', '2027-10-01:holiday:admin']);
    const y2026 = corrected.specialDays(2026);
    expect(y2026.find((d) => d.date === '2026-10-10')).toMatchObject({
      kind: 'holiday',
      source: 'admin',
    });
    expect(y2026.find((d) => d.date === '2026-10-01')).toMatchObject({
      kind: 'holiday',
      name: '国庆节',
      source: 'package',
    });
  });

  it("today is China's date, whatever the server's time zone", () => {
    expect(chinaToday(new Date('2026-11-22T16:30:00Z'))).toBe('2026-11-23');
    expect(chinaToday(new Date('2026-11-22T15:59:00Z'))).toBe('2026-11-22');
  });
});
