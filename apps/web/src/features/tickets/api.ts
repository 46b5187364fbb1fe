/**
 * 服务工单: one function per endpoint, typed with the contracts
 * (packages/contracts/src/tickets.ts). Same transport as lib/api-client.ts.
 */
import type {
  createOpen311ClientRequest,
  createTicketCategoryRequest,
  createTicketRequest,
  createdOpen311Client,
  Open311Client,
  Ticket,
  TicketAction,
  TicketCategory,
  TicketDetail,
  TicketListResponse,
  TicketPhoto,
  TicketQueueResponse,
  TicketQueueTab,
  TicketStatsResponse,
  UpdateTicketCategoryRequest,
} from '@xiangmu/contracts';
import { download, request, upload } from '../../lib/api-client';

type Input<S extends { _zod: { input: unknown } }> = S['_zod']['input'];
type Output<S extends { _zod: { output: unknown } }> = S['_zod']['output'];

export type CreateTicketInput = Input<typeof createTicketRequest>;
export type CreateCategoryInput = Input<typeof createTicketCategoryRequest>;
export type CreateOpen311Input = Input<typeof createOpen311ClientRequest>;
export type CreatedOpen311Client = Output<typeof createdOpen311Client>;

/** GET /api/tickets and /api/tickets/export as sent: lists comma-joined */
export interface TicketFilters {
  q?: string | undefined;
  regionCode?: string | undefined;
  source?: string | undefined;
  status?: string | undefined;
  level?: string | undefined;
  categoryId?: number | undefined;
  departmentId?: number | undefined;
  enterpriseId?: number | undefined;
  projectId?: number | undefined;
  from?: string | undefined;
  to?: string | undefined;
}
export type TicketListParams = TicketFilters & { page: number; pageSize: number };

export interface TicketStatsParams {
  regionCode?: string | undefined;
  source?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** The steps of the loop that take a body (escalate is the system's own). */
export type TicketStep = Exclude<TicketAction, 'escalate'>;

export const ticketPhotoUrl = (ticketId: number, photoId: number) =>
  `/api/tickets/${ticketId}/photos/${photoId}`;

export const ticketsApi = {
  categories: () => request<TicketCategory[]>('GET', '/api/tickets/categories'),
  createCategory: (body: CreateCategoryInput) =>
    request<TicketCategory>('POST', '/api/tickets/categories', { body }),
  updateCategory: (id: number, body: UpdateTicketCategoryRequest) =>
    request<TicketCategory>('PATCH', `/api/tickets/categories/${id}`, { body }),
  create: (body: CreateTicketInput) => request<Ticket>('POST', '/api/tickets', { body }),
  list: (query: TicketListParams) =>
    request<TicketListResponse>('GET', '/api/tickets', { query: { ...query } }),
  queue: (tab: TicketQueueTab, page: number, pageSize: number) =>
    request<TicketQueueResponse>('GET', '/api/tickets/queue', { query: { tab, page, pageSize } }),
  stats: (query: TicketStatsParams) =>
    request<TicketStatsResponse>('GET', '/api/tickets/stats', { query: { ...query } }),
  exportLedger: (query: TicketFilters) => download('/api/tickets/export', { ...query }),
  get: (id: number) => request<TicketDetail>('GET', `/api/tickets/${id}`),
  act: (id: number, step: TicketStep, body: object) =>
    request<Ticket>('POST', `/api/tickets/${id}/${step}`, { body }),
  uploadPhoto: (id: number, file: Blob, filename: string, contentType: string) =>
    upload<TicketPhoto>(`/api/tickets/${id}/photos`, file, contentType, { filename }),
};

export const open311Api = {
  list: () => request<Open311Client[]>('GET', '/api/open311/clients'),
  create: (body: CreateOpen311Input) =>
    request<CreatedOpen311Client>('POST', '/api/open311/clients', { body }),
  revoke: (id: number) => request<{ ok: true }>('POST', `/api/open311/clients/${id}/revoke`),
};
