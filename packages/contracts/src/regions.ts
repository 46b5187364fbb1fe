import { z } from 'zod';
import { plainName, regionCode } from './text';

export const regionLevels = [
  'city',
  'district',
  'street',
  'grid1',
  'grid2',
  'grid3',
  'micro',
] as const;
export const regionLevelSchema = z.enum(regionLevels);
export type RegionLevel = z.infer<typeof regionLevelSchema>;

export const regionLevelLabels: Record<RegionLevel, string> = {
  city: '市',
  district: '区县/功能区',
  street: '街道/乡镇',
  grid1: '一级网格',
  grid2: '二级网格',
  grid3: '三级网格',
  micro: '微网格',
};

export const gridLevels = ['grid1', 'grid2', 'grid3', 'micro'] as const;

export const region = z.object({
  code: z.string(),
  name: z.string(),
  level: regionLevelSchema,
  parentCode: z.string().nullable(),
  /** true for the national (GB/T 2260) part of the tree, false for local grids */
  official: z.boolean(),
  version: z.number(),
});
export type Region = z.infer<typeof region>;

export const regionListQuery = z.strictObject({
  /** deepest level to return; streets and grids are many */
  maxLevel: regionLevelSchema.optional(),
  parentCode: regionCode.optional(),
});

export const createGridRequest = z.strictObject({
  parentCode: regionCode,
  name: plainName(40),
  level: z.enum(gridLevels),
});

export const renameGridRequest = z.strictObject({ name: plainName(40), version: z.number().int() });
