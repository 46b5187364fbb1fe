import {
  IMPORT_MAX_BYTES,
  type ImportApplyRequest,
  type ImportKind,
  type ImportMappingRequest,
  type ImportStatus,
  type ProjectImport,
} from '@xiangmu/contracts';

/** The endpoints of one kind of import (projects or monthly reports). */
export interface ImportApi {
  list: () => Promise<ProjectImport[]>;
  get: (id: number) => Promise<ProjectImport>;
  upload: (file: File) => Promise<ProjectImport>;
  mapping: (id: number, body: ImportMappingRequest) => Promise<ProjectImport>;
  apply: (id: number, body: ImportApplyRequest) => Promise<ProjectImport>;
}

/** The words that differ between the two imports. */
export interface ImportTexts {
  /** where the rows go: 项目库 / 月度调度 */
  target: string;
  /** what a row becomes: 项目 / 报告 */
  noun: string;
  /** counter word: 个 / 份 */
  unit: string;
  /** the count of new rows: 新增 / 新填报 */
  create: string;
}

export const projectTexts: ImportTexts = {
  target: '项目库',
  noun: '项目',
  unit: '个',
  create: '新增',
};
export const reportTexts: ImportTexts = {
  target: '月度调度',
  noun: '报告',
  unit: '份',
  create: '新填报',
};

export const POLL_MS = 700;

export const statusColors: Record<ImportStatus, string> = {
  mapping: 'blue',
  validating: 'processing',
  validated: 'gold',
  applying: 'processing',
  applied: 'success',
  failed: 'error',
};

export const busy = (s: ImportStatus | undefined) => s === 'validating' || s === 'applying';

/** Refuses what the server would refuse anyway, before sending 20 MB for nothing. */
export function checkFile(file: File): string | null {
  if (!/\.xlsx$/i.test(file.name))
    return '仅支持 Excel 2007 及以上格式（.xlsx）的文件；.xls 请先在 Excel 中另存为 .xlsx';
  if (file.size > IMPORT_MAX_BYTES) return '文件超过20MB，请拆分后再导入';
  if (file.size === 0) return '文件是空的，请检查后重新选择';
  return null;
}

/** 亿元 for project ledgers, 万元 for monthly reports, unless the title says otherwise. */
export const defaultAmountUnit = (kind: ImportKind) => (kind === 'projects' ? 'yi' : 'wan');

/** The wizard's step (0 上传文件 … 3 导入完成) for an import in this status. */
export function stepOf(imp: ProjectImport, editing: boolean): number {
  switch (imp.status) {
    case 'mapping':
      return 1;
    case 'validating':
      return 2;
    case 'validated':
      return editing ? 1 : 2;
    case 'applying':
    case 'applied':
      return 3;
    case 'failed':
      return imp.layout === null ? 0 : imp.options === null ? 1 : 2;
  }
}
