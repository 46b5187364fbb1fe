import {
  industryClusters,
  projectLevels,
  projectSortFields,
  projectStages,
  type ProjectLevel,
  type ProjectStage,
} from '@xiangmu/contracts';
import type { ProjectListParams } from '../../lib/api-client';
import { yiInputToWan } from '../../lib/money';

export type SortField = (typeof projectSortFields)[number];
export type SortOrder = 'asc' | 'desc';

/**
 * The list's state, kept in the URL query string so that a link reproduces
 * the view. Amounts are in 亿元 as the user typed them (minYi/maxYi); they
 * become 万元 only in the API query.
 */
export interface ProjectFilters {
  q?: string | undefined;
  regionCode?: string | undefined;
  stage: ProjectStage[];
  level: ProjectLevel[];
  industryCluster: string[];
  industryCode?: string | undefined;
  planYear?: number | undefined;
  departmentId?: number | undefined;
  leaderName?: string | undefined;
  tag?: string | undefined;
  /** only projects still lacking their 统一社会信用代码 (待补充) */
  missingCreditCode?: boolean | undefined;
  minYi?: string | undefined;
  maxYi?: string | undefined;
  plannedStartFrom?: string | undefined;
  plannedStartTo?: string | undefined;
  sort: SortField;
  order: SortOrder;
  page: number;
  pageSize: number;
}

export const DEFAULT_SORT: SortField = 'updatedAt';
export const DEFAULT_ORDER: SortOrder = 'desc';
export const DEFAULT_PAGE_SIZE = 20;
const PAGE_SIZES = [10, 20, 50, 100];

/** Filters found under 更多筛选 (the collapsible part of the bar). */
export const MORE_FILTER_KEYS = [
  'industryCode',
  'departmentId',
  'leaderName',
  'tag',
  'missingCreditCode',
  'plannedStartFrom',
  'plannedStartTo',
] as const satisfies ReadonlyArray<keyof ProjectFilters>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const text = (v: string | null, max: number) => {
  const t = v?.trim();
  return t ? t.slice(0, max) : undefined;
};
const list = <T extends string>(v: string | null, allowed: readonly T[]): T[] =>
  (v ?? '')
    .split(',')
    .filter((x): x is T => (allowed as readonly string[]).includes(x))
    .filter((x, i, all) => all.indexOf(x) === i);
