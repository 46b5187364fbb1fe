import { z } from 'zod';
import {
  addEntryRequest,
  campaign,
  campaignDetail,
  campaignEntriesQuery,
  campaignEntry,
  createCampaignRequest,
  idParam,
  lockBatchRequest,
  okResponse,
  rowIdParam,
} from '@xiangmu/contracts';
import type { ApiApp, AppContext } from '../../platform/http/app';
import { actorOf } from '../../platform/http/request';
import * as campaigns from './campaign.service';

export function campaignRoutes(app: ApiApp, { db }: AppContext) {
  const tags = ['"三个一批"'];
  app.get(
    '/api/campaigns',
    { schema: { tags, summary: '期次列表', response: { 200: z.array(campaign) } } },
    async (req) => campaigns.listCampaigns(db, actorOf(req)),
  );
  app.post(
    '/api/campaigns',
    {
      schema: {
        tags,
        summary: '开启新一期（市级）',
        body: createCampaignRequest,
        response: { 200: campaign },
      },
    },
    async (req) => campaigns.createCampaign(db, actorOf(req), req.body),
  );
  app.get(
    '/api/campaigns/:id',
    {
      schema: {
        tags,
        summary: '本期各区县三个批次的个数、投资与跟踪（开工率等）',
        params: idParam,
        response: { 200: campaignDetail },
      },
    },
    async (req) => campaigns.getCampaignDetail(db, actorOf(req), req.params.id),
  );
  app.get(
    '/api/campaigns/:id/entries',
    {
      schema: {
        tags,
        summary: '批次中的项目',
        params: idParam,
        querystring: campaignEntriesQuery,
        response: { 200: z.array(campaignEntry) },
      },
    },
    async (req) => campaigns.listCampaignEntries(db, actorOf(req), req.params.id, req.query),
  );
  app.post(
    '/api/campaigns/:id/entries',
    {
      schema: {
        tags,
        summary: '将项目列入批次',
        params: idParam,
        body: addEntryRequest,
        response: { 200: okResponse },
      },
    },
    async (req) => campaigns.addEntry(db, actorOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/campaigns/:id/entries/:projectId',
    {
      schema: {
        tags,
        summary: '将项目移出批次',
        params: z.strictObject({
          id: rowIdParam,
          projectId: rowIdParam,
        }),
        response: { 200: okResponse },
      },
    },
    async (req) => campaigns.removeEntry(db, actorOf(req), req.params.id, req.params.projectId),
  );
  app.post(
    '/api/campaigns/:id/lock',
    {
      schema: {
        tags,
        summary: '审核锁定区县的批次（市级）',
        params: idParam,
        body: lockBatchRequest,
        response: { 200: okResponse },
      },
    },
    async (req) => campaigns.lockBatch(db, actorOf(req), req.params.id, req.body),
  );
}
