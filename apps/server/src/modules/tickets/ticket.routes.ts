import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  attachmentUploadQuery,
  createdOpen311Client,
  createOpen311ClientRequest,
  createTicketCategoryRequest,
  createTicketRequest,
  dispatchTicketRequest,
  idParam,
  legacyProblemResponse,
  mergeTicketRequest,
  okResponse,
  open311Client,
  rateTicketRequest,
  reassignTicketRequest,
  replyTicketRequest,
  returnTicketRequest,
  superviseTicketRequest,
  ticket,
  ticketCategory,
  ticketDetail,
  ticketListQuery,
  ticketListResponse,
  ticketPhoto,
  ticketQueueQuery,
  ticketQueueResponse,
  ticketStatsQuery,
  ticketStatsResponse,
  ticketVersionRequest,
  updateTicketCategoryRequest,
  XLSX_CONTENT_TYPE,
  type Ticket,
  rowIdParam,
} from '@xiangmu/contracts';
import type { ApiApp, AppContext } from '../../platform/http/app';
import { DomainError } from '../../platform/http/domain-error';
import { sendUserFile } from '../../platform/http/download';
import { actorOf } from '../../platform/http/request';
import * as categories from './category.service';
import * as open311 from './open311.service';
import * as stats from './ticket.stats';
import * as tickets from './ticket.service';