const int = (v: string | null, min: number, max: number) => {
  if (!v || !/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return n >= min && n <= max ? n : undefined;
};

/** Reads the filters from a query string, dropping anything invalid. */
export function parseFilters(params: URLSearchParams): ProjectFilters {
  const sort = params.get('sort');
  const pageSize = int(params.get('pageSize'), 1, 200);
  const yi = (k: string) => {
    const v = text(params.get(k), 20);
    return v && yiInputToWan(v) !== null ? v : undefined;
  };
  const date = (k: string) => {
    const v = params.get(k);
    return v && DATE.test(v) ? v : undefined;
  };
  return {
    q: text(params.get('q'), 50),
    regionCode: text(params.get('regionCode'), 20),
    stage: list(params.get('stage'), projectStages),
    level: list(params.get('level'), projectLevels),
    industryCluster: list(params.get('industryCluster'), industryClusters),
    industryCode: text(params.get('industryCode'), 5)?.toUpperCase(),
    planYear: int(params.get('planYear'), 2000, 2100),
    departmentId: int(params.get('departmentId'), 1, Number.MAX_SAFE_INTEGER),
    leaderName: text(params.get('leaderName'), 30),
    tag: text(params.get('tag'), 20),
    missingCreditCode: params.get('missing') === 'creditCode' || undefined,
    minYi: yi('minYi'),
    maxYi: yi('maxYi'),
    plannedStartFrom: date('plannedStartFrom'),
    plannedStartTo: date('plannedStartTo'),
    sort: (projectSortFields as readonly string[]).includes(sort ?? '')
      ? (sort as SortField)
      : DEFAULT_SORT,
    order:
      params.get('order') === 'asc'
        ? 'asc'
        : params.get('order') === 'desc'
          ? 'desc'
          : DEFAULT_ORDER,
    page: int(params.get('page'), 1, 100_000) ?? 1,
    pageSize: pageSize && PAGE_SIZES.includes(pageSize) ? pageSize : DEFAULT_PAGE_SIZE,
  };
}

/** The query string for a filter set; defaults are left out so links stay short. */
export function filtersToParams(
  f: ProjectFilters,
  opts: { paging?: boolean } = {},
): URLSearchParams {
  const p = new URLSearchParams();
  const set = (k: string, v: string | number | undefined) => {
    if (v !== undefined && v !== '') p.set(k, String(v));
  };
  set('q', f.q);
  set('regionCode', f.regionCode);
  set('stage', f.stage.join(','));
  set('level', f.level.join(','));
  set('industryCluster', f.industryCluster.join(','));
  set('industryCode', f.industryCode);
  set('planYear', f.planYear);
  set('departmentId', f.departmentId);
  set('leaderName', f.leaderName);
  set('tag', f.tag);
  set('missing', f.missingCreditCode ? 'creditCode' : undefined);
  set('minYi', f.minYi);
  set('maxYi', f.maxYi);
  set('plannedStartFrom', f.plannedStartFrom);
  set('plannedStartTo', f.plannedStartTo);
  if (f.sort !== DEFAULT_SORT || f.order !== DEFAULT_ORDER) {
    set('sort', f.sort);
    set('order', f.order);
  }
  if (opts.paging !== false) {
    if (f.page !== 1) set('page', f.page);
    if (f.pageSize !== DEFAULT_PAGE_SIZE) set('pageSize', f.pageSize);
  }
  return p;
}

/** GET /api/projects parameters (亿元 → 万元 here, exactly). */
export function toApiQuery(f: ProjectFilters): ProjectListParams {
  const q: ProjectListParams = { page: f.page, pageSize: f.pageSize, sort: f.sort, order: f.order };
  const min = f.minYi ? yiInputToWan(f.minYi) : null;
  const max = f.maxYi ? yiInputToWan(f.maxYi) : null;
  if (f.q) q.q = f.q;
  if (f.regionCode) q.regionCode = f.regionCode;
  if (f.stage.length) q.stage = f.stage.join(',');
  if (f.level.length) q.level = f.level.join(',');
  if (f.industryCluster.length) q.industryCluster = f.industryCluster.join(',');
  if (f.industryCode) q.industryCode = f.industryCode;
  if (f.planYear) q.planYear = String(f.planYear);
  if (f.departmentId) q.departmentId = String(f.departmentId);
  if (f.leaderName) q.leaderName = f.leaderName;
  if (f.tag) q.tag = f.tag;
  if (f.missingCreditCode) q.missing = 'creditCode';
  if (min !== null) q.minInvestment = min;
  if (max !== null) q.maxInvestment = max;
  if (f.plannedStartFrom) q.plannedStartFrom = f.plannedStartFrom;
  if (f.plannedStartTo) q.plannedStartTo = f.plannedStartTo;
  return q;
}

/** Any filter set (sorting and paging do not count). */
export const hasFilters = (f: ProjectFilters) =>
  filtersToParams({ ...f, sort: DEFAULT_SORT, order: DEFAULT_ORDER }, { paging: false }).size > 0;

export const moreFilterCount = (f: ProjectFilters) =>
  MORE_FILTER_KEYS.filter((k) => f[k] !== undefined).length -
  (f.plannedStartFrom && f.plannedStartTo ? 1 : 0);

/* ---------- saved filters and column choice (per user, in localStorage) ---------- */

export interface SavedFilter {
  name: string;
  /** filtersToParams(…, { paging: false }).toString() */
  query: string;
}

export function readStored<T>(key: string, valid: (v: unknown) => v is T, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    if (raw === null) return fallback;
    const value: unknown = JSON.parse(raw);
    return valid(value) ? value : fallback;
  } catch {
    return fallback;
  }
}

export function writeStored(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage full or disabled: the choice just is not remembered
  }
}

export const isSavedFilterList = (v: unknown): v is SavedFilter[] =>
  Array.isArray(v) &&
  v.every(
    (x) =>
      typeof x === 'object' &&
      x !== null &&
      typeof (x as SavedFilter).name === 'string' &&
      typeof (x as SavedFilter).query === 'string',
  );

export const isStringList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string');

export const storageKeys = (userId: number) => ({
  savedFilters: `xiangmu:${userId}:projects:saved-filters`,
  columns: `xiangmu:${userId}:projects:columns`,
});
