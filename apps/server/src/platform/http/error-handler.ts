import type { FastifyError, FastifyInstance } from 'fastify';
import {
  errorMessages,
  type ApiErrorBody,
  type ErrorCode,
  type FieldIssue,
} from '@xiangmu/contracts';
import { isDatabaseUnavailable } from '../database/unavailable';
import { DomainError, statusOf } from './domain-error';

function body(code: ErrorCode, extra: Partial<ApiErrorBody> = {}): ApiErrorBody {
  return { code, message: errorMessages[code], ...extra };
}

/** Maps every failure to { code, message (Chinese), issues? } and a status, in one place. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof DomainError) {
      const { issues, current, message } = err.detail ?? {};
      return reply.status(statusOf[err.code]).send(
        body(err.code, {
          ...(message ? { message } : {}),
          ...(issues ? { issues } : {}),
          ...(current !== undefined ? { current } : {}),
        }),
      );
    }
    if (err.validation) {
      const issues: FieldIssue[] = err.validation.map((v) => {
        const where = (v.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
        const params = v.params as {
          issue?: { path?: PropertyKey[]; code?: string; keys?: string[] };
        };
        const path = params.issue?.path?.map(String).join('.') ?? where;
        const keys = params.issue?.code === 'unrecognized_keys' ? params.issue.keys : undefined;
        return {
          path: path || err.validationContext || '',
          message: keys ? `不允许的字段：${keys.join('、')}` : (v.message ?? '格式错误'),
        };
      });
      return reply.status(400).send(body('VALIDATION_FAILED', { issues }));
    }
    switch (err.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.status(400).send(body('MALFORMED_REQUEST'));
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.status(413).send(body('BODY_TOO_LARGE'));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.status(415).send(body('UNSUPPORTED_MEDIA_TYPE'));
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      // e.g. a JSON body that is not an object; never echo internals
      return reply.status(err.statusCode).send(body('MALFORMED_REQUEST'));
    }
    if (isDatabaseUnavailable(err)) {
      // the database restarts or fails over: a moment's 503, never a 500
      req.log.warn({ err: err.message }, 'database unavailable');
      return reply.status(503).header('retry-after', '5').send(body('DATABASE_UNAVAILABLE'));
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send(body('INTERNAL_ERROR'));
  });
}
