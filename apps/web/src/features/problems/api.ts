/**
 * 问题台账: project problems are tickets of source 'project' (ADR 0015), so
 * the ledger reads and writes through the ticket engine's endpoints; only the
 * redirect of an old problem link is its own.
 */
import type { legacyProblemResponse } from '@xiangmu/contracts';
import { request } from '../../lib/api-client';
import { ticketsApi, type TicketFilters, type TicketListParams } from '../tickets';

type Output<S extends { _zod: { output: unknown } }> = S['_zod']['output'];

/** the ledger's status filter, as the ticket list takes it */
export type ProblemFilter = 'open' | 'overdue' | 'closed';
export type ProblemListParams = Omit<TicketListParams, 'source'>;

export const problemsApi = {
  list: (query: ProblemListParams) => ticketsApi.list({ ...query, source: 'project' }),
  exportLedger: (query: Omit<TicketFilters, 'source'>) =>
    ticketsApi.exportLedger({ ...query, source: 'project' }),
  /** an old /problems/:id link: the ticket it became */
  legacy: (id: number) =>
    request<Output<typeof legacyProblemResponse>>('GET', `/api/problems/${id}`),
};
