import { z } from 'zod';
import {
  dashboard,
  dashboardQuery,
  investmentTarget,
  mapPoints,
  mapPointsQuery,
  ranking,
  rankingQuery,
  setTargetsRequest,
  targetsQuery,
} from '@xiangmu/contracts';
import type { ApiApp, AppContext } from '../../platform/http/app';
import { actorOf } from '../../platform/http/request';
import * as dashboards from './dashboard.service';

export function dashboardRoutes(app: ApiApp, { db }: AppContext) {
  const tags = ['驾驶舱'];
  app.get(
    '/api/dashboard',
    {
      schema: {
        tags,
        summary:
          '驾驶舱：项目库按阶段/级别/产业集群/区域，年度计划与完成投资（逐月、同比、目标），预警，"三个一批"',
        querystring: dashboardQuery,
        response: { 200: dashboard },
      },
    },
    async (req) => dashboards.getDashboard(db, actorOf(req), req.query),
  );
  app.get(
    '/api/dashboard/ranking',
    {
      schema: {
        tags,
        summary: '下级区域按指标排名，及较上月的名次变化',
        querystring: rankingQuery,
        response: { 200: ranking },
      },
    },
    async (req) => dashboards.getRanking(db, actorOf(req), req.query),
  );
  app.get(
    '/api/dashboard/points',
    {
      schema: {
        tags,
        summary: '地图上的项目点位（有坐标的项目，按总投资取前500个）',
        querystring: mapPointsQuery,
        response: { 200: mapPoints },
      },
    },
    async (req) => dashboards.getMapPoints(db, actorOf(req), req.query),
  );
  app.get(
    '/api/dashboard/targets',
    {
      schema: {
        tags,
        summary: '年度投资目标（本级及下级区县）',
        querystring: targetsQuery,
        response: { 200: z.array(investmentTarget) },
      },
    },
    async (req) => dashboards.listTargets(db, actorOf(req), req.query),
  );
  app.put(
    '/api/dashboard/targets',
    {
      schema: {
        tags,
        summary: '设置年度投资目标（市级）',
        body: setTargetsRequest,
        response: { 200: z.array(investmentTarget) },
      },
    },
    async (req) => dashboards.setTargets(db, actorOf(req), req.body),
  );
}
