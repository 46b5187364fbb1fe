import { z } from 'zod';
import { plainName } from './text';

/**
 * The import wizard shared by every spreadsheet import (docs/adr/0013):
 * upload → 列映射 (mapping) → 校验 (validating) → 预览 (validated) → 导入
 * (applying → applied). The file stays on the server until it is applied, so
 * the mapping can be changed and the file checked again.
 */
export const importStatuses = [
  'mapping',
  'validating',
  'validated',
  'applying',
  'applied',
  'failed',
] as const;
export type ImportStatus = (typeof importStatuses)[number];
export const importStatusLabels: Record<ImportStatus, string> = {
  mapping: '待确认列映射',
  validating: '校验中',
  validated: '已校验，待导入',
  applying: '导入中',
  applied: '已导入',
  failed: '失败',
};

export const importKinds = ['projects', 'monthly_reports'] as const;
export type ImportKind = (typeof importKinds)[number];

export const amountUnits = ['yi', 'wan'] as const;
export type AmountUnit = (typeof amountUnits)[number];
export const amountUnitLabels: Record<AmountUnit, string> = { yi: '亿元', wan: '万元' };

export const importRowError = z.object({
  /** the row number as Excel shows it */
  row: z.number(),
  field: z.string().nullable(),
  message: z.string(),
});
export type ImportRowError = z.infer<typeof importRowError>;

/** A field the file's columns can be mapped to. */
export const importField = z.object({
  key: z.string(),
  label: z.string(),
  /** the import cannot start without it (or, for the month, without a month chosen) */
  required: z.boolean(),
  /** money: read in 亿元 or 万元 */
  amount: z.boolean(),
  hint: z.string().nullable(),
});
export type ImportField = z.infer<typeof importField>;

/** One column of the uploaded sheet as the wizard shows it. */
export const importColumn = z.object({
  /** 1-based, as Excel counts */
  index: z.number(),
  /** A, B, … AA */
  letter: z.string(),
  /** the heading as written; a merged group heading and its sub-heading joined by " / " */
  header: z.string(),
  /** the first few values below the header */
  samples: z.array(z.string()),
  /** the field it feeds, or null: 不导入 */
  field: z.string().nullable(),
  /** the unit its heading, group or the title names */
  unit: z.enum(amountUnits).nullable(),
});
export type ImportColumn = z.infer<typeof importColumn>;

/** What the upload found: the header, the title's hints and the proposed mapping. */
export const importLayout = z.object({
  columns: z.array(importColumn),
  fields: z.array(importField),
  /** text of the rows above the header (标题、填报单位、金额单位 …) */
  title: z.array(z.string()),
  /** the header's rows as Excel numbers them */
  headerRows: z.tuple([z.number(), z.number()]),
  /** hints read from the title rows */
  titleUnit: z.enum(amountUnits).nullable(),
  titleYear: z.number().nullable(),
  titleCampaign: z.number().nullable(),
  titleMonth: z.string().nullable(),
  /** the proposed mapping is the one confirmed last time for this region and header */
  remembered: z.boolean(),
});
export type ImportLayout = z.infer<typeof importLayout>;

/** What the user confirmed in the mapping step. */
export const importOptions = z.object({
  columns: z.array(z.object({ index: z.number(), field: z.string().nullable() })),
  /** the unit of amount columns whose heading names none */
  amountUnit: z.enum(amountUnits),
  /** project import: the plan year of rows without one */
  planYear: z.number().nullable(),
  /** project import: the "三个一批" period the 项目类别 column's batches belong to */
  campaignId: z.number().nullable(),
  /** monthly-report import: the month of rows without one */
  month: z.string().nullable(),
});
export type ImportOptions = z.infer<typeof importOptions>;

export const importMappingRequest = z.strictObject({
  columns: z
    .array(
      z.strictObject({
        index: z.int().min(1).max(16_384),
        field: z.string().min(1).max(40).nullable(),
      }),
    )
    .max(1000),
  amountUnit: z.enum(amountUnits).optional(),
  planYear: z.int().min(2000).max(2100).optional(),
  campaignId: z.int().min(1).max(2_147_483_647).optional(),
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM')
    .optional(),
});
export type ImportMappingRequest = z.infer<typeof importMappingRequest>;

/** Names the apply step will create unless mapped to existing ones. */
export const importNewName = z.object({
  name: z.string(),
  /** rows that name it */
  rows: z.number(),
});

/** What the preview tells beyond counts (project import). */
export const importPreview = z.object({
  /** 责任单位 not yet in the database: created on apply unless mapped */
  newDepartments: z.array(importNewName),
  /** 包保领导 not yet named on any project of the scope */
  newLeaders: z.array(importNewName),
  /** 包保领导 already in use, for mapping a new spelling onto */
  knownLeaders: z.array(z.string()),
  /** rows without 统一社会信用代码: imported as 待补充 */
  missingCreditCode: z.number(),
  /** no 产业集群 column: the cluster inferred from name and 建设内容 */
  inferredClusters: z.array(z.object({ cluster: z.string(), rows: z.number() })),
  /** rows per stage the new projects get */
  stages: z.array(z.object({ stage: z.string(), rows: z.number() })),
  /** batches the 项目类别 column puts projects in */
  campaign: z
    .object({
      id: z.number(),
      name: z.string(),
      sign: z.number(),
      start: z.number(),
      produce: z.number(),
    })
    .nullable(),
});
export type ImportPreview = z.infer<typeof importPreview>;

export const importApplyRequest = z.strictObject({
  /** new 责任单位 names mapped to existing departments */
  departments: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(100),
        departmentId: z.int().min(1).max(2_147_483_647),
      }),
    )
    .max(1000)
    .optional(),
  /** new 包保领导 spellings mapped to names already in use */
  leaders: z
    .array(
      // the name written onto the projects: the same rule as the form's 包保领导
      z.strictObject({ name: z.string().min(1).max(100), leaderName: plainName(30) }),
    )
    .max(1000)
    .optional(),
  /** use the inferred 产业集群 instead of 其他 */
  acceptInferredClusters: z.boolean().optional(),
});
export type ImportApplyRequest = z.infer<typeof importApplyRequest>;

export const projectImport = z.object({
  id: z.number(),
  kind: z.enum(importKinds),
  filename: z.string(),
  status: z.enum(importStatuses),
  /** data rows found so far / in all (known once the file is read) */
  processedRows: z.number(),
  totalRows: z.number().nullable(),
  validRows: z.number(),
  createRows: z.number(),
  updateRows: z.number(),
  unchangedRows: z.number(),
  rejectedRows: z.number(),
  /** the first 1 000 rejected rows with their reasons */
  errors: z.array(importRowError),
  /** rows imported all the same but worth a look (an amount that looks like the wrong unit …) */
  warnings: z.array(importRowError),
  warningRows: z.number(),
  /** why the whole file failed (unreadable, no header row …), or why the last apply did not go through */
  failure: z.string().nullable(),
  /** the mapping step: null only for imports made before it existed */
  layout: importLayout.nullable(),
  /** the confirmed mapping, once the user has confirmed one */
  options: importOptions.nullable(),
  preview: importPreview.nullable(),
  actorName: z.string(),
  createdAt: z.string(),
  appliedAt: z.string().nullable(),
});
export type ProjectImport = z.infer<typeof projectImport>;

export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;
export const XLSX_CONTENT_TYPE =
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
