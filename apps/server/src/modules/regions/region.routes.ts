import { z } from 'zod';
import { createGridRequest, region, regionListQuery, renameGridRequest } from '@xiangmu/contracts';
import type { ApiApp, AppContext } from '../../platform/http/app';
import { actorOf } from '../../platform/http/request';
import * as regions from './region.service';

const codeParam = z.strictObject({
  code: z.string().regex(/^\d{6,32}$/, '区划代码应为6位以上数字'),
});

export function regionRoutes(app: ApiApp, { db }: AppContext) {
  const tags = ['行政区划'];
  app.get(
    '/api/regions',
    {
      schema: {
        tags,
        summary: '可见的行政区划（当前区域及以下）',
        querystring: regionListQuery,
        response: { 200: z.array(region) },
      },
    },
    async (req) => regions.listRegions(db, actorOf(req), req.query),
  );
  app.get(
    '/api/regions/:code',
    { schema: { tags, summary: '区划详情', params: codeParam, response: { 200: region } } },
    async (req) =>
      regions.presentRegion(await regions.getRegionInScope(db, actorOf(req), req.params.code)),
  );
  app.post(
    '/api/regions/grids',
    { schema: { tags, summary: '新建网格', body: createGridRequest, response: { 200: region } } },
    async (req) => regions.createGrid(db, actorOf(req), req.body),
  );
  app.patch(
    '/api/regions/:code',
    {
      schema: {
        tags,
        summary: '修改网格名称',
        params: codeParam,
        body: renameGridRequest,
        response: { 200: region },
      },
    },
    async (req) => regions.renameGrid(db, actorOf(req), req.params.code, req.body),
  );
}
