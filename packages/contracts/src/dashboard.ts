import { z } from 'zod';
import { batchKindSchema } from './campaigns';
import { wanAmount } from './projects';
import { regionCode } from './text';

// 驾驶舱: the figures of a region (the city or a district) read from the
// maintained rollups, its warnings, its "三个一批" periods, the ranking of its
// districts, and the yearly investment targets the city sets.

/** count reports up to this month of the year, 1–12; default the latest (this month, or December) */
const throughMonth = z.coerce
  .number()
  .int()
  .min(1, '月份应为1—12')
  .max(12, '月份应为1—12')
  .optional();

export const dashboardQuery = z.strictObject({
  /** the region shown; default the caller's active region */
  regionCode: regionCode.optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  month: throughMonth,
});
export type DashboardQuery = z.infer<typeof dashboardQuery>;

/** one slice of the project library */
export const dashboardSlice = z.object({
  /** the stage, level, industry cluster or region code */
  key: z.string(),
  label: z.string(),
  projects: z.number(),
  /** 总投资, 万元 */
  totalInvestment: z.string(),
});

export const dashboardMonth = z.object({
  /** 'YYYY-MM' */
  month: z.string(),
  /** reported that month, 万元 */
  invested: z.string(),
  /** January to this month, 万元 */
  cumulative: z.string(),
  /** the same month a year earlier, 万元 */
  lastYear: z.string(),
  lastYearCumulative: z.string(),
  /** cumulative ÷ annual plan, %; null without a plan */
  completion: z.string().nullable(),
});

export const rankingIndicators = [
  'invested',
  'completion',
  'targetCompletion',
  'growth',
  'projects',
  'totalInvestment',
] as const;
export const rankingIndicatorSchema = z.enum(rankingIndicators);
export type RankingIndicator = (typeof rankingIndicators)[number];
export const rankingIndicatorLabels: Record<RankingIndicator, string> = {
  invested: '本年完成投资',
  completion: '年度计划完成率',
  targetCompletion: '年度目标完成率',
  growth: '投资同比增长',
  projects: '在库项目数',
  totalInvestment: '在库项目总投资',
};

export const rankingRow = z.object({
  regionCode: z.string(),
  regionName: z.string(),
  /** the figure as exact text: 万元, a percentage, or a count; null when it cannot be computed */
  value: z.string().nullable(),
  /** 1 = first; null without a value */
  rank: z.number().nullable(),
  /** the rank a month earlier (see Ranking.previousMonth); null when unknown */
  previousRank: z.number().nullable(),
  /** previousRank − rank: positive = moved up */
  change: z.number().nullable(),
});

export const ranking = z.object({
  indicator: rankingIndicatorSchema,
  label: z.string(),
  /** reports up to this month are counted ('YYYY-MM') */
  throughMonth: z.string(),
  /**
   * what previousRank compares with: reports up to this month, or for the
   * library indicators the library as it stood at this month's end; null
   * when there is nothing to compare (January; no snapshot yet)
   */
  previousMonth: z.string().nullable(),
  rows: z.array(rankingRow),
});
export type Ranking = z.infer<typeof ranking>;

export const dashboard = z.object({
  regionCode: z.string(),
  regionName: z.string(),
  regionLevel: z.string(),
  year: z.number(),
  /** reports up to and including this month are counted */
  throughMonth: z.string(),
  library: z.object({
    projects: z.number(),
    totalInvestment: z.string(),
    byStage: z.array(dashboardSlice),
    byLevel: z.array(dashboardSlice),
    byCluster: z.array(dashboardSlice),
    /** the districts of the city, or the streets of a district (with its own line) */
    byRegion: z.array(dashboardSlice),
  }),
  investment: z.object({
    /** projects with a plan for the year, and their 年度计划投资 (万元) */
    planProjects: z.number(),
    annualPlan: z.string(),
    /** reported this year through throughMonth, 万元 */
    invested: z.string(),
    completion: z.string().nullable(),
    /** the year's target set by the city (万元), and invested ÷ target */
    target: z.string().nullable(),
    targetCompletion: z.string().nullable(),
    /** the same months a year earlier, and the growth (同比, %) */
    lastYearInvested: z.string(),
    growth: z.string().nullable(),
    months: z.array(dashboardMonth),
  }),
  warnings: z.object({
    redMilestones: z.number(),
    yellowMilestones: z.number(),
    /** reports submitted after their deadline this year */
    lateReports: z.number(),
    openProblems: z.number(),
    overdueProblems: z.number(),
  }),
  campaigns: z.array(
    z.object({
      id: z.number(),
      title: z.string(),
      batches: z.array(
        z.object({
          kind: batchKindSchema,
          count: z.number(),
          totalInvestment: z.string(),
          annualPlan: z.string(),
          /** signed → started, started, produced on time */
          achieved: z.number(),
          rate: z.number().nullable(),
        }),
      ),
    }),
  ),
});
export type Dashboard = z.infer<typeof dashboard>;

export const rankingQuery = z.strictObject({
  indicator: rankingIndicatorSchema.default('invested'),
  regionCode: regionCode.optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  month: throughMonth,
});
export type RankingQuery = z.infer<typeof rankingQuery>;

// ---------------------------------------------------------------- map points

/** at most this many project points on the map (the largest investments) */
export const MAP_POINTS_LIMIT = 500;

export const mapPointsQuery = z.strictObject({ regionCode: regionCode.optional() });

export const mapPoint = z.object({
  id: z.number(),
  name: z.string(),
  regionCode: z.string(),
  stage: z.string(),
  /** 万元 */
  totalInvestment: z.string(),
  /** WGS-84 */
  lng: z.number(),
  lat: z.number(),
});
export type MapPoint = z.infer<typeof mapPoint>;

export const mapPoints = z.object({
  points: z.array(mapPoint),
  /** projects with a location in the region; more than points when capped */
  located: z.number(),
});

// ---------------------------------------------------------------- targets

export const targetsQuery = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2100).optional(),
});

export const investmentTarget = z.object({
  regionCode: z.string(),
  regionName: z.string(),
  year: z.number(),
  /** 万元; null = not set */
  amount: z.string().nullable(),
  setBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type InvestmentTarget = z.infer<typeof investmentTarget>;

export const setTargetsRequest = z.strictObject({
  year: z.number().int().min(2000).max(2100),
  targets: z
    .array(
      z.strictObject({
        regionCode,
        /** 万元; null removes the target */
        amount: wanAmount.nullable(),
      }),
    )
    .min(1, '请至少填写一个区县的目标')
    .max(100),
});
