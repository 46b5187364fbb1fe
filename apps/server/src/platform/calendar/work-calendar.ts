import chineseDays from 'chinese-days';
import type { CalendarDay } from '@xiangmu/contracts';

/**
 * China's working-day calendar: the official arrangement from chinese-days
 * (holidays and 调休 make-up working days of the years it knows), overridden
 * by the admin's corrections for years it does not know yet.
 *
 * Dates are 'YYYY-MM-DD' strings throughout, computed in UTC so no server
 * time zone can shift a day.
 */
export type Correction = Pick<CalendarDay, 'date' | 'kind' | 'name'>;

interface PackageDay {
  work: boolean;
  name: string;
}

const packageYears = new Map<number, Map<string, PackageDay>>();

/** The days of a year that differ from a plain Monday–Friday week, per chinese-days. */
function packageSpecialDays(year: number): Map<string, PackageDay> {
  let days = packageYears.get(year);
  if (days) return days;
  days = new Map();
  for (let d = Date.UTC(year, 0, 1); new Date(d).getUTCFullYear() === year; d += DAY_MS) {
    const iso = toIso(d);
    const detail = chineseDays.getDayDetail(iso);
    if (detail.work !== isPlainWorkday(iso)) {
      days.set(iso, { work: detail.work, name: chineseName(detail.name) });
    }
  }
  packageYears.set(year, days);
  return days;
}

/** "National Day,国庆节,3" → "国庆节" */
function chineseName(name: string): string {
  const parts = name.split(',');
  return parts.length >= 2 ? parts[1]! : name;
}

const DAY_MS = 86_400_000;
const toIso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const toMs = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

function isPlainWorkday(iso: string): boolean {
  const weekday = new Date(toMs(iso)).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** Whether chinese-days knows the State Council's arrangement for the year. */
export function isYearPublished(year: number): boolean {
  // every published year has at least New Year's Day off
  return [...packageSpecialDays(year).values()].some((d) => !d.work);
}

export class WorkCalendar {
  private readonly corrections: Map<string, Correction>;

  constructor(corrections: readonly Correction[] = []) {
    this.corrections = new Map(corrections.map((c) => [c.date, c]));
  }

  isWorkday(iso: string): boolean {
    const own = this.corrections.get(iso);
    if (own) return own.kind === 'workday';
    const special = packageSpecialDays(Number(iso.slice(0, 4))).get(iso);
    return special ? special.work : isPlainWorkday(iso);
  }

  /**
   * The working day `n` working days before `iso` (n ≥ 0). With n = 0 a
   * target that falls on a day off moves back to the last working day.
   */
  workdaysBefore(iso: string, n: number): string {
    let ms = toMs(iso);
    while (!this.isWorkday(toIso(ms))) ms -= DAY_MS;
    for (let left = n; left > 0;) {
      ms -= DAY_MS;
      if (this.isWorkday(toIso(ms))) left--;
    }
    return toIso(ms);
  }

  /** The date `n` working days after `iso` (n ≥ 0), starting from the next working day. */
  workdaysAfter(iso: string, n: number): string {
    let ms = toMs(iso);
    for (let left = n; left > 0;) {
      ms += DAY_MS;
      if (this.isWorkday(toIso(ms))) left--;
    }
    return toIso(ms);
  }

  /** Working days in (from, to]: how many working days remain from `from` until `to`. */
  workdaysBetween(from: string, to: string): number {
    let count = 0;
    for (let ms = toMs(from) + DAY_MS; ms <= toMs(to); ms += DAY_MS) {
      if (this.isWorkday(toIso(ms))) count++;
    }
    return count;
  }

  /** The year's days that differ from a plain week, with where each comes from. */
  specialDays(year: number): CalendarDay[] {
    const days = new Map<string, CalendarDay>();
    for (const [date, d] of packageSpecialDays(year)) {
      days.set(date, {
        date,
        kind: d.work ? 'workday' : 'holiday',
        name: d.name,
        source: 'package',
      });
    }
    for (const c of this.corrections.values()) {
      if (!c.date.startsWith(`${year}-`)) continue;
      days.set(c.date, { ...c, source: 'admin' });
    }
    return [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
  }
}
