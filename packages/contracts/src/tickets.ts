import { z } from 'zod';
import { pageOf, pageQuery, version, rowId, rowIdParam } from './common';
import { creditCode, isoDate } from './projects';
import { phone, plainName, plainText, regionCode } from './text';

// Closed-loop service tickets (issue 5): the vocabulary shared by the server
// and the UI. One engine serves every source; docs/adr/0011-ticket-engine.md.

export const ticketSources = ['enterprise', 'request', 'grid', 'project'] as const;
export type TicketSource = (typeof ticketSources)[number];
export const ticketSourceLabels: Record<TicketSource, string> = {
  enterprise: '万人助万企',
  request: '有诉即办',
  grid: '网格事件',
  project: '项目问题',
};

/**
 * 待受理 → 已受理 → 已派遣 → 处置中 → 已反馈 → 已办结; 退回 goes back to
 * 已受理 for another dispatch; 已合并 closes a duplicate into another ticket.
 */
export const ticketStatuses = [
  'submitted',
  'accepted',
  'dispatched',
  'handling',
  'replied',
  'closed',
  'merged',
] as const;
export type TicketStatus = (typeof ticketStatuses)[number];
export const ticketStatusLabels: Record<TicketStatus, string> = {
  submitted: '待受理',
  accepted: '已受理',
  dispatched: '已派遣',
  handling: '处置中',
  replied: '已反馈',
  closed: '已办结',
  merged: '已合并',
};

export const ticketActions = [
  'accept',
  'dispatch',
  'return',
  'start',
  'reply',
  'rate',
  'close',
  'reassign',
  'merge',
  'supervise',
  'escalate',
] as const;
export type TicketAction = (typeof ticketActions)[number];
export const ticketActionLabels: Record<TicketAction, string> = {
  accept: '受理',
  dispatch: '派遣',
  return: '退回',
  start: '开始处置',
  reply: '反馈',
  rate: '评价',
  close: '办结',
  reassign: '改派',
  merge: '合并',
  supervise: '督办',
  escalate: '升级',
};

export const ticketRatings = ['satisfied', 'basic', 'unsatisfied'] as const;
export type TicketRating = (typeof ticketRatings)[number];
export const ticketRatingLabels: Record<TicketRating, string> = {
  satisfied: '满意',
  basic: '基本满意',
  unsatisfied: '不满意',
};

/** where a ticket is handled, and where it was resolved (小事不出家门 … 要事不出区) */
export const ticketLevels = ['grid', 'street', 'district', 'city'] as const;
export type TicketLevel = (typeof ticketLevels)[number];
export const ticketLevelLabels: Record<TicketLevel, string> = {
  grid: '网格',
  street: '街道',
  district: '区县',
  city: '市级',
};

/** a category's time limit: working days on the official calendar, or clock hours */
export interface TicketTimeLimit {
  value: number;
  unit: 'working_days' | 'hours';
}

// ---------------------------------------------------------------------------
// The API of the ticket engine.

const ticketSourceSchema = z.enum(ticketSources);
const ticketStatusSchema = z.enum(ticketStatuses);
const ticketLevelSchema = z.enum(ticketLevels);
const ticketRatingSchema = z.enum(ticketRatings);

export const ticketTimeLimit = z.strictObject({
  value: z.number().int('时限须为整数').min(1, '时限至少为1').max(720, '时限不能超过720'),
  unit: z.enum(['working_days', 'hours']),
});
export const ticketTimeLimitLabel = (l: TicketTimeLimit) =>
  `${l.value}${l.unit === 'hours' ? '小时' : '个工作日'}`;

/** 工单类别 with its time limit; an Open311 "service" (service_code = id). */
export const ticketCategory = z.object({
  id: z.number(),
  source: ticketSourceSchema,
  name: z.string(),
  timeLimit: z.object({ value: z.number(), unit: z.enum(['working_days', 'hours']) }),
  active: z.boolean(),
  version: z.number(),
});
export type TicketCategory = z.infer<typeof ticketCategory>;

