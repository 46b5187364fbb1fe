/**
 * 驾驶舱, rankings, targets and briefings: one function per endpoint, typed
 * with the contracts (packages/contracts/src/dashboard.ts, briefings.ts).
 */
import type {
  dashboard,
  investmentTarget,
  mapPoints,
  ranking,
  RankingIndicator,
  setTargetsRequest,
} from '@xiangmu/contracts';
import { download, request } from '../../lib/api-client';

type Output<S extends { _zod: { output: unknown } }> = S['_zod']['output'];
type Input<S extends { _zod: { input: unknown } }> = S['_zod']['input'];

export type Dashboard = Output<typeof dashboard>;
export type Ranking = Output<typeof ranking>;
export type InvestmentTarget = Output<typeof investmentTarget>;
export type SetTargetsInput = Input<typeof setTargetsRequest>;
export type MapPoints = Output<typeof mapPoints>;

export interface DashboardParams {
  regionCode?: string | undefined;
  year: number;
  /** count reports up to this month; default the latest */
  month?: number | undefined;
}

export const dashboardApi = {
  get: (q: DashboardParams) => request<Dashboard>('GET', '/api/dashboard', { query: { ...q } }),
  ranking: (q: DashboardParams & { indicator: RankingIndicator }) =>
    request<Ranking>('GET', '/api/dashboard/ranking', { query: { ...q } }),
  points: (regionCode?: string) =>
    request<MapPoints>('GET', '/api/dashboard/points', { query: { regionCode } }),
  targets: (year: number) =>
    request<InvestmentTarget[]>('GET', '/api/dashboard/targets', { query: { year } }),
  setTargets: (body: SetTargetsInput) =>
    request<InvestmentTarget[]>('PUT', '/api/dashboard/targets', { body }),
  briefing: (kind: 'docx' | 'xlsx', q: DashboardParams) =>
    download(`/api/briefings/${kind}`, { ...q }),
};
