import { z } from 'zod';
import { jobDefinition, jobListQuery, jobRun, pageOf, runJobParams } from '@xiangmu/contracts';
import type { ApiApp, AppContext } from '../../platform/http/app';
import { actorOf } from '../../platform/http/request';
import * as jobs from './job.service';

export function jobRoutes(app: ApiApp, { db, jobs: runner }: AppContext) {
  const tags = ['后台任务'];
  app.get(
    '/api/jobs',
    { schema: { tags, summary: '任务定义与计划', response: { 200: z.array(jobDefinition) } } },
    async (req) => jobs.listJobDefinitions(db, runner, actorOf(req)),
  );
  app.get(
    '/api/jobs/runs',
    {
      schema: {
        tags,
        summary: '任务运行记录',
        querystring: jobListQuery,
        response: { 200: pageOf(jobRun) },
      },
    },
    async (req) => jobs.listJobRuns(db, actorOf(req), req.query),
  );
  app.post(
    '/api/jobs/:name/run',
    {
      schema: {
        tags,
        summary: '立即运行任务',
        params: runJobParams,
        response: { 200: z.object({ id: z.number() }) },
      },
    },
    async (req) => jobs.requestJobRun(db, runner, actorOf(req), req.params.name),
  );
}
