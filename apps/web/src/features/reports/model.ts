import {
  isWanAmount,
  monthOf,
  reportableStages,
  reportStatusLabels,
  roundDecimal,
  type ProjectStage,
  type ReportStatus,
  type Role,
} from '@xiangmu/contracts';

/**
 * Mirrors the server's permission table (apps/server/src/modules/access/permissions.ts);
 * the server enforces it, the UI only hides what would be refused.
 */
/** report.read: an enterprise sees only its own company's projects (checked on the server) */
export const REPORT_READERS: readonly Role[] = [
  'city_admin',
  'district_admin',
  'unit_officer',
  'leader',
  'viewer',
  'enterprise',
];
/** report.submit: fill in and edit (an enterprise: its own company's projects) */
export const REPORT_SUBMITTERS: readonly Role[] = ['city_admin', 'district_admin', 'enterprise'];
/** report.overview: the region's figures (closings, annual completion, the template) */
export const REPORT_OVERVIEW: readonly Role[] = [
  'city_admin',
  'district_admin',
  'unit_officer',
  'leader',
  'viewer',
];
/** report.import */
export const REPORT_IMPORTERS: readonly Role[] = ['city_admin', 'district_admin'];
/** report.close_month */
export const MONTH_CLOSERS: readonly Role[] = ['city_admin', 'district_admin'];
/** report.reopen_month */
export const MONTH_REOPENERS: readonly Role[] = ['city_admin'];

export const canSubmitReports = (role: Role) => REPORT_SUBMITTERS.includes(role);
export const isReportable = (stage: ProjectStage) =>
  (reportableStages as readonly ProjectStage[]).includes(stage);

/** How a report's status is named: one wording for the server and the UI. */
export const reportStatusText = reportStatusLabels;
export const reportStatusTagColors: Record<ReportStatus, string> = {
  on_time: 'success',
  late: 'warning',
  missing: 'error',
  due: 'processing',
};
export const reportStatusOrder: readonly ReportStatus[] = ['on_time', 'late', 'missing', 'due'];

/** Query keys: every list is limited to the active region, so the key carries it. */
export const reportKeys = {
  all: ['reports'] as const,
  project: (region: string, projectId: number, year: number) =>
    ['reports', region, 'project', projectId, year] as const,
  list: (region: string, params: object) => ['reports', region, 'list', params] as const,
  closures: (region: string, month: string) => ['reports', region, 'closures', month] as const,
  completion: (region: string, year: number) => ['reports', region, 'completion', year] as const,
  imports: (region: string) => ['reports', region, 'imports'] as const,
};

/* ---------- months (Beijing time, as the server counts them) ---------- */

export const currentMonth = () => monthOf(new Date());

export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The month whose reports are being collected now (the server's default): last month. */
export const defaultReportMonth = () => previousMonth(currentMonth());

/** '2026-10' → '2026年10月' */
export function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${y}年${m}月`;
}

export const isMonth = (v: string | null | undefined): v is string =>
  !!v && /^\d{4}-(0[1-9]|1[0-2])$/.test(v);

/* ---------- money: monthly amounts are entered and shown in 万元 ---------- */

/** '12500.5' → '12,500.50' (exact, two decimals, grouped). */
export function wanFixed(wan: string, decimals = 2): string {
  const r = roundDecimal(wan, decimals);
  const negative = r.startsWith('-');
  const [i = '0', f = ''] = (negative ? r.slice(1) : r).split('.');
  const grouped = i.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const out = decimals ? `${grouped}.${f.padEnd(decimals, '0')}` : grouped;
  return negative ? `-${out}` : out;
}

/** '12500.5' → '12,500.50万元' */
export const formatWan = (wan: string) => `${wanFixed(wan)}万元`;

/** Validation message for a 万元 amount as typed, or null when fine (empty is the caller's). */
export function wanInputProblem(input: string | null | undefined): string | null {
  const s = (input ?? '').trim().replace(/,/g, '');
  if (s === '') return null;
  if (s.startsWith('-')) return '金额不能为负数';
  if (!/^\d+(\.\d+)?$/.test(s)) return '请输入数字金额（万元），如 1250.5';
  if (!/^\d{1,14}(\.\d+)?$/.test(s)) return '金额过大';
  if (!isWanAmount(s)) return '万元金额最多2位小数';
  return null;
}

/** The 万元 amount as the API takes it ('1,250.50' → '1250.5'), or null. */
export function wanInputValue(input: string | null | undefined): string | null {
  const s = (input ?? '').trim().replace(/,/g, '');
  if (wanInputProblem(s) !== null || s === '') return null;
  return roundDecimal(s.replace(/^0+(?=\d)/, ''), 2);
}

/** '45.1' → '45.1%', null → '—' */
export const percentText = (p: string | null | undefined) =>
  p === null || p === undefined ? '—' : `${p}%`;

/* ---------- photos ---------- */

export const PHOTO_LIMIT = 20;
