import { z } from 'zod';

export const importStatuses = ['validating', 'validated', 'applying', 'applied', 'failed'] as const;
export const importStatusLabels: Record<(typeof importStatuses)[number], string> = {
  validating: '校验中',
  validated: '已校验，待导入',
  applying: '导入中',
  applied: '已导入',
  failed: '失败',
};

export const importRowError = z.object({
  /** the row number as Excel shows it */
  row: z.number(),
  field: z.string().nullable(),
  message: z.string(),
});
export type ImportRowError = z.infer<typeof importRowError>;

export const projectImport = z.object({
  id: z.number(),
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
  /** why the whole file failed (unreadable, no header row …) */
  failure: z.string().nullable(),
  actorName: z.string(),
  createdAt: z.string(),
  appliedAt: z.string().nullable(),
});
export type ProjectImport = z.infer<typeof projectImport>;

export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;
export const XLSX_CONTENT_TYPE =
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
