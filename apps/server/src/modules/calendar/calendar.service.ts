import type { CalendarDay, ErrorCode } from '@xiangmu/contracts';
import { isYearPublished, WorkCalendar } from '../../platform/calendar/work-calendar';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { assertCan, auditActorOf, type Actor } from '../access';
import { recordAudit } from '../audit';
import * as repo from './calendar.repository';

/**
 * Whatever keeps dates computed in working days (milestones now, ticket time
 * limits later) registers here and is recomputed, in the same transaction,
 * when an admin corrects the calendar. Returns how many records moved.
 */
export type CalendarListener = (db: Db, calendar: WorkCalendar) => Promise<number>;
const listeners = new Set<CalendarListener>();

export function onCalendarChanged(listener: CalendarListener): void {
  listeners.add(listener);
}

/** The calendar with the admin's corrections: a handful of rows, read when needed. */
export async function loadWorkCalendar(db: Db): Promise<WorkCalendar> {
  const rows = await repo.listCorrections(db);
  return new WorkCalendar(rows.map((r) => ({ date: r.day, kind: r.kind, name: r.name })));
}

const presentCorrection = (c: { date: string; kind: CalendarDay['kind']; name: string }) => ({
  ...c,
  source: 'admin' as const,
});

export async function getCalendarYear(db: Db, year: number) {
  const calendar = await loadWorkCalendar(db);
  const days = calendar.specialDays(year);
  return {
    year,
    published: isYearPublished(year),
    days,
    corrections: days.filter((d) => d.source === 'admin'),
  };
}

export async function saveCalendarYear(
  db: Db,
  actor: Actor,
  year: number,
  corrections: { date: string; kind: CalendarDay['kind']; name: string }[],
): Promise<{ corrections: number; recomputed: number }> {
  assertCan(actor, 'calendar.manage');
  const issues: { code: ErrorCode; path: string; message: string }[] = [];
  const seen = new Set<string>();
  corrections.forEach((c, i) => {
    const path = `corrections.${i}.date`;
    if (!c.date.startsWith(`${year}-`))
      issues.push({ code: 'CALENDAR_DAY_OUTSIDE_YEAR', path, message: `日期不在${year}年内` });
    else if (seen.has(c.date))
      issues.push({ code: 'CALENDAR_DAY_DUPLICATE', path, message: `${c.date} 填写了两次` });
    seen.add(c.date);
  });
  if (issues.length)
    throw new DomainError(issues[0]!.code, {
      issues: issues.map(({ path, message }) => ({ path, message })),
    });
  return db.transaction().execute(async (trx) => {
    const before = (await getCalendarYear(trx, year)).corrections;
    const who = auditActorOf(actor);
    await repo.replaceYearCorrections(
      trx,
      year,
      corrections.map((c) => ({ day: c.date, kind: c.kind, name: c.name, updated_by: who.name })),
    );
    const calendar = await loadWorkCalendar(trx);
    let recomputed = 0;
    for (const listener of listeners) recomputed += await listener(trx, calendar);
    await recordAudit(trx, who, {
      action: 'calendar.updated',
      entityType: 'calendar',
      entityId: String(year),
      regionCode: actor.regionCode,
      before,
      after: { corrections: corrections.map(presentCorrection), recomputed },
    });
    return { corrections: corrections.length, recomputed };
  });
}
