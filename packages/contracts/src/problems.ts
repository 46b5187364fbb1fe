import { z } from 'zod';
import { pageQuery } from './common';
import { isoDate } from './projects';
import { attachment } from './reports';
import { plainText, regionCode } from './text';

/**
 * 问题台账: problems raised on a project, assigned to a responsible unit with
 * a due date, closed one by one with evidence (逐个销号), reopened with a reason.
 */

export const problemStatuses = ['open', 'closed'] as const;
export const problemStatusSchema = z.enum(problemStatuses);
export type ProblemStatus = z.infer<typeof problemStatusSchema>;

/** The list filter: overdue = open and past its due date. */
export const problemStatusFilters = ['open', 'closed', 'overdue'] as const;
export const problemStatusLabels: Record<(typeof problemStatusFilters)[number], string> = {
  open: '未销号',
  closed: '已销号',
  overdue: '逾期未销号',
};

export const problemEventActions = ['raised', 'updated', 'closed', 'reopened'] as const;
export const problemEventLabels: Record<(typeof problemEventActions)[number], string> = {
  raised: '提出',
  updated: '修改',
  closed: '销号',
  reopened: '重新打开',
};

const title = plainText(100).refine((s) => s.length > 0, '请填写问题');

export const raiseProblemRequest = z.strictObject({
  title,
  description: plainText(2000).optional(),
  /** 责任单位: a department of the project's region or above it */
  departmentId: z.number().int().positive(),
  /** 整改期限 */
  dueOn: isoDate,
  /** the monthly report it came from, if any */
  reportId: z.number().int().positive().optional(),
});
export type RaiseProblemRequest = z.infer<typeof raiseProblemRequest>;

export const updateProblemRequest = z.strictObject({
  title: title.optional(),
  description: plainText(2000).optional(),
  departmentId: z.number().int().positive().optional(),
  dueOn: isoDate.optional(),
  version: z.number().int(),
});
export type UpdateProblemRequest = z.infer<typeof updateProblemRequest>;

export const closeProblemRequest = z.strictObject({
  /** 销号依据 */
  evidence: plainText(1000).refine((s) => s.length > 0, '请填写销号依据'),
  /** an uploaded photo of this project (POST /api/projects/:id/attachments) */
  photoId: z.number().int().positive().optional(),
  version: z.number().int(),
});

export const reopenProblemRequest = z.strictObject({
  reason: plainText(500).refine((s) => s.length > 0, '请填写重新打开的原因'),
  version: z.number().int(),
});

export const problem = z.object({
  id: z.number(),
  projectId: z.number(),
  projectName: z.string(),
  regionCode: z.string(),
  regionName: z.string(),
  reportId: z.number().nullable(),
  reportMonth: z.string().nullable(),
  title: z.string(),
  description: z.string(),
  departmentId: z.number(),
  departmentName: z.string(),
  dueOn: z.string(),
  status: problemStatusSchema,
  /** open and past its due date */
  overdue: z.boolean(),
  raisedByName: z.string(),
  raisedAt: z.string(),
  closedAt: z.string().nullable(),
  closedByName: z.string().nullable(),
  evidence: z.string().nullable(),
  evidencePhoto: attachment.nullable(),
  reopenCount: z.number(),
  version: z.number(),
});
export type Problem = z.infer<typeof problem>;

export const problemEvent = z.object({
  id: z.number(),
  action: z.enum(problemEventActions),
  /** evidence, reopen reason, or what changed */
  note: z.string().nullable(),
  photo: attachment.nullable(),
  actorName: z.string(),
  at: z.string(),
});

export const problemDetail = problem.extend({ events: z.array(problemEvent) });

export const problemListQuery = z.strictObject({
  ...pageQuery,
  regionCode: regionCode.optional(),
  status: z.enum(problemStatusFilters).optional(),
  departmentId: z.coerce.number().int().positive().optional(),
  projectId: z.coerce.number().int().positive().optional(),
  /** in title, description or project name */
  q: z.string().trim().max(50).optional(),
});
export type ProblemListQuery = z.infer<typeof problemListQuery>;

export const problemCounts = z.object({
  open: z.number(),
  closed: z.number(),
  overdue: z.number(),
});

export const problemListResponse = z.object({
  items: z.array(problem),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  /** over the filtered set, regardless of the status filter */
  counts: problemCounts,
});

export const projectProblemsQuery = z.strictObject({
  status: z.enum(problemStatusFilters).optional(),
});
