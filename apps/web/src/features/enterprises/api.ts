/**
 * 企业库 (万人助万企): one function per endpoint, typed with the contracts
 * (packages/contracts/src/tickets.ts). Same transport as lib/api-client.ts.
 */
import type {
  CreateEnterpriseRequest,
  Enterprise,
  UpdateEnterpriseRequest,
} from '@xiangmu/contracts';
import { request, type Page } from '../../lib/api-client';

export interface EnterpriseListParams {
  page: number;
  pageSize: number;
  q?: string | undefined;
  regionCode?: string | undefined;
  mine?: 'true' | undefined;
}

export const enterprisesApi = {
  list: (query: EnterpriseListParams) =>
    request<Page<Enterprise>>('GET', '/api/enterprises', { query: { ...query } }),
  create: (body: CreateEnterpriseRequest) =>
    request<Enterprise>('POST', '/api/enterprises', { body }),
  update: (id: number, body: UpdateEnterpriseRequest) =>
    request<Enterprise>('PATCH', `/api/enterprises/${id}`, { body }),
};

export const enterpriseKeys = {
  all: ['enterprises'] as const,
  list: (region: string, params: object) => ['enterprises', region, 'list', params] as const,
};
