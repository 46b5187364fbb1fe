import { Readable } from 'node:stream';
import { z } from 'zod';
import {
  createProjectRequest,
  idParam,
  importApplyRequest,
  importMappingRequest,
  project,
  projectImport,
  projectListQuery,
  projectListResponse,
  stageChangeRequest,
  stageEvent,
  updateProjectRequest,
  XLSX_CONTENT_TYPE,
} from '@xiangmu/contracts';
import type { ApiApp, AppContext } from '../../platform/http/app';
import { DomainError } from '../../platform/http/domain-error';
import { actorOf } from '../../platform/http/request';
import * as imports from './project.import';
import { exportLedger } from './project.ledger';
import * as projects from './project.service';
import { importTemplate } from './project.template';

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
  const importTags = ['重点项目导入'];
  app.get(
    '/api/projects/import-template',
    { schema: { tags: importTags, summary: '下载导入模板' } },
    async (req, reply) => {
      const file = await importTemplate(actorOf(req));
      return reply
        .header('content-type', XLSX_CONTENT_TYPE)
        .header(
          'content-disposition',
          `attachment; filename*=UTF-8''${encodeURIComponent('重点项目导入模板.xlsx')}`,
        )
        .send(file);
    },
  );
  app.post(
    '/api/projects/imports',
    {
      schema: {
        tags: importTags,
        summary:
          '上传 Excel（请求体为 .xlsx 文件本身，最大20MB）；返回导入记录及识别出的表头与建议的列映射，确认映射后开始校验',
        querystring: z.strictObject({
          filename: z.string().trim().min(1).max(200).default('导入文件.xlsx'),
        }),
        response: { 200: projectImport },
      },
    },
    async (req) => {
      if (!(req.body instanceof Readable))
        throw new DomainError('UNSUPPORTED_MEDIA_TYPE', {
          message: '请以 Excel 文件（.xlsx）上传',
        });
      return imports.startImport(db, actorOf(req), {
        filename: req.query.filename,
        stream: req.body,
      });
    },
  );
  app.get(
    '/api/projects/imports',
    {
      schema: {
        tags: importTags,
        summary: '最近的导入',
        response: { 200: z.array(projectImport) },
      },
    },
    async (req) => imports.listImports(db, actorOf(req)),
  );
  app.get(
    '/api/projects/imports/:id',
    {
      schema: {
        tags: importTags,
        summary: '导入进度与校验结果',
        params: idParam,
        response: { 200: projectImport },
      },
    },
    async (req) => imports.getImport(db, actorOf(req), req.params.id),
  );
  app.post(
    '/api/projects/imports/:id/mapping',
    {
      schema: {
        tags: importTags,
        summary: '确认列映射（每列对应的字段、金额单位、计划年度、"三个一批"活动），随后在后台校验',
        params: idParam,
        body: importMappingRequest,
        response: { 200: projectImport },
      },
    },
    async (req) => imports.mapImport(db, actorOf(req), req.log, req.params.id, req.body),
  );
  app.post(
    '/api/projects/imports/:id/apply',
    {
      schema: {
        tags: importTags,
        summary:
          '确认导入：所有有效行在一个事务中写入，或全部不写；可把将新建的责任单位、包保领导对应到已有的',
        params: idParam,
        body: importApplyRequest.nullish(),
        response: { 200: projectImport },
      },
    },
    async (req) => imports.applyImport(db, actorOf(req), req.params.id, req.body ?? {}),
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
