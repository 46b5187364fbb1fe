import { z } from 'zod';
import { pageQuery, rowId } from './common';
import { projectStageSchema, wanAmount, type ProjectStage } from './projects';
import { plainText, regionCode } from './text';

/**
 * 月度调度: every month each project under construction reports the amount
 * it invested that month (万元, exact), its image progress (形象进度), photos
 * and problems. docs/adr/0009-monthly-reports-and-attachments.md
 */

/** A reporting month, 'YYYY-MM'. */
export const reportMonth = z
  .string()
  .trim()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM，如 2026-10');

/**
 * The deadline rule, in one place: the report for month M is on time when it
 * is first submitted no later than the end of this day of month M+1
 * (Beijing time). Later first submissions are flagged 迟报.
 */
export const REPORT_DEADLINE_DAY = 5;

/** Projects in these stages may submit a monthly report. */
export const reportableStages = [
  'preparing',
  'building',
  'completed',
] as const satisfies readonly ProjectStage[];
/** A project that was in this stage at the end of a month owes that month's report (else 未报). */
export const REPORT_REQUIRED_STAGE: ProjectStage = 'building';

/** 'YYYY-MM' of a moment, in Beijing time. */
export const monthOf = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 7);
/** 'YYYY-MM-DD' of a moment, in Beijing time. */
export const beijingDate = (d: Date) =>
  new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** The month after 'YYYY-MM'. */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The last day of 'YYYY-MM', as 'YYYY-MM-DD'. */
export function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** The last day (Beijing) on which the report for `month` is on time: 'YYYY-MM-DD'. */
export const reportDeadline = (month: string) =>
  `${nextMonth(month)}-${String(REPORT_DEADLINE_DAY).padStart(2, '0')}`;

/** Whether a first submission at `at` is late for `month`. */
export const isLateSubmission = (month: string, at: Date) =>
  beijingDate(at) > reportDeadline(month);

/**
 * part ÷ whole as a percentage with `decimals` places, rounded half-up,
 * exactly (BigInt on the decimal strings): '450.5' of '1000' → '45.1'.
 * null when the whole is zero.
 */
export function percentOf(part: string, whole: string, decimals = 1): string | null {
  const scaled = (v: string) => {
    const [int = '0', frac = ''] = v.replace(/^-/, '').split('.');
    const n = BigInt(int + frac.padEnd(6, '0').slice(0, 6));
    return v.startsWith('-') ? -n : n;
  };
  const p = scaled(part);
  const w = scaled(whole);
  if (w === 0n) return null;
  const factor = 100n * 10n ** BigInt(decimals);
  const negative = p < 0n !== w < 0n && p !== 0n;
  const num = (p < 0n ? -p : p) * factor;
  const den = w < 0n ? -w : w;
  let q = num / den;
  if ((num % den) * 2n >= den) q += 1n;
  const s = q.toString().padStart(decimals + 1, '0');
  const out = decimals ? `${s.slice(0, -decimals)}.${s.slice(-decimals)}` : s;
  return negative ? `-${out}` : out;
}

export const reportStatuses = ['on_time', 'late', 'missing', 'due'] as const;
export const reportStatusSchema = z.enum(reportStatuses);
export type ReportStatus = z.infer<typeof reportStatusSchema>;
export const reportStatusLabels: Record<ReportStatus, string> = {
  on_time: '已报',
  late: '逾期填报',
  missing: '未报',
  due: '待报',
};

// ---------------------------------------------------------------- photos

export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
/** Accepted images (checked by their first bytes, not by the declared type). */
export const imageContentTypes = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type ImageContentType = (typeof imageContentTypes)[number];

export const attachment = z.object({
  id: z.number(),
  projectId: z.number(),
  filename: z.string(),
  contentType: z.enum(imageContentTypes),
  size: z.number(),
  uploaderName: z.string(),
  createdAt: z.string(),
});
export type Attachment = z.infer<typeof attachment>;

export const attachmentUploadQuery = z.strictObject({
  filename: z.string().trim().min(1).max(200).default('照片'),
});

// ---------------------------------------------------------------- reports

const progressText = plainText(2000).refine((s) => s.length > 0, '请填写形象进度');
const photoIds = z.array(rowId).max(20, '每份报告最多20张照片');

export const submitReportRequest = z.strictObject({
  month: reportMonth,
  /** 本月完成投资, 万元 */
  invested: wanAmount,
  /** 形象进度 */
  progress: progressText,
  /** 存在问题 (prose; problems to follow up go to the problem ledger) */
  problems: plainText(2000).optional(),
  /** uploaded photos of this project (POST /api/projects/:id/attachments) */
  photoIds: photoIds.optional(),
});
export type SubmitReportRequest = z.infer<typeof submitReportRequest>;

export const updateReportRequest = z.strictObject({
  invested: wanAmount.optional(),
  progress: progressText.optional(),
  problems: plainText(2000).optional(),
  /** replaces the report's photos */
  photoIds: photoIds.optional(),
  version: z.number().int(),
});
export type UpdateReportRequest = z.infer<typeof updateReportRequest>;

