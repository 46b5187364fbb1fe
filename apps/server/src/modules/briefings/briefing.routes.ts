import type { FastifyReply } from 'fastify';
import { briefing, briefingQuery, DOCX_CONTENT_TYPE, XLSX_CONTENT_TYPE } from '@xiangmu/contracts';
import type { ApiApp, AppContext } from '../../platform/http/app';
import { actorOf } from '../../platform/http/request';
import * as briefings from './briefing.service';

/** A file download, its Chinese name per RFC 5987. */
const download = (reply: FastifyReply, type: string, f: { filename: string; file: Buffer }) =>
  reply
    .header('content-type', type)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(f.filename)}`)
    .send(f.file);

export function briefingRoutes(app: ApiApp, { db }: AppContext) {
  const tags = ['简报'];
  app.get(
    '/api/briefings',
    {
      schema: {
        tags,
        summary:
          '月度重点项目建设简报（正文）：由驾驶舱数据生成项目库、年度投资、"三个一批"、预警和排名各部分；第N期即所报月份',
        querystring: briefingQuery,
        response: { 200: briefing },
      },
    },
    async (req) => briefings.getBriefing(db, actorOf(req), req.query),
  );
  app.get(
    '/api/briefings/docx',
    {
      schema: {
        tags,
        summary: '下载简报 Word 文档（按 GB/T 9704-2012 公文格式排版，含红色报头、页码和版记）',
        querystring: briefingQuery,
      },
    },
    async (req, reply) =>
      download(reply, DOCX_CONTENT_TYPE, await briefings.briefingDocx(db, actorOf(req), req.query)),
  );
  app.get(
    '/api/briefings/xlsx',
    {
      schema: {
        tags,
        summary: '下载简报数据 Excel（指标、排名、月度三张表；金额单位亿元）',
        querystring: briefingQuery,
      },
    },
    async (req, reply) =>
      download(reply, XLSX_CONTENT_TYPE, await briefings.briefingXlsx(db, actorOf(req), req.query)),
  );
}
