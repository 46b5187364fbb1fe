export { ticketRoutes } from './ticket.routes';
export { open311Routes } from './open311.routes';
export { ticketDeadlinesJob, recomputeTicketDueTimes } from './ticket.jobs';