export const monthlyReport = z.object({
  id: z.number(),
  projectId: z.number(),
  projectName: z.string(),
  regionCode: z.string(),
  regionName: z.string(),
  month: z.string(),
  /** 本月完成投资, 万元 */
  invested: z.string(),
  progress: z.string(),
  problems: z.string(),
  photos: z.array(attachment),
  /** first submitted after the deadline */
  late: z.boolean(),
  /** last day to be on time, 'YYYY-MM-DD' */
  deadline: z.string(),
  /** the month is closed for the project's district: no more changes */
  closed: z.boolean(),
  source: z.enum(['form', 'import']),
  reporterName: z.string(),
  submittedAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export type MonthlyReport = z.infer<typeof monthlyReport>;

export const reportListQuery = z.strictObject({
  ...pageQuery,
  /** default: last month */
  month: reportMonth.optional(),
  regionCode: regionCode.optional(),
  status: reportStatusSchema.optional(),
  /** project name contains, or pinyin initials start with */
  q: z.string().trim().max(50).optional(),
});
export type ReportListQuery = z.infer<typeof reportListQuery>;

export const reportListItem = z.object({
  projectId: z.number(),
  projectName: z.string(),
  regionCode: z.string(),
  regionName: z.string(),
  stage: projectStageSchema,
  status: reportStatusSchema,
  /** the month is closed for the project's district */
  closed: z.boolean(),
  report: z
    .object({
      id: z.number(),
      invested: z.string(),
      progress: z.string(),
      late: z.boolean(),
      photoCount: z.number(),
      reporterName: z.string(),
      submittedAt: z.string(),
      version: z.number(),
    })
    .nullable(),
  /** 年度计划投资 (万元) and its year */
  annualPlan: z.string(),
  planYear: z.number(),
  /** invested from January to this month (万元) */
  yearInvested: z.string(),
  /** yearInvested ÷ annualPlan in % (one decimal), null if the plan is not for this year or 0 */
  completion: z.string().nullable(),
});
export type ReportListItem = z.infer<typeof reportListItem>;

export const reportCounts = z.object({
  /** projects in the list: those owing a report plus those that reported anyway */
  total: z.number(),
  onTime: z.number(),
  late: z.number(),
  missing: z.number(),
  due: z.number(),
});

export const reportListResponse = z.object({
  month: z.string(),
  deadline: z.string(),
  items: z.array(reportListItem),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  /** over the whole filtered set, regardless of the status filter */
  counts: reportCounts,
  /** 本月完成投资 over every report in the filtered set (万元) */
  investedSum: z.string(),
});

export const projectReportsQuery = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2100).optional(),
});

export const projectReports = z.object({
  projectId: z.number(),
  year: z.number(),
  annualPlan: z.string(),
  planYear: z.number(),
  yearInvested: z.string(),
  completion: z.string().nullable(),
  /** the months of the year so far, oldest first, with their status */
  months: z.array(
    z.object({
      month: z.string(),
      status: reportStatusSchema.nullable(),
      closed: z.boolean(),
      report: monthlyReport.nullable(),
    }),
  ),
});

// ---------------------------------------------------------------- closing a month

export const monthClosureQuery = z.strictObject({ month: reportMonth.optional() });

export const monthClosure = z.object({
  /** the district (or the city itself, for projects kept at city level) */
  regionCode: z.string(),
  regionName: z.string(),
  month: z.string(),
  closed: z.boolean(),
  closedBy: z.string().nullable(),
  closedAt: z.string().nullable(),
  counts: reportCounts,
});
export type MonthClosure = z.infer<typeof monthClosure>;

export const closeMonthRequest = z.strictObject({
  /** a district, or the city: closes the city's own projects and every district at once */
  regionCode,
  month: reportMonth,
});

export const reopenMonthRequest = z.strictObject({
  regionCode,
  month: reportMonth,
  reason: plainText(500).refine((s) => s.length > 0, '请填写重新开放的原因'),
});

export const monthClosureResult = z.object({
  month: z.string(),
  /** the districts whose state changed */
  regions: z.array(z.string()),
});

// ---------------------------------------------------------------- annual completion

export const annualCompletionQuery = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  regionCode: regionCode.optional(),
});

export const regionCompletion = z.object({
  regionCode: z.string(),
  regionName: z.string(),
  /** projects with a plan for this year */
  projects: z.number(),
  /** sum of 年度计划投资 of projects planned for this year (万元) */
  annualPlan: z.string(),
  /** sum of reported investment this year (万元) */
  invested: z.string(),
  /** invested ÷ annualPlan, %, one decimal; null without a plan */
  completion: z.string().nullable(),
  /** invested per month, January first (万元) */
  months: z.array(z.string()),
});

export const annualCompletion = z.object({
  year: z.number(),
  /** the scope total first, then one row per district */
  regions: z.array(regionCompletion),
});

// ---------------------------------------------------------------- import

export const reportImportQuery = z.strictObject({
  filename: z.string().trim().min(1).max(200).default('月度调度.xlsx'),
  /** the month of rows that have no 月份 column */
  month: reportMonth.optional(),
});

export const reportTemplateQuery = z.strictObject({ month: reportMonth.optional() });
