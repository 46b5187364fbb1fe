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
