import { z } from 'zod';
import {
  closeProblemRequest,
  idParam,
  problem,
  problemDetail,
  problemListQuery,
  problemListResponse,
  projectProblemsQuery,
  raiseProblemRequest,
  reopenProblemRequest,
  updateProblemRequest,
} from '@xiangmu/contracts';
import type { ApiApp, AppContext } from '../../platform/http/app';
import { actorOf } from '../../platform/http/request';
import * as problems from './problem.service';

export function problemRoutes(app: ApiApp, { db }: AppContext) {
  const tags = ['问题台账'];
  app.get(
    '/api/problems',
    {
      schema: {
        tags,
        summary:
          '问题台账（筛选：区域、状态 未销号/已销号/逾期、责任单位、项目、关键词；分页；各状态计数）',
        querystring: problemListQuery,
        response: { 200: problemListResponse },
      },
    },
    async (req) => problems.listProblems(db, actorOf(req), req.query),
  );
  app.get(
    '/api/problems/:id',
    {
      schema: {
        tags,
        summary: '问题详情及处理经过',
        params: idParam,
        response: { 200: problemDetail },
      },
    },
    async (req) => problems.getProblem(db, actorOf(req), req.params.id),
  );
  app.patch(
    '/api/problems/:id',
    {
      schema: {
        tags,
        summary: '修改未销号的问题（问题、描述、责任单位、整改期限）',
        params: idParam,
        body: updateProblemRequest,
        response: { 200: problem },
      },
    },
    async (req) => problems.updateProblem(db, actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/problems/:id/close',
    {
      schema: {
        tags,
        summary: '销号（须填写依据，可附照片）；责任单位只能销号分派给本单位的问题',
        params: idParam,
        body: closeProblemRequest,
        response: { 200: problem },
      },
    },
    async (req) => problems.closeProblem(db, actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/problems/:id/reopen',
    {
      schema: {
        tags,
        summary: '重新打开已销号的问题（须填写原因）',
        params: idParam,
        body: reopenProblemRequest,
        response: { 200: problem },
      },
    },
    async (req) => problems.reopenProblem(db, actorOf(req), req.params.id, req.body),
  );
  app.get(
    '/api/projects/:id/problems',
    {
      schema: {
        tags,
        summary: '项目的问题（未销号在前）',
        params: idParam,
        querystring: projectProblemsQuery,
        response: { 200: z.array(problem) },
      },
    },
    async (req) => problems.projectProblems(db, actorOf(req), req.params.id, req.query.status),
  );
  app.post(
    '/api/projects/:id/problems',
    {
      schema: {
        tags,
        summary: '在项目上提出问题，分派责任单位并限期整改',
        params: idParam,
        body: raiseProblemRequest,
        response: { 200: problem },
      },
    },
    async (req) => problems.raiseProblem(db, actorOf(req), req.params.id, req.body),
  );
}
