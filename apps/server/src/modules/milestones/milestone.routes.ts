import { z } from 'zod';
import {
  battleChart,
  battleChartQuery,
  completeMilestoneRequest,
  createMilestoneRequest,
  deleteMilestoneQuery,
  idParam,
  milestone,
  milestoneListQuery,
  milestoneOwner,
  milestonePage,
  milestoneTemplate,
  okResponse,
  planMilestonesRequest,
  reopenMilestoneRequest,
  saveTemplateRequest,
  updateMilestoneRequest,
  updateTemplateRequest,
} from '@xiangmu/contracts';
import type { ApiApp, AppContext } from '../../platform/http/app';
import { actorOf } from '../../platform/http/request';
import * as milestones from './milestone.service';

export function milestoneRoutes(app: ApiApp, { db }: AppContext) {
  const tags = ['节点与倒排工期'];
  app.get(
    '/api/projects/:id/milestones',
    {
      schema: {
        tags,
        summary: '项目的节点',
        params: idParam,
        response: { 200: z.array(milestone) },
      },
    },
    async (req) => milestones.listProjectMilestones(db, actorOf(req), req.params.id),
  );
  app.post(
    '/api/projects/:id/milestones/plan',
    {
      schema: {
        tags,
        summary: '倒排工期：按模板从目标日期按工作日倒推生成节点',
        params: idParam,
        body: planMilestonesRequest,
        response: { 200: z.array(milestone) },
      },
    },
    async (req) => milestones.planMilestones(db, actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/projects/:id/milestones',
    {
      schema: {
        tags,
        summary: '新增一个节点',
        params: idParam,
        body: createMilestoneRequest,
        response: { 200: milestone },
      },
    },
    async (req) => milestones.createMilestone(db, actorOf(req), req.params.id, req.body),
  );
  app.get(
    '/api/projects/:id/milestone-owners',
    {
      schema: {
        tags,
        summary: '可担任该项目节点责任人的用户',
        params: idParam,
        response: { 200: z.array(milestoneOwner) },
      },
    },
    async (req) => milestones.listOwnerCandidates(db, actorOf(req), req.params.id),
  );
  app.get(
    '/api/milestones',
    {
      schema: {
        tags,
        summary: '节点列表（mine=true 为"我的节点"），最紧急的在前',
        querystring: milestoneListQuery,
        response: { 200: milestonePage },
      },
    },
    async (req) => milestones.listMilestones(db, actorOf(req), req.query),
  );
  app.get(
    '/api/milestones/battle-chart',
    {
      schema: {
        tags,
        summary: '作战图：区域内项目及其节点',
        querystring: battleChartQuery,
        response: { 200: battleChart },
      },
    },
    async (req) => milestones.battleChart(db, actorOf(req), req.query),
  );
  app.patch(
    '/api/milestones/:id',
    {
      schema: {
        tags,
        summary: '修改节点（手工改期后不再随目标日期和日历重算）',
        params: idParam,
        body: updateMilestoneRequest,
        response: { 200: milestone },
      },
    },
    async (req) => milestones.updateMilestone(db, actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/milestones/:id/complete',
    {
      schema: {
        tags,
        summary: '节点完成（需填写完成依据）',
        params: idParam,
        body: completeMilestoneRequest,
        response: { 200: milestone },
      },
    },
    async (req) => milestones.completeMilestone(db, actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/milestones/:id/reopen',
    {
      schema: {
        tags,
        summary: '重新打开已完成的节点（需填写原因）',
        params: idParam,
        body: reopenMilestoneRequest,
        response: { 200: milestone },
      },
    },
    async (req) => milestones.reopenMilestone(db, actorOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/milestones/:id',
    {
      schema: {
        tags,
        summary: '删除节点',
        params: idParam,
        querystring: deleteMilestoneQuery,
        response: { 200: okResponse },
      },
    },
    async (req) => milestones.deleteMilestone(db, actorOf(req), req.params.id, req.query.version),
  );
  app.get(
    '/api/milestone-templates',
    {
      schema: { tags, summary: '倒排工期模板', response: { 200: z.array(milestoneTemplate) } },
    },
    async (req) => milestones.listTemplates(db, actorOf(req)),
  );
  app.post(
    '/api/milestone-templates',
    {
      schema: {
        tags,
        summary: '新建模板（市级管理员）',
        body: saveTemplateRequest,
        response: { 200: milestoneTemplate },
      },
    },
    async (req) => milestones.createTemplate(db, actorOf(req), req.body),
  );
  app.put(
    '/api/milestone-templates/:id',
    {
      schema: {
        tags,
        summary: '修改模板（只影响此后的倒排）',
        params: idParam,
        body: updateTemplateRequest,
        response: { 200: milestoneTemplate },
      },
    },
    async (req) => milestones.updateTemplate(db, actorOf(req), req.params.id, req.body),
  );
}
