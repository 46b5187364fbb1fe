/**
 * 问题台账: one function per endpoint, typed with the contracts
 * (packages/contracts/src/problems.ts). Same transport as lib/api-client.ts.
 */
import type {
  closeProblemRequest,
  Problem,
  problemDetail,
  problemListResponse,
  problemStatusFilters,
  raiseProblemRequest,
  reopenProblemRequest,
  updateProblemRequest,
} from '@xiangmu/contracts';
import { request } from '../../lib/api-client';

type Input<S extends { _zod: { input: unknown } }> = S['_zod']['input'];
type Output<S extends { _zod: { output: unknown } }> = S['_zod']['output'];

export type RaiseProblemInput = Input<typeof raiseProblemRequest>;
export type UpdateProblemInput = Input<typeof updateProblemRequest>;
export type CloseProblemInput = Input<typeof closeProblemRequest>;
export type ReopenProblemInput = Input<typeof reopenProblemRequest>;
export type ProblemDetail = Output<typeof problemDetail>;
export type ProblemEvent = ProblemDetail['events'][number];
export type ProblemList = Output<typeof problemListResponse>;
export type ProblemFilter = (typeof problemStatusFilters)[number];

/** GET /api/problems as sent */
export interface ProblemListParams {
  page: number;
  pageSize: number;
  regionCode?: string | undefined;
  status?: ProblemFilter | undefined;
  departmentId?: number | undefined;
  projectId?: number | undefined;
  q?: string | undefined;
}

export const problemsApi = {
  list: (query: ProblemListParams) =>
    request<ProblemList>('GET', '/api/problems', { query: { ...query } }),
  get: (id: number) => request<ProblemDetail>('GET', `/api/problems/${id}`),
  forProject: (projectId: number, status?: ProblemFilter) =>
    request<Problem[]>('GET', `/api/projects/${projectId}/problems`, {
      query: status ? { status } : {},
    }),
  raise: (projectId: number, body: RaiseProblemInput) =>
    request<Problem>('POST', `/api/projects/${projectId}/problems`, { body }),
  update: (id: number, body: UpdateProblemInput) =>
    request<Problem>('PATCH', `/api/problems/${id}`, { body }),
  close: (id: number, body: CloseProblemInput) =>
    request<Problem>('POST', `/api/problems/${id}/close`, { body }),
  reopen: (id: number, body: ReopenProblemInput) =>
    request<Problem>('POST', `/api/problems/${id}/reopen`, { body }),
};