export const createTicketCategoryRequest = z.strictObject({
  source: ticketSourceSchema,
  name: plainName(40),
  timeLimit: ticketTimeLimit,
});
export const updateTicketCategoryRequest = z.strictObject({
  name: plainName(40).optional(),
  timeLimit: ticketTimeLimit.optional(),
  active: z.boolean().optional(),
  version,
});
export type UpdateTicketCategoryRequest = z.infer<typeof updateTicketCategoryRequest>;

// --- the enterprise registry (万人助万企) ---

export const enterpriseSizes = ['large', 'medium', 'small', 'micro'] as const;
export type EnterpriseSize = (typeof enterpriseSizes)[number];
export const enterpriseSizeLabels: Record<EnterpriseSize, string> = {
  large: '大型',
  medium: '中型',
  small: '小型',
  micro: '微型',
};

export const enterprise = z.object({
  id: z.number(),
  creditCode: z.string(),
  name: z.string(),
  industry: z.string(),
  regionCode: z.string(),
  regionName: z.string(),
  size: z.enum(enterpriseSizes),
  address: z.string(),
  contactName: z.string(),
  contactPhone: z.string(),
  /** 包联干部 */
  cadreUserId: z.number().nullable(),
  cadreName: z.string().nullable(),
  openTickets: z.number(),
  version: z.number(),
});
export type Enterprise = z.infer<typeof enterprise>;

export const enterpriseListQuery = z.strictObject({
  ...pageQuery,
  q: z.string().trim().max(50).optional(),
  regionCode: regionCode.optional(),
  /** only the enterprises this cadre is assigned to (包联) */
  mine: z.enum(['true', 'false']).optional(),
});
export type EnterpriseListQuery = z.infer<typeof enterpriseListQuery>;
export const enterpriseListResponse = pageOf(enterprise);

export const createEnterpriseRequest = z.strictObject({
  creditCode,
  name: plainName(100),
  industry: plainName(40),
  regionCode,
  size: z.enum(enterpriseSizes),
  address: plainText(200).optional(),
  contactName: plainName(40).optional(),
  contactPhone: phone.optional(),
  cadreUserId: rowId.nullable().optional(),
});
export type CreateEnterpriseRequest = z.infer<typeof createEnterpriseRequest>;
export const updateEnterpriseRequest = createEnterpriseRequest
  .omit({ creditCode: true })
  .partial()
  .extend({ version });
export type UpdateEnterpriseRequest = z.infer<typeof updateEnterpriseRequest>;

// --- tickets ---

/** an idempotency key: the same submission sent twice creates one ticket */
export const idempotencyKey = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, '幂等键应为8–64位字母、数字、下划线或连字符');

export const createTicketRequest = z.strictObject({
  source: ticketSourceSchema,
  categoryId: rowId,
  title: plainText(100).refine((s) => s.length > 0, '请填写标题'),
  description: plainText(2000).refine((s) => s.length > 0, '请填写诉求内容'),
  /** where it is: a district, street or grid in the caller's scope (default: the enterprise's or the caller's region) */
  regionCode: regionCode.optional(),
  enterpriseId: rowId.optional(),
  projectId: rowId.optional(),
  requesterName: plainName(40).optional(),
  requesterPhone: phone.optional(),
  address: plainText(200).optional(),
  lng: z.number().min(73).max(136).optional(),
  lat: z.number().min(3).max(54).optional(),
  idempotencyKey: idempotencyKey.optional(),
  // A project problem (问题台账) only:
  /** 整改期限: due at the end of this day (Beijing) instead of the category's limit */
  rectifyBy: isoDate.optional(),
  /** the monthly report (月度调度) it was raised from */
  reportId: rowId.optional(),
  /** 责任单位: registered and dispatched to it at once (by those who may dispatch) */
  departmentId: rowId.optional(),
});
export type CreateTicketRequest = z.infer<typeof createTicketRequest>;

const note = (what: string, max = 1000) =>
  plainText(max).refine((s) => s.length > 0, `请填写${what}`);

