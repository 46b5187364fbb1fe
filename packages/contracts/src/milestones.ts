import { z } from 'zod';
import { roleSchema } from './auth';
import { pageOf, pageQuery, version, rowId, rowIdParam } from './common';
import { isoDate, projectStageSchema } from './projects';
import { plainName, plainText, regionCode } from './text';

/**
 * Milestones (节点) and 倒排工期: each project's nodes, each with an owner and
 * a due date, worked back from a target date in working days.
 */

/** 红黄绿灯: red = overdue, yellow = due within the warning window, green = on track. */
export const milestoneStatuses = ['green', 'yellow', 'red', 'done'] as const;
export const milestoneStatusSchema = z.enum(milestoneStatuses);
export type MilestoneStatus = z.infer<typeof milestoneStatusSchema>;
export const milestoneStatusLabels: Record<MilestoneStatus, string> = {
  green: '正常',
  yellow: '临期',
  red: '逾期',
  done: '已完成',
};
/** a node turns yellow this many working days before it is due */
export const MILESTONE_WARNING_WORKDAYS = 5;

export const milestone = z.object({
  id: z.number(),
  projectId: z.number(),
  projectName: z.string(),
  projectStage: projectStageSchema,
  regionCode: z.string(),
  regionName: z.string(),
  seq: z.number(),
  name: z.string(),
  ownerUserId: z.number().nullable(),
  /** 责任人 (a person or a unit) */
  ownerName: z.string(),
  dueOn: z.string(),
  /** set when the due date was worked back from a target: recomputed when the calendar changes */
  targetOn: z.string().nullable(),
  offsetWorkdays: z.number().nullable(),
  doneOn: z.string().nullable(),
  evidence: z.string().nullable(),
  status: milestoneStatusSchema,
  version: z.number(),
});
export type Milestone = z.infer<typeof milestone>;

export const milestoneOwnerFields = {
  /** a user who then sees it under "my milestones" */
  ownerUserId: rowId.nullable().optional(),
  ownerName: plainName(60),
};

export const createMilestoneRequest = z.strictObject({
  name: plainName(40),
  dueOn: isoDate,
  ...milestoneOwnerFields,
});

export const updateMilestoneRequest = z.strictObject({
  version,
  name: plainName(40).optional(),
  /** a hand-set date is fixed: it no longer follows the target or the calendar */
  dueOn: isoDate.optional(),
  ownerUserId: rowId.nullable().optional(),
  ownerName: plainName(60).optional(),
});

export const completeMilestoneRequest = z.strictObject({
  version,
  doneOn: isoDate,
  /** 完成依据: what shows it is done (permit number, photo, minutes) */
  evidence: plainText(500).pipe(z.string().min(1, '请填写完成依据')),
});

export const reopenMilestoneRequest = z.strictObject({
  version,
  reason: plainText(200).pipe(z.string().min(1, '请填写重新打开的原因')),
});

export const templateStep = z.strictObject({
  name: plainName(40),
  /** working days from this node to the next one (the last node is the target itself) */
  workdaysToNext: z.number().int().min(0, '工作日不能为负').max(1000, '工作日不能超过1000'),
});
export type TemplateStep = z.infer<typeof templateStep>;

export const milestoneTemplate = z.object({
  id: z.number(),
  name: z.string(),
  steps: z.array(templateStep),
  version: z.number(),
  updatedAt: z.string(),
});
export type MilestoneTemplate = z.infer<typeof milestoneTemplate>;

export const saveTemplateRequest = z.strictObject({
  name: plainName(40),
  steps: z.array(templateStep).min(1, '至少需要一个节点').max(30, '节点不能超过30个'),
});
export const updateTemplateRequest = saveTemplateRequest.extend({ version });

/** 倒排工期: generate a project's nodes backwards from the target date. */
export const planMilestonesRequest = z.strictObject({
  templateId: rowId,
  /** the date of the template's last node (e.g. 投产) */
  targetOn: isoDate,
  ...milestoneOwnerFields,
  /** replace the project's open nodes; done nodes are always kept */
  replace: z.boolean().default(false),
});

export const milestoneListQuery = z.strictObject({
  ...pageQuery,
  regionCode: regionCode.optional(),
  status: milestoneStatusSchema.optional(),
  /** "my milestones": only those owned by the caller */
  mine: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  projectId: rowIdParam.optional(),
  dueFrom: isoDate.optional(),
  dueTo: isoDate.optional(),
  q: z.string().trim().max(40).optional(),
});
export const milestonePage = pageOf(milestone).extend({
  counts: z.record(milestoneStatusSchema, z.number()),
});

/** 作战图: a region's projects with their nodes, for the Gantt-like battle chart. */
export const battleChartQuery = z.strictObject({
  regionCode: regionCode.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  status: milestoneStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const battleChartRow = z.object({
  projectId: z.number(),
  projectName: z.string(),
  regionName: z.string(),
  stage: projectStageSchema,
  leaderName: z.string().nullable(),
  milestones: z.array(milestone),
});
export const battleChart = z.object({
  rows: z.array(battleChartRow),
  /** projects with nodes in the window beyond the limit */
  truncated: z.boolean(),
  counts: z.record(milestoneStatusSchema, z.number()),
});

// ---- working-day calendar -------------------------------------------------

export const calendarDayKinds = ['holiday', 'workday'] as const;
export const calendarDay = z.object({
  date: z.string(),
  /** holiday = 休 (no work); workday = 班 (a weekend made a working day, 调休) */
  kind: z.enum(calendarDayKinds),
  name: z.string(),
  /** package = chinese-days; admin = entered or corrected in xiangmu */
  source: z.enum(['package', 'admin']),
});
export type CalendarDay = z.infer<typeof calendarDay>;

export const calendarYear = z.object({
  year: z.number(),
  /** whether the calendar package knows this year's official arrangement */
  published: z.boolean(),
  /** days that differ from the plain Monday–Friday week, package and admin together */
  days: z.array(calendarDay),
  /** the admin's own entries for the year */
  corrections: z.array(calendarDay),
});

export const calendarYearParam = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2100),
});

export const calendarCorrection = z.strictObject({
  date: isoDate,
  kind: z.enum(calendarDayKinds),
  name: plainName(20),
});

/** Replaces the admin's corrections for one year; due dates are recomputed. */
export const saveCalendarRequest = z.strictObject({
  corrections: z.array(calendarCorrection).max(366),
});
export const saveCalendarResponse = z.object({
  corrections: z.number(),
  /** milestones whose due date moved */
  recomputed: z.number(),
});

export const deleteMilestoneQuery = z.strictObject({ version: z.coerce.number().int().min(1) });

/** Someone who can own a project's node: a user on the project's region line. */
export const milestoneOwner = z.object({
  id: z.number(),
  displayName: z.string(),
  role: roleSchema,
  regionName: z.string(),
  departmentName: z.string().nullable(),
});
export type MilestoneOwner = z.infer<typeof milestoneOwner>;
