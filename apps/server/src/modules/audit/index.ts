export { recordAudit, recordAudits, listAuditEntries, type AuditRecord } from './audit.service';
export { auditRoutes } from './audit.routes';
