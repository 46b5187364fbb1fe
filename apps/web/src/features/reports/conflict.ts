import { compareDecimals, type MonthlyReport } from '@xiangmu/contracts';
import {
  conflictRows,
  type ConflictRow,
  type VersionConflict,
} from '../../components/VersionConflictModal';
import { formatWan } from './model';

/** What the form edits, as the API takes it (万元, photo ids). */
export interface ReportFields {
  invested: string;
  progress: string;
  problems: string;
  photoIds: number[];
}

type Field = keyof ReportFields;

/** A report edit that met a newer version. */
export type ReportConflict = VersionConflict<MonthlyReport, ReportFields>;

const fieldLabels: Record<Field, string> = {
  invested: '本月完成投资',
  progress: '形象进度',
  problems: '存在问题',
  photoIds: '照片',
};

export const reportFieldsOf = (r: MonthlyReport): ReportFields => ({
  invested: r.invested,
  progress: r.progress,
  problems: r.problems,
  photoIds: r.photos.map((p) => p.id),
});

/** Whether two versions of a field are the same (amounts compared as numbers). */
export const sameField = (k: Field, a: ReportFields, b: ReportFields) =>
  k === 'photoIds'
    ? a.photoIds.join(',') === b.photoIds.join(',')
    : k === 'invested'
      ? a.invested && b.invested
        ? compareDecimals(a.invested, b.invested) === 0
        : a.invested === b.invested
      : a[k] === b[k];

const show = (k: Field, v: ReportFields): string => {
  if (k === 'photoIds') return v.photoIds.length ? `${v.photoIds.length}张` : '无';
  if (k === 'invested') return v.invested ? formatWan(v.invested) : '—';
  return v[k] || '—';
};

/** The conflict table of a report edit: the fields either side changed. */
export const reportConflictRows = (c: ReportConflict): ConflictRow[] =>
  conflictRows(
    fieldLabels,
    { had: reportFieldsOf(c.had), theirs: reportFieldsOf(c.current), mine: c.mine },
    sameField,
    show,
  );