export const ticketVersionRequest = z.strictObject({ version, note: plainText(500).optional() });
export const dispatchTicketRequest = z.strictObject({
  departmentId: rowId,
  /** 协办单位 */
  coDepartmentIds: z.array(rowId).max(10).optional(),
  note: plainText(500).optional(),
  version,
});
export type DispatchTicketRequest = z.infer<typeof dispatchTicketRequest>;
export const reassignTicketRequest = dispatchTicketRequest.extend({ note: note('改派原因', 500) });
export const returnTicketRequest = z.strictObject({ reason: note('退回原因', 500), version });
export const replyTicketRequest = z.strictObject({ reply: note('办理结果', 2000), version });
export const rateTicketRequest = z.strictObject({
  rating: ticketRatingSchema,
  comment: plainText(500).optional(),
  version,
});
export const mergeTicketRequest = z.strictObject({
  intoTicketId: rowId,
  version,
});
export const superviseTicketRequest = z.strictObject({ note: note('督办意见', 500), version });

export const ticket = z.object({
  id: z.number(),
  /** 工单编号 GD + date + sequence */
  number: z.string(),
  source: ticketSourceSchema,
  categoryId: z.number(),
  categoryName: z.string(),
  timeLimit: z.object({ value: z.number(), unit: z.enum(['working_days', 'hours']) }),
  title: z.string(),
  description: z.string(),
  regionCode: z.string(),
  regionName: z.string(),
  level: ticketLevelSchema,
  status: ticketStatusSchema,
  enterpriseId: z.number().nullable(),
  enterpriseName: z.string().nullable(),
  projectId: z.number().nullable(),
  projectName: z.string().nullable(),
  requesterName: z.string(),
  requesterPhone: z.string().nullable(),
  address: z.string(),
  lng: z.number().nullable(),
  lat: z.number().nullable(),
  departmentId: z.number().nullable(),
  departmentName: z.string().nullable(),
  coDepartments: z.array(z.object({ id: z.number(), name: z.string() })),
  createdByName: z.string(),
  createdAt: z.string(),
  dueAt: z.string(),
  remindAt: z.string(),
  /** open and past due, or closed after the due time */
  overdue: z.boolean(),
  /** open and the reminder time has come */
  dueSoon: z.boolean(),
  escalations: z.number(),
  reply: z.string().nullable(),
  repliedAt: z.string().nullable(),
  rating: ticketRatingSchema.nullable(),
  ratingComment: z.string().nullable(),
  closedAt: z.string().nullable(),
  resolvedLevel: ticketLevelSchema.nullable(),
  mergedIntoId: z.number().nullable(),
  /** 整改期限 of a project problem */
  rectifyBy: z.string().nullable(),
  reportId: z.number().nullable(),
  /** the month of that report, YYYY-MM */
  reportMonth: z.string().nullable(),
  version: z.number(),
});
export type Ticket = z.infer<typeof ticket>;

/** 'update' and 'reopen' come from the problem ledger's history (migration 0016) */
export const ticketEventKinds = [...ticketActions, 'create', 'remind', 'update', 'reopen'] as const;
export type TicketEventKind = (typeof ticketEventKinds)[number];
export const ticketEventLabels: Record<TicketEventKind, string> = {
  ...ticketActionLabels,
  create: '登记',
  remind: '临期提醒',
  update: '修改',
  reopen: '重新打开',
};

export const ticketEvent = z.object({
  id: z.number(),
  kind: z.enum(ticketEventKinds),
  fromStatus: ticketStatusSchema.nullable(),
  toStatus: ticketStatusSchema.nullable(),
  level: ticketLevelSchema,
  departmentName: z.string().nullable(),
  note: z.string().nullable(),
  actorName: z.string(),
  at: z.string(),
});
export type TicketEvent = z.infer<typeof ticketEvent>;

