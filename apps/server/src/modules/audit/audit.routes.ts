import { auditEntry, auditListQuery, pageOf } from '@xiangmu/contracts';
import type { ApiApp, AppContext } from '../../platform/http/app';
import { actorOf } from '../../platform/http/request';
import { listAuditEntries } from './audit.service';

export function auditRoutes(app: ApiApp, { db }: AppContext) {
  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['审计日志'],
        summary: '审计日志',
        querystring: auditListQuery,
        response: { 200: pageOf(auditEntry) },
      },
    },
    async (req) => ({
      ...(await listAuditEntries(db, actorOf(req), req.query)),
      page: req.query.page,
      pageSize: req.query.pageSize,
    }),
  );
}
