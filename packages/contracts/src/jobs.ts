import { z } from 'zod';
import { pageQuery } from './common';

export const jobStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;

export const jobRun = z.object({
  id: z.number(),
  name: z.string(),
  status: z.enum(jobStatuses),
  attempts: z.number(),
  runAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  result: z.unknown(),
  createdAt: z.string(),
});
export type JobRun = z.infer<typeof jobRun>;

export const jobDefinition = z.object({
  name: z.string(),
  title: z.string(),
  intervalSeconds: z.number().nullable(),
  nextRunAt: z.string().nullable(),
});

export const jobListQuery = z.strictObject({ ...pageQuery, name: z.string().max(60).optional() });

export const runJobParams = z.strictObject({ name: z.string().min(1).max(60) });

/**
 * What each figure in a job's result means, per job: the 后台任务 page
 * shows "临期提醒 40000，超期升级 40000" instead of the JSON.
 */
export const jobResultLabels: Record<string, Record<string, string>> = {
  'sessions.purge': { deleted: '清理过期会话', throttleRows: '清理过期登录限制记录' },
  'attachments.purge': { deleted: '清理未使用的照片' },
  'milestones.rate': { changed: '红黄绿灯变化的节点' },
  'tickets.deadlines': { reminded: '临期提醒', escalated: '超期升级' },
  'dashboard.snapshot': { month: '月份', rows: '留存的区域指标' },
  'imports.settle': {
    validationsInterrupted: '校验中断的导入',
    appliesInterrupted: '写入中断的导入',
    expired: '过期未确认的导入',
    stagedRows: '清理暂存行',
    orphanFiles: '清理残留文件',
  },
};

/** A job's result in Chinese, e.g. "临期提醒 12，超期升级 3"; "无变化" when every figure is 0. */
export function describeJobResult(name: string, result: unknown): string {
  if (result === null || result === undefined) return '—';
  if (typeof result !== 'object' || Array.isArray(result)) return String(result);
  const labels = jobResultLabels[name] ?? {};
  const entries = Object.entries(result as Record<string, unknown>);
  if (entries.length === 0) return '完成';
  if (entries.every(([, v]) => v === 0)) return '无变化';
  return entries
    .map(([k, v]) => `${labels[k] ?? k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('，');
}