export const ticketPhoto = z.object({
  id: z.number(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  uploaderName: z.string(),
  createdAt: z.string(),
});
export type TicketPhoto = z.infer<typeof ticketPhoto>;

export const ticketDetail = ticket.extend({
  events: z.array(ticketEvent),
  photos: z.array(ticketPhoto),
  /** what the caller may do now: the buttons the UI shows */
  allowed: z.array(z.enum(ticketActions)),
});
export type TicketDetail = z.infer<typeof ticketDetail>;

export const ticketStatusFilters = [...ticketStatuses, 'open', 'overdue'] as const;
export type TicketStatusFilter = (typeof ticketStatusFilters)[number];

const csvOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .trim()
    .optional()
    .transform((s, ctx) => {
      if (!s) return undefined;
      const parts = s.split(',').filter(Boolean);
      for (const p of parts)
        if (!(values as readonly string[]).includes(p)) {
          ctx.addIssue({ code: 'custom', message: `无效的取值：${p}` });
          return z.NEVER;
        }
      return parts as T[number][];
    });

export const ticketListQuery = z.strictObject({
  ...pageQuery,
  q: z.string().trim().max(50).optional(),
  regionCode: regionCode.optional(),
  source: csvOf(ticketSources),
  status: csvOf(ticketStatusFilters),
  level: csvOf(ticketLevels),
  categoryId: rowIdParam.optional(),
  departmentId: rowIdParam.optional(),
  enterpriseId: rowIdParam.optional(),
  projectId: rowIdParam.optional(),
  /** created on or after / on or before (Beijing dates) */
  from: isoDate.optional(),
  to: isoDate.optional(),
});
export type TicketListQuery = z.infer<typeof ticketListQuery>;
export const ticketListResponse = pageOf(ticket).extend({
  counts: z.object({ open: z.number(), overdue: z.number(), closed: z.number() }),
});
export type TicketListResponse = z.infer<typeof ticketListResponse>;

/** 我的待办: what waits for the caller, by role */
export const ticketQueueTabs = ['todo', 'dueSoon', 'overdue', 'mine', 'all'] as const;
export type TicketQueueTab = (typeof ticketQueueTabs)[number];
export const ticketQueueTabLabels: Record<TicketQueueTab, string> = {
  todo: '待我处理',
  dueSoon: '即将到期',
  overdue: '已超期',
  mine: '我登记的',
  all: '全部未办结',
};
export const ticketQueueQuery = z.strictObject({
  ...pageQuery,
  tab: z.enum(ticketQueueTabs).default('todo'),
});
export const ticketQueueResponse = pageOf(ticket).extend({
  counts: z.object({
    todo: z.number(),
    dueSoon: z.number(),
    overdue: z.number(),
    mine: z.number(),
    all: z.number(),
  }),
});
export type TicketQueueResponse = z.infer<typeof ticketQueueResponse>;

export const ticketStatsQuery = z.strictObject({
  regionCode: regionCode.optional(),
  source: csvOf(ticketSources),
  from: isoDate.optional(),
  to: isoDate.optional(),
});
export type TicketStatsQuery = z.infer<typeof ticketStatsQuery>;

export const ticketUnitStats = z.object({
  departmentId: z.number(),
  departmentName: z.string(),
  received: z.number(),
  closed: z.number(),
  closedOnTime: z.number(),
  open: z.number(),
  overdue: z.number(),
  rated: z.number(),
  satisfied: z.number(),
  basic: z.number(),
  unsatisfied: z.number(),
  /** closed on time / closed, in % (one decimal), null when nothing closed */
  onTimeRate: z.number().nullable(),
  /** (满意 + 基本满意) / rated, in %, null when nothing rated */
  satisfactionRate: z.number().nullable(),
  /** by on-time rate, then satisfaction, then received */
  rank: z.number(),
});
export type TicketUnitStats = z.infer<typeof ticketUnitStats>;

export const ticketStatsResponse = z.object({
  regionCode: z.string(),
  totals: z.object({
    received: z.number(),
    closed: z.number(),
    closedOnTime: z.number(),
    open: z.number(),
    overdue: z.number(),
    undispatched: z.number(),
  }),
  /** where closed tickets were resolved (小事不出家门 … 要事不出区) */
  resolvedByLevel: z.array(z.object({ level: ticketLevelSchema, closed: z.number() })),
  units: z.array(ticketUnitStats),
});
export type TicketStatsResponse = z.infer<typeof ticketStatsResponse>;

// --- Open311 GeoReport v2 clients (external systems: 12345, cameras, AI alerts) ---

export const open311Client = z.object({
  id: z.number(),
  name: z.string(),
  regionCode: z.string(),
  regionName: z.string(),
  active: z.boolean(),
  createdAt: z.string(),
  requests: z.number(),
});
export type Open311Client = z.infer<typeof open311Client>;
export const createOpen311ClientRequest = z.strictObject({ name: plainName(60), regionCode });
/** the key is shown once, when the client is created */
export const createdOpen311Client = open311Client.extend({ apiKey: z.string() });
