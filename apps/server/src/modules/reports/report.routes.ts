import { Readable } from 'node:stream';
import { z } from 'zod';
import {
  annualCompletion,
  annualCompletionQuery,
  closeMonthRequest,
  idParam,
  importApplyRequest,
  importMappingRequest,
  monthClosure,
  monthClosureQuery,
  monthClosureResult,
  monthlyReport,
  projectImport,
  projectReports,
  projectReportsQuery,
  reopenMonthRequest,
  reportImportQuery,
  reportListQuery,
  reportListResponse,
  reportTemplateQuery,
  submitReportRequest,
  updateReportRequest,
  XLSX_CONTENT_TYPE,
} from '@xiangmu/contracts';
import type { ApiApp, AppContext } from '../../platform/http/app';
import { DomainError } from '../../platform/http/domain-error';
import { actorOf } from '../../platform/http/request';
import * as imports from './report.import';
import * as reports from './report.service';

export function reportRoutes(app: ApiApp, { db }: AppContext) {
  const tags = ['月度调度'];
  app.get(
    '/api/reports',
    {
      schema: {
        tags,
        summary:
          '某月的调度情况：应报项目（当月底处于在建阶段）与已报项目，含按时/迟报/未报/待报、本年累计与完成率；默认上月',
        querystring: reportListQuery,
        response: { 200: reportListResponse },
      },
    },
    async (req) => reports.listReports(db, actorOf(req), req.query),
  );
  app.get(
    '/api/reports/closures',
    {
      schema: {
        tags,
        summary: '各区县某月是否已关闭及报送情况；默认上月',
        querystring: monthClosureQuery,
        response: { 200: z.array(monthClosure) },
      },
    },
    async (req) => reports.listClosures(db, actorOf(req), req.query.month),
  );
  app.post(
    '/api/reports/closures',
    {
      schema: {
        tags,
        summary: '关闭区县（或全市）某月的调度：此后不能再填报或修改',
        body: closeMonthRequest,
        response: { 200: monthClosureResult },
      },
    },
    async (req) => reports.closeMonth(db, actorOf(req), req.body),
  );
  app.post(
    '/api/reports/closures/reopen',
    {
      schema: {
        tags,
        summary: '重新开放已关闭的月份（市级，须填写原因）',
        body: reopenMonthRequest,
        response: { 200: monthClosureResult },
      },
    },
    async (req) => reports.reopenMonth(db, actorOf(req), req.body),
  );
  app.get(
    '/api/reports/completion',
    {
      schema: {
        tags,
        summary: '年度投资完成率：本年已报投资 ÷ 本年计划投资，合计及各区县，含逐月投资',
        querystring: annualCompletionQuery,
        response: { 200: annualCompletion },
      },
    },
    async (req) => reports.annualCompletion(db, actorOf(req), req.query),
  );
  app.get(
    '/api/reports/:id',
    {
      schema: { tags, summary: '调度报告详情', params: idParam, response: { 200: monthlyReport } },
    },
    async (req) => reports.getReport(db, actorOf(req), req.params.id),
  );
  app.patch(
    '/api/reports/:id',
    {
      schema: {
        tags,
        summary: '修改调度报告（该月关闭后不能修改）',
        params: idParam,
        body: updateReportRequest,
        response: { 200: monthlyReport },
      },
    },
    async (req) => reports.updateReport(db, actorOf(req), req.params.id, req.body),
  );
  app.get(
    '/api/projects/:id/reports',
    {
      schema: {
        tags,
        summary: '项目本年各月的调度报告与状态、年度完成率',
        params: idParam,
        querystring: projectReportsQuery,
        response: { 200: projectReports },
      },
    },
    async (req) => reports.projectReports(db, actorOf(req), req.params.id, req.query.year),
  );
  app.post(
    '/api/projects/:id/reports',
    {
      schema: {
        tags,
        summary: '填报项目某月的调度（本月完成投资、形象进度、照片、存在问题）',
        params: idParam,
        body: submitReportRequest,
        response: { 200: monthlyReport },
      },
    },
    async (req) => reports.submitReport(db, actorOf(req), req.params.id, req.body),
  );

  const importTags = ['月度调度导入'];
  app.get(
    '/api/reports/import-template',
    {
      schema: {
        tags: importTags,
        summary: '下载月度调度导入模板（列出本人范围内应报的项目）',
        querystring: reportTemplateQuery,
      },
    },
    async (req, reply) => {
      const { filename, file } = await imports.reportTemplate(db, actorOf(req), req.query.month);
      return reply
        .header('content-type', XLSX_CONTENT_TYPE)
        .header(
          'content-disposition',
          `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`,
        )
        .send(file);
    },
  );
  app.post(
    '/api/reports/imports',
    {
      schema: {
        tags: importTags,
        summary:
          '上传月度调度 Excel（请求体为 .xlsx 文件本身，最大20MB）；返回导入记录及识别出的表头与建议的列映射，确认映射后开始校验',
        querystring: reportImportQuery,
        response: { 200: projectImport },
      },
    },
    async (req) => {
      if (!(req.body instanceof Readable))
        throw new DomainError('UNSUPPORTED_MEDIA_TYPE', {
          message: '请以 Excel 文件（.xlsx）上传',
        });
      return imports.startReportImport(db, actorOf(req), {
        filename: req.query.filename,
        month: req.query.month,
        stream: req.body,
      });
    },
  );
  app.get(
    '/api/reports/imports',
    {
      schema: {
        tags: importTags,
        summary: '最近的月度调度导入',
        response: { 200: z.array(projectImport) },
      },
    },
    async (req) => imports.listReportImports(db, actorOf(req)),
  );
  app.get(
    '/api/reports/imports/:id',
    {
      schema: {
        tags: importTags,
        summary: '导入进度与校验结果',
        params: idParam,
        response: { 200: projectImport },
      },
    },
    async (req) => imports.getReportImport(db, actorOf(req), req.params.id),
  );
  app.post(
    '/api/reports/imports/:id/mapping',
    {
      schema: {
        tags: importTags,
        summary: '确认列映射（每列对应的字段、金额单位、无月份列时的月份），随后在后台校验',
        params: idParam,
        body: importMappingRequest,
        response: { 200: projectImport },
      },
    },
    async (req) => imports.mapReportImport(db, actorOf(req), req.log, req.params.id, req.body),
  );
  app.post(
    '/api/reports/imports/:id/apply',
    {
      schema: {
        tags: importTags,
        summary: '确认导入：所有有效行在一个事务中写入，或全部不写',
        params: idParam,
        body: importApplyRequest.nullish(),
        response: { 200: projectImport },
      },
    },
    async (req) => imports.applyReportImport(db, actorOf(req), req.params.id),
  );
}
