/**
 * The one ticket engine (ADR 0011): intake with an idempotency key, the loop
 * 受理 → 派遣 → 处置 → 反馈 → 评价 → 办结 with 退回/改派/合并/督办, every step
 * checked against ticket.rules, kept in ticket_events and audited in the same
 * transaction. Split by concern; this file is what the routes and the rest use.
 */
export { levelOfRegion, presentTickets, ticketNumber } from './ticket.present';
export { createTicket, type IntakeSource } from './ticket.intake';
export {
  acceptTicket,
  closeTicket,
  dispatchTicket,
  mergeTicket,
  rateTicket,
  reassignTicket,
  replyTicket,
  returnTicket,
  startTicket,
  superviseTicket,
} from './ticket.workflow';
export {
  getTicket,
  ledgerFilter,
  listTickets,
  queueFilter,
  statusFilter,
  ticketOfLegacyProblem,
  ticketQueue,
  todoFilter,
} from './ticket.queries';
export { getTicketPhoto, TICKET_MAX_PHOTOS, uploadTicketPhoto } from './ticket.photos';
