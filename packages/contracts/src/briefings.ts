import { z } from 'zod';
import { dashboardQuery } from './dashboard';

// 简报/通报: the monthly briefing written from the figures of the 驾驶舱, as
// JSON (the text), as a Word document laid out per GB/T 9704-2012 and as a
// spreadsheet of its figures.

/** the month covered is the dashboard's `month`: default the last month it counts */
export const briefingQuery = dashboardQuery;
export type BriefingQuery = z.infer<typeof briefingQuery>;

export const briefingSection = z.object({
  /** '一、项目库总体情况' */
  heading: z.string(),
  /** body paragraphs; a paragraph may open with a '（一）…。' run-in heading */
  paragraphs: z.array(z.string()),
});

export const briefing = z.object({
  regionCode: z.string(),
  regionName: z.string(),
  year: z.number(),
  /** 'YYYY-MM': reports up to this month are counted */
  month: z.string(),
  /** 报头: '郑州经济技术开发区重点项目建设简报' */
  masthead: z.string(),
  title: z.string(),
  /** 第N期: the month number within the year */
  issueNumber: z.number(),
  /** '2026年12月1日' */
  date: z.string(),
  /** issuing office */
  office: z.string(),
  sections: z.array(briefingSection),
  rankingTable: z.object({
    header: z.array(z.string()),
    rows: z.array(z.array(z.string())),
  }),
  /** 报送 / 分送 lines of the 版记 */
  distribution: z.object({ submit: z.string(), copy: z.string() }),
});
export type Briefing = z.infer<typeof briefing>;

export const DOCX_CONTENT_TYPE =
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
