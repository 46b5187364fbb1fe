/** What other features may use of 服务工单: the project page's section and the role lists. */
export { isAdmin, TICKET_CREATORS } from './model';
export { ProjectTicketsSection } from './ProjectTicketsSection';
