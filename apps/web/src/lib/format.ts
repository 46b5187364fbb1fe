import dayjs from 'dayjs';

/** The API's dates (dayjs format). */
export const DATE = 'YYYY-MM-DD';

export const formatDateTime = (iso: string | null | undefined): string =>
  iso ? dayjs(iso).format('YYYY-MM-DD HH:mm:ss') : '—';

export const formatInterval = (seconds: number | null): string => {
  if (!seconds) return '仅手动运行';
  if (seconds % 86400 === 0) return seconds === 86400 ? '每天' : `每${seconds / 86400}天`;
  if (seconds % 3600 === 0) return seconds === 3600 ? '每小时' : `每${seconds / 3600}小时`;
  if (seconds % 60 === 0) return `每${seconds / 60}分钟`;
  return `每${seconds}秒`;
};

/** Pretty JSON for audit before/after and job results. */
export const prettyJson = (value: unknown): string =>
  value === undefined || value === null ? '' : JSON.stringify(value, null, 2);
