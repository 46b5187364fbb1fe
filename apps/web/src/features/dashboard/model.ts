import {
  monthOf,
  rankingIndicatorLabels,
  rankingIndicators,
  type RankingIndicator,
  type Role,
} from '@xiangmu/contracts';
import { yiFixed } from '../../lib/money';

/** dashboard.read on the server */
export const DASHBOARD_READERS: readonly Role[] = [
  'city_admin',
  'district_admin',
  'unit_officer',
  'leader',
  'viewer',
];
export const TARGET_SETTERS: readonly Role[] = ['city_admin'];

export const indicatorOptions = rankingIndicators.map((value) => ({
  value,
  label: rankingIndicatorLabels[value],
}));

export const isPercentIndicator = (i: RankingIndicator) =>
  i === 'completion' || i === 'targetCompletion' || i === 'growth';

/** An indicator's value for a person: 亿元, %, or a count. */
export function indicatorText(i: RankingIndicator, v: string | null): string {
  if (v === null) return '—';
  if (isPercentIndicator(i)) return `${v}%`;
  if (i === 'projects') return `${v}个`;
  return `${yiFixed(v)}亿元`;
}

/** A number for a chart: 亿元 for amounts, as is for percentages and counts. */
export function indicatorNumber(i: RankingIndicator, v: string | null): number | null {
  if (v === null) return null;
  return isPercentIndicator(i) || i === 'projects' ? Number(v) : Number(yiFixed(v));
}

export const percentText = (v: string | null) => (v === null ? '—' : `${v}%`);

/**
 * Functional zones have no boundary in the administrative map: they are
 * drawn as points at an approximate centre (docs/data-sources.md).
 */
export const zonePoints: Record<string, [number, number]> = {
  '410171': [113.73, 34.71],
  '410172': [113.55, 34.82],
  '410173': [113.84, 34.53],
  '410190': [113.74, 34.77],
};

export const thisYear = () => Number(monthOf(new Date()).slice(0, 4));

/** A year from the address bar, or this year. */
export function yearParam(v: string | null): number {
  const n = Number(v);
  return Number.isInteger(n) && n >= 2000 && n <= 2100 ? n : thisYear();
}

/** A month 1–12 from the address bar, or undefined (the latest). */
export function monthParam(v: string | null): number | undefined {
  const n = Number(v);
  return v && Number.isInteger(n) && n >= 1 && n <= 12 ? n : undefined;
}

/** The latest month with figures for a year: this month, or December of a past year. */
export function latestMonth(year: number): number {
  const now = monthOf(new Date());
  return year < Number(now.slice(0, 4)) ? 12 : Number(now.slice(5, 7));
}

export const dashboardKeys = {
  all: (scope: string) => ['dashboard', scope] as const,
  view: (scope: string, region: string | undefined, year: number, month?: number) =>
    ['dashboard', scope, 'view', region ?? '', year, month ?? 0] as const,
  ranking: (
    scope: string,
    region: string | undefined,
    year: number,
    i: RankingIndicator,
    month?: number,
  ) => ['dashboard', scope, 'ranking', region ?? '', year, i, month ?? 0] as const,
  targets: (scope: string, year: number) => ['dashboard', scope, 'targets', year] as const,
};

/** The project list filtered to a slice of the dashboard. */
export function projectsLink(filters: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(filters))
    if (v !== undefined && v !== '') p.set(k, String(v));
  return `/projects?${p.toString()}`;
}
