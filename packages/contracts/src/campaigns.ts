import { z } from 'zod';
import { rowId } from './common';
import { isoDate, projectStageSchema, type ProjectStage } from './projects';
import { regionCode } from './text';

/** "三个一批": each period every region presents three batches. */
export const batchKinds = ['sign', 'start', 'produce'] as const;
export const batchKindSchema = z.enum(batchKinds);
export type BatchKind = z.infer<typeof batchKindSchema>;
export const batchKindLabels: Record<BatchKind, string> = {
  sign: '签约一批',
  start: '开工一批',
  produce: '投产一批',
};

/** What each batch is tracked by afterwards. */
export const batchTrackingLabels: Record<BatchKind, string> = {
  sign: '签约转开工',
  start: '开工率',
  produce: '按期投产率',
};

/** The stages a project may be in to be presented in each batch. */
export const batchStages: Record<BatchKind, ProjectStage[]> = {
  sign: ['planned', 'negotiating', 'signed'],
  start: ['signed', 'preparing', 'building'],
  produce: ['building', 'completed', 'operating'],
};

export const campaign = z.object({
  id: z.number(),
  number: z.number(),
  name: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  status: z.enum(['open', 'closed']),
  createdAt: z.string(),
  version: z.number(),
});
export type Campaign = z.infer<typeof campaign>;

export const createCampaignRequest = z.strictObject({
  /** 期次: 第N期 */
  number: z.number().int().min(1).max(999),
  startsOn: isoDate,
  endsOn: isoDate,
});

export const batchSummary = z.object({
  kind: batchKindSchema,
  locked: z.boolean(),
  count: z.number(),
  /** 万元 */
  totalInvestment: z.string(),
  annualPlan: z.string(),
  /** projects that reached the batch's goal (started; in production by the end date) */
  achieved: z.number(),
  /** achieved / count, 0–1, null for an empty batch */
  rate: z.number().nullable(),
});

export const regionCampaignSummary = z.object({
  regionCode: z.string(),
  regionName: z.string(),
  batches: z.array(batchSummary),
});

export const campaignDetail = z.object({
  campaign,
  /** one row per district in the caller's scope, plus the scope total first */
  regions: z.array(regionCampaignSummary),
});

export const campaignEntry = z.object({
  projectId: z.number(),
  projectName: z.string(),
  regionCode: z.string(),
  regionName: z.string(),
  kind: batchKindSchema,
  stage: projectStageSchema,
  stageChangedOn: z.string().nullable(),
  totalInvestment: z.string(),
  annualPlan: z.string(),
  achieved: z.boolean(),
  locked: z.boolean(),
});
export type CampaignEntry = z.infer<typeof campaignEntry>;

export const campaignEntriesQuery = z.strictObject({
  regionCode: regionCode.optional(),
  kind: batchKindSchema.optional(),
});

export const addEntryRequest = z.strictObject({
  projectId: rowId,
  kind: batchKindSchema,
});

export const lockBatchRequest = z.strictObject({
  regionCode,
  kind: batchKindSchema,
});