const download = (reply: FastifyReply, f: { filename: string; file: Buffer }) =>
  reply
    .header('content-type', XLSX_CONTENT_TYPE)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(f.filename)}`)
    .send(f.file);

export function ticketRoutes(app: ApiApp, { db }: AppContext) {
  const tags = ['工单'];
  app.get(
    '/api/tickets/categories',
    { schema: { tags, summary: '工单类别及办理时限', response: { 200: z.array(ticketCategory) } } },
    async (req) => categories.listCategories(db, actorOf(req)),
  );
  app.post(
    '/api/tickets/categories',
    {
      schema: {
        tags,
        summary: '新增工单类别（市级管理员）',
        body: createTicketCategoryRequest,
        response: { 200: ticketCategory },
      },
    },
    async (req) => categories.createCategory(db, actorOf(req), req.body),
  );
  app.patch(
    '/api/tickets/categories/:id',
    {
      schema: {
        tags,
        summary: '修改类别名称、时限或停用（新时限对此后登记的工单生效）',
        params: idParam,
        body: updateTicketCategoryRequest,
        response: { 200: ticketCategory },
      },
    },
    async (req) => categories.updateCategory(db, actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/tickets',
    {
      schema: {
        tags,
        summary:
          '登记工单（万人助万企诉求、有诉即办、网格事件、项目问题）；带 idempotencyKey 重复提交只生成一张工单',
        body: createTicketRequest,
        response: { 200: ticket },
      },
    },
    async (req) => (await tickets.createTicket(db, { actor: actorOf(req) }, req.body)).ticket,
  );
  app.get(
    '/api/tickets',
    {
      schema: {
        tags,
        summary:
          '工单台账（筛选：区域、来源、状态、层级、类别、承办单位、企业、项目、时间、关键词）',
        querystring: ticketListQuery,
        response: { 200: ticketListResponse },
      },
    },
    async (req) => tickets.listTickets(db, actorOf(req), req.query),
  );
  app.get(
    '/api/tickets/queue',
    {
      schema: {
        tags,
        summary: '我的待办（待我处理、即将到期、已超期、我登记的、全部未办结）',
        querystring: ticketQueueQuery,
        response: { 200: ticketQueueResponse },
      },
    },
    async (req) => tickets.ticketQueue(db, actorOf(req), req.query),
  );
  app.get(
    '/api/tickets/stats',
    {
      schema: {
        tags,
        summary: '承办单位统计与排名（受理、按期办结、超期、满意度）及化解层级',
        querystring: ticketStatsQuery,
        response: { 200: ticketStatsResponse },
      },
    },
    async (req) => stats.ticketStats(db, actorOf(req), req.query),
  );
  app.get(
    '/api/tickets/export',
    {
      schema: {
        tags,
        summary: '导出工单台账 Excel（与台账相同的筛选；附单位统计）',
        querystring: ticketListQuery.omit({ page: true, pageSize: true }),
      },
    },
    async (req, reply) => download(reply, await stats.exportTickets(db, actorOf(req), req.query)),
  );
  app.get(
    '/api/tickets/:id',
    {
      schema: {
        tags,
        summary: '工单详情、办理经过与可进行的操作',
        params: idParam,
        response: { 200: ticketDetail },
      },
    },
    async (req) => tickets.getTicket(db, actorOf(req), req.params.id),
  );
  app.get(
    '/api/problems/:id',
    {
      schema: {
        tags,
        summary: '原问题台账的问题现在是哪张项目问题工单（旧链接跳转）',
        params: idParam,
        response: { 200: legacyProblemResponse },
      },
    },
    async (req) => tickets.ticketOfLegacyProblem(db, actorOf(req), req.params.id),
  );

  const steps = [
    ['accept', '受理', ticketVersionRequest, tickets.acceptTicket],
    ['dispatch', '派遣到承办单位（可加协办单位）', dispatchTicketRequest, tickets.dispatchTicket],
    ['return', '退回（派错了，须填写原因）', returnTicketRequest, tickets.returnTicket],
    ['start', '开始处置', ticketVersionRequest, tickets.startTicket],
    ['reply', '反馈办理结果', replyTicketRequest, tickets.replyTicket],
    ['rate', '评价（不满意则退回承办单位重新办理）', rateTicketRequest, tickets.rateTicket],
    ['close', '办结销号', ticketVersionRequest, tickets.closeTicket],
    ['reassign', '改派（须填写原因）', reassignTicketRequest, tickets.reassignTicket],
    ['merge', '合并重复工单', mergeTicketRequest, tickets.mergeTicket],
    ['supervise', '督办', superviseTicketRequest, tickets.superviseTicket],
  ] as const;
  for (const [action, summary, body, handler] of steps)
    app.post(
      `/api/tickets/:id/${action}`,
      { schema: { tags, summary, params: idParam, body, response: { 200: ticket } } },
      // each handler takes its own body schema's type
      async (req) =>
        (handler as (...a: unknown[]) => Promise<Ticket>)(
          db,
          actorOf(req),
          req.params.id,
          req.body,
        ),
    );

  app.post(
    '/api/tickets/:id/photos',
    {
      schema: {
        tags,
        summary: '上传现场照片（请求体为图片本身：JPEG、PNG 或 WebP，最大10MB；每张工单最多9张）',
        params: idParam,
        querystring: attachmentUploadQuery,
        response: { 200: ticketPhoto },
      },
    },
    async (req) => {
      if (!(req.body instanceof Readable))
        throw new DomainError('UNSUPPORTED_MEDIA_TYPE', {
          message: '请以图片文件（JPEG、PNG 或 WebP）上传',
        });
      return tickets.uploadTicketPhoto(db, actorOf(req), req.params.id, {
        filename: req.query.filename,
        stream: req.body,
      });
    },
  );
  app.get(
    '/api/tickets/:id/photos/:photoId',
    {
      schema: {
        tags,
        summary: '查看工单照片（返回图片本身）',
        params: z.strictObject({
          id: rowIdParam,
          photoId: rowIdParam,
        }),
      },
    },
    async (req, reply) => {
      const p = await tickets.getTicketPhoto(db, actorOf(req), req.params.id, req.params.photoId);
      return sendUserFile(reply, p);
    },
  );

  const clientTags = ['Open311 接入'];
  app.get(
    '/api/open311/clients',
    {
      schema: {
        tags: clientTags,
        summary: '接入系统（Open311 api_key）',
        response: { 200: z.array(open311Client) },
      },
    },
    async (req) => open311.listClients(db, actorOf(req)),
  );
  app.post(
    '/api/open311/clients',
    {
      schema: {
        tags: clientTags,
        summary: '新增接入系统，返回 api_key（只显示这一次）',
        body: createOpen311ClientRequest,
        response: { 200: createdOpen311Client },
      },
    },
    async (req) => open311.createClient(db, actorOf(req), req.body),
  );
  app.post(
    '/api/open311/clients/:id/revoke',
    {
      schema: {
        tags: clientTags,
        summary: '停用接入系统的 api_key',
        params: idParam,
        response: { 200: okResponse },
      },
    },
    async (req) => open311.revokeClient(db, actorOf(req), req.params.id),
  );
}
