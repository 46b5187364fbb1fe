import { z } from 'zod';
import {
  createProjectRequest,
  idParam,
  project,
  projectListQuery,
  projectListResponse,
  stageChangeRequest,
  stageEvent,
  updateProjectRequest,
} from '@xiangmu/contracts';
import type { ApiApp, AppContext } from '../../platform/http/app';
import { actorOf } from '../../platform/http/request';
import { exportLedger } from './project.ledger';
import * as projects from './project.service';

export function projectRoutes(app: ApiApp, { db }: AppContext) {
  const tags = ['重点项目'];
  app.get(
    '/api/projects',
    {
      schema: {
        tags,
        summary: '项目库列表（筛选、拼音首字母搜索、排序、分页、合计）',
        querystring: projectListQuery,
        response: { 200: projectListResponse },
      },
    },
    async (req) => projects.listProjects(db, actorOf(req), req.query),
  );
  app.get(
    '/api/projects/export',
    {
      schema: {
        tags,
        summary: '导出项目台账（Excel，条件同列表；金额单位亿元，含合计行）',
        querystring: projectListQuery,
      },
    },
    async (req, reply) => {
      const { filename, stream } = await exportLedger(db, actorOf(req), req.query);
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header(
          'content-disposition',
          `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`,
        )
        .send(stream);
    },
  );
  app.post(
    '/api/projects',
    {
      schema: { tags, summary: '新建项目', body: createProjectRequest, response: { 200: project } },
    },
    async (req) => projects.createProject(db, actorOf(req), req.body),
  );
  app.get(
    '/api/projects/:id',
    { schema: { tags, summary: '项目详情', params: idParam, response: { 200: project } } },
    async (req) => projects.getProject(db, actorOf(req), req.params.id),
  );
  app.patch(
    '/api/projects/:id',
    {
      schema: {
        tags,
        summary: '修改项目',
        params: idParam,
        body: updateProjectRequest,
        response: { 200: project },
      },
    },
    async (req) => projects.updateProject(db, actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/projects/:id/stage',
    {
      schema: {
        tags,
        summary: '变更项目阶段（记录日期与依据；回退须说明原因）',
        params: idParam,
        body: stageChangeRequest,
        response: { 200: project },
      },
    },
    async (req) => projects.changeStage(db, actorOf(req), req.params.id, req.body),
  );
  app.get(
    '/api/projects/:id/stages',
    {
      schema: {
        tags,
        summary: '阶段时间线',
        params: idParam,
        response: { 200: z.array(stageEvent) },
      },
    },
    async (req) => projects.listStageEvents(db, actorOf(req), req.params.id),
  );
}
