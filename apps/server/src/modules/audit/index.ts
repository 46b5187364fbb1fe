export { recordAudit, recordAudits, listAuditEntries, type AuditRecord } from './audit.service';
export { auditRoutes } from './audit.routes';
export {
  verifyAuditChain,
  verifyAndCheckpoint,
  readCheckpoint,
  type ChainCheckpoint,
  type ChainProblem,
  type ChainReport,
} from './audit.verify';
