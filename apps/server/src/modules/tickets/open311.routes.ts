import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plainName, plainText, regionCode, idempotencyKey } from '@xiangmu/contracts';
import type { ApiApp, AppContext } from '../../platform/http/app';
import { DomainError } from '../../platform/http/domain-error';
import * as open311 from './open311.service';

/**
 * GeoReport v2 endpoints under /api/open311/v2 (the "endpoint URL" a client
 * is given). Public like the standard says; POST needs an api_key. Errors are
 * GeoReport's [{ code, description }] with our Chinese message.
 */

const jsonFormat = (what: string) =>
  z
    .string()
    .regex(/^\d{1,9}\.json$/, `${what}须以 .json 结尾（本服务只提供 JSON 格式）`)
    .transform((s) => s.slice(0, -'.json'.length));

const optionalNumber = (min: number, max: number, label: string) =>
  z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : v),
    z.coerce
      .number(`${label}应为数字`)
      .min(min, `${label}超出范围`)
      .max(max, `${label}超出范围`)
      .optional(),
  );

const requestBody = z.object({
  api_key: z.string().max(200).optional(),
  service_code: z.string().trim().min(1, '请提供 service_code').max(20),
  description: plainText(2000).refine((s) => s.length > 0, '请填写诉求内容（description）'),
  lat: optionalNumber(3, 54, '纬度'),
  long: optionalNumber(73, 136, '经度'),
  address_string: plainText(200).optional(),
  first_name: plainName(20).optional(),
  last_name: plainName(20).optional(),
  phone: z
    .string()
    .trim()
    .regex(/^(1\d{10}|0\d{2,3}-?\d{7,8})$/, '请输入有效的手机号或座机号')
    .optional(),
  email: z.string().trim().max(100).optional(),
  jurisdiction_id: regionCode.optional(),
  idempotency_key: idempotencyKey.optional(),
  device_id: z.string().max(100).optional(),
  account_id: z.string().max(100).optional(),
  media_url: z.string().max(500).optional(),
});

const statusQuery = z.object({
  service_request_id: z
    .string()
    .regex(/^\d{1,9}(,\d{1,9})*$/, 'service_request_id 应为以逗号分隔的编号')
    .optional(),
  service_code: z.string().max(20).optional(),
  status: z.enum(['open', 'closed']).optional(),
  start_date: z.iso.datetime({ offset: true, message: 'start_date 应为 ISO 8601 时间' }).optional(),
  end_date: z.iso.datetime({ offset: true, message: 'end_date 应为 ISO 8601 时间' }).optional(),
  jurisdiction_id: z.string().max(32).optional(),
});

export function open311Routes(app: ApiApp, { db }: AppContext) {
  app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    // form posts, as GeoReport clients send them
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      },
    );
    // GeoReport's error shape, with our Chinese message and the field at fault
    scope.addHook('onSend', async (_req, reply, payload) => {
      if (reply.statusCode < 400 || typeof payload !== 'string') return payload;
      try {
        const e = JSON.parse(payload) as {
          message?: string;
          issues?: { path: string; message: string }[];
        };
        const detail = e.issues?.map((i) => `${i.path}：${i.message}`).join('；');
        return JSON.stringify([
          { code: reply.statusCode, description: detail ? `${e.message}（${detail}）` : e.message },
        ]);
      } catch {
        return payload;
      }
    });
    const tags = ['Open311 GeoReport v2'];
    const config = { public: true };
    scope.get(
      '/api/open311/v2/services.json',
      { config, schema: { tags, summary: '服务列表（有诉即办、网格事件的类别）' } },
      async () => open311.listServices(db),
    );
    scope.get(
      '/api/open311/v2/services/:code',
      {
        config,
        schema: {
          tags,
          summary: '服务定义（无附加属性）',
          params: z.object({ code: jsonFormat('服务代码') }),
        },
      },
      async (req) => open311.serviceDefinition(db, req.params.code),
    );
    scope.post(
      '/api/open311/v2/requests.json',
      {
        config,
        schema: {
          tags,
          summary: '提交诉求（须 api_key；可带 idempotency_key 或 Idempotency-Key 请求头防重复）',
          body: requestBody,
        },
      },
      async (req) => {
        const header = req.headers['idempotency-key'];
        const key = req.body.idempotency_key ?? (typeof header === 'string' ? header : undefined);
        if (key !== undefined && !idempotencyKey.safeParse(key).success)
          throw new DomainError('VALIDATION_FAILED', {
            message: '幂等键应为8–64位字母、数字、下划线或连字符',
          });
        // the same answer for a new request and for a repeated one
        const { body } = await open311.submitRequest(db, { ...req.body, idempotency_key: key });
        return body;
      },
    );
    scope.get(
      '/api/open311/v2/requests.json',
      { config, schema: { tags, summary: '查询诉求办理状态', querystring: statusQuery } },
      async (req) => {
        const q = req.query;
        const ninetyDaysAgo = new Date(Date.now() - 90 * 86_400_000);
        return open311.requestStatus(db, {
          ...(q.service_request_id ? { ids: q.service_request_id.split(',').map(Number) } : {}),
          ...(q.service_code ? { service_code: q.service_code } : {}),
          ...(q.status ? { status: q.status } : {}),
          // the standard's default window: the last 90 days
          ...(q.start_date
            ? { start_date: new Date(q.start_date) }
            : q.service_request_id
              ? {}
              : { start_date: ninetyDaysAgo }),
          ...(q.end_date ? { end_date: new Date(q.end_date) } : {}),
        });
      },
    );
    scope.get(
      '/api/open311/v2/requests/:id',
      {
        config,
        schema: { tags, summary: '查询单个诉求', params: z.object({ id: jsonFormat('诉求编号') }) },
      },
      async (req) => {
        const found = await open311.requestStatus(db, { ids: [Number(req.params.id)] });
        if (found.length === 0) throw new DomainError('TICKET_NOT_FOUND');
        return found;
      },
    );
  });
}
