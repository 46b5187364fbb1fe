import { z } from 'zod';
import { pageQuery, rowId, rowIdParam } from './common';
import { isValidCreditCode } from './credit-code';
import { isWanAmount } from './money';
import { phone, plainName, plainText, regionCode } from './text';

/** Life cycle, in order (DOMAIN.md). */
export const projectStages = [
  'planned',
  'negotiating',
  'signed',
  'preparing',
  'building',
  'completed',
  'operating',
] as const;
export const projectStageSchema = z.enum(projectStages);
export type ProjectStage = z.infer<typeof projectStageSchema>;

export const projectStageLabels: Record<ProjectStage, string> = {
  planned: '谋划',
  negotiating: '在谈',
  signed: '签约',
  preparing: '前期',
  building: '在建',
  completed: '竣工',
  operating: '投产',
};

export const projectLevels = ['province', 'city', 'district'] as const;
export const projectLevelSchema = z.enum(projectLevels);
export type ProjectLevel = z.infer<typeof projectLevelSchema>;
export const projectLevelLabels: Record<ProjectLevel, string> = {
  province: '省重点',
  city: '市重点',
  district: '区重点',
};

/** 六大主导产业集群 + 战略性新兴产业 + 其他 */
export const industryClusters = [
  '电子信息',
  '汽车',
  '装备制造',
  '新材料',
  '现代食品',
  '铝及铝精深加工',
  '节能环保',
  '新一代信息技术',
  '生物医药',
  '高端装备制造',
  '新能源及智能网联汽车',
  '现代服务业',
  '基础设施',
  '社会民生',
  '其他',
] as const;
export const industryClusterSchema = z.enum(industryClusters);

export const wanAmount = z
  .string()
  .trim()
  .refine(isWanAmount, '金额格式错误：以万元为单位，最多两位小数')
  .refine((s) => !s.startsWith('-'), '金额不能为负数');

/** a calendar date; years outside 1900–2100 are typing mistakes (year 0000 broke the database) */
export const isoDate = z.iso
  .date('日期格式应为 YYYY-MM-DD')
  .refine((d) => d >= '1900-01-01' && d <= '2100-12-31', '日期应在1900年至2100年之间');

export const creditCode = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isValidCreditCode, '统一社会信用代码无效（18位，末位校验码不符）');

/** GB/T 4754-2017: a section letter, optionally with 2–4 digits (C, C36, C3612). */
export const industryCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-T](\d{2}|\d{3}|\d{4})?$/, '国民经济行业代码格式应如 C36 或 C3612');

const projectFields = {
  name: plainName(100),
  ownerName: plainName(100),
  /** optional: real ledgers often lack it; such projects are listed as 待补充 */
  ownerCreditCode: creditCode.nullable().optional(),
  regionCode,
  industryCluster: industryClusterSchema,
  industryCode: industryCode.nullable().optional(),
  level: projectLevelSchema,
  content: plainText(2000).optional(),
  /** 总投资, 万元 */
  totalInvestment: wanAmount,
  /** 年度计划投资, 万元, for planYear */
  annualPlan: wanAmount,
  planYear: z.number().int().min(2000).max(2100),
  plannedStart: isoDate.nullable().optional(),
  plannedEnd: isoDate.nullable().optional(),
  leaderName: plainName(30).nullable().optional(),
  departmentId: rowId.nullable().optional(),
  contactName: plainName(30).nullable().optional(),
  contactPhone: phone.nullable().optional(),
  /** WGS-84 */
  lng: z.number().min(73).max(136).nullable().optional(),
  lat: z.number().min(3).max(54).nullable().optional(),
  tags: z.array(plainName(20)).max(20).optional(),
};

export const createProjectRequest = z.strictObject({
  ...projectFields,
  stage: projectStageSchema.optional(),
});
export type CreateProjectRequest = z.infer<typeof createProjectRequest>;

export const updateProjectRequest = z.strictObject({
  ...Object.fromEntries(Object.entries(projectFields).map(([k, v]) => [k, v.optional()])),
  version: z.number().int(),
} as { [K in keyof typeof projectFields]: z.ZodOptional<(typeof projectFields)[K]> } & {
  version: z.ZodNumber;
});
export type UpdateProjectRequest = z.infer<typeof updateProjectRequest>;

export const project = z.object({
  id: z.number(),
  name: z.string(),
  ownerName: z.string(),
  ownerCreditCode: z.string().nullable(),
  regionCode: z.string(),
  regionName: z.string(),
  industryCluster: z.string(),
  industryCode: z.string().nullable(),
  level: projectLevelSchema,
  content: z.string(),
  totalInvestment: z.string(),
  annualPlan: z.string(),
  planYear: z.number(),
  stage: projectStageSchema,
  stageChangedOn: z.string().nullable(),
  plannedStart: z.string().nullable(),
  plannedEnd: z.string().nullable(),
  actualStart: z.string().nullable(),
  actualEnd: z.string().nullable(),
  leaderName: z.string().nullable(),
  departmentId: z.number().nullable(),
  departmentName: z.string().nullable(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  lng: z.number().nullable(),
  lat: z.number().nullable(),
  tags: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});
export type Project = z.infer<typeof project>;

export const projectSortFields = [
  'name',
  'totalInvestment',
  'annualPlan',
  'plannedStart',
  'updatedAt',
  'stage',
] as const;

const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? (v === '' ? undefined : v.split(',')) : v),
    z.array(item).max(20).optional(),
  );

export const projectListQuery = z.strictObject({
  ...pageQuery,
  /** name contains, or pinyin initials start with (e.g. "hebl" finds 海尔…) */
  q: z.string().trim().max(50).optional(),
  regionCode: regionCode.optional(),
  stage: csv(projectStageSchema),
  level: csv(projectLevelSchema),
  industryCluster: csv(industryClusterSchema),
  industryCode: z.string().trim().toUpperCase().max(5).optional(),
  planYear: z.coerce.number().int().min(2000).max(2100).optional(),
  departmentId: rowIdParam.optional(),
  leaderName: z.string().trim().max(30).optional(),
  tag: z.string().trim().max(20).optional(),
  /** 'creditCode': only projects still without 统一社会信用代码 (待补充) */
  missing: z.enum(['creditCode']).optional(),
  minInvestment: wanAmount.optional(),
  maxInvestment: wanAmount.optional(),
  plannedStartFrom: isoDate.optional(),
  plannedStartTo: isoDate.optional(),
  sort: z.enum(projectSortFields).default('updatedAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
});
export type ProjectListQuery = z.infer<typeof projectListQuery>;

export const projectListResponse = z.object({
  items: z.array(project),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  /** sums over every matching project, not just this page (万元) */
  sums: z.object({ totalInvestment: z.string(), annualPlan: z.string() }),
});

export const stageChangeRequest = z.strictObject({
  to: projectStageSchema,
  /** when it happened (not when it was entered) */
  occurredOn: isoDate,
  evidence: plainText(1000).refine((s) => s.length > 0, '请填写依据（批复文号、合同、照片说明等）'),
  /** required when going back */
  reason: plainText(500).optional(),
  version: z.number().int(),
});

export const stageEvent = z.object({
  id: z.number(),
  fromStage: projectStageSchema.nullable(),
  toStage: projectStageSchema,
  occurredOn: z.string(),
  evidence: z.string(),
  reason: z.string().nullable(),
  actorName: z.string(),
  createdAt: z.string(),
});
export type StageEvent = z.infer<typeof stageEvent>;
