/**
 * The time axis of the 作战图: whole days between two ISO dates (inclusive),
 * computed in UTC so that no time zone or summer time shifts a node by a day.
 */
const DAY_MS = 86_400_000;

/** days since 1970-01-01 for 'YYYY-MM-DD' */
export const dayNumber = (iso: string): number =>
  Math.round(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / DAY_MS);

export const isoOfDay = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);

export interface Axis {
  from: string;
  to: string;
  /** number of days shown, both ends included */
  days: number;
  pxPerDay: number;
  width: number;
}

/**
 * Fits the window into `available` pixels, but never closer than `minPxPerDay`
 * (then the chart scrolls sideways inside its box).
 */
export function makeAxis(from: string, to: string, available: number, minPxPerDay = 3): Axis {
  const days = Math.max(1, dayNumber(to) - dayNumber(from) + 1);
  const pxPerDay = Math.max(minPxPerDay, available / days);
  return { from, to, days, pxPerDay, width: Math.round(days * pxPerDay) };
}

/** x of the middle of a day, or null when the day is outside the window */
export function xOf(axis: Axis, iso: string): number | null {
  const i = dayNumber(iso) - dayNumber(axis.from);
  if (i < 0 || i >= axis.days) return null;
  return (i + 0.5) * axis.pxPerDay;
}

export interface MonthTick {
  /** first day of the month (or the window's first day) */
  date: string;
  /** x of the start of that day */
  x: number;
  /** "2026年3月" at a year's first tick (and the window's), else "4月" */
  label: string;
  /** pixels until the next tick (or the end) */
  span: number;
}

/** One tick per calendar month that the window touches. */
export function monthTicks(axis: Axis): MonthTick[] {
  const start = dayNumber(axis.from);
  const end = start + axis.days;
  const ticks: MonthTick[] = [];
  let [y, m] = axis.from.split('-').map(Number) as [number, number];
  let day = start;
  let first = true;
  while (day < end) {
    const date = isoOfDay(day);
    const next = Math.min(end, Math.round(Date.UTC(y, m, 1) / DAY_MS));
    ticks.push({
      date,
      x: (day - start) * axis.pxPerDay,
      label: first || m === 1 ? `${y}年${m}月` : `${m}月`,
      span: (next - day) * axis.pxPerDay,
    });
    first = false;
    day = next;
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return ticks;
}
