/**
 * What other features may use of 服务工单: the role lists, and for the 问题台账
 * (project problems are tickets, ADR 0015) the client, the query keys and the tags.
 */
export { ticketsApi, type TicketFilters, type TicketListParams } from './api';
export {
  intakeSources,
  isAdmin,
  newIdempotencyKey,
  TICKET_CREATORS,
  TICKET_EXPORTERS,
  ticketKeys,
} from './model';
export { DueTag, formatDue, TicketStatusTag } from './tags';
