/**
 * Milestones (节点 / 倒排工期), templates and the working-day calendar: one
 * function per endpoint, typed with the contracts (packages/contracts/src/milestones.ts).
 * Same transport as lib/api-client.ts (CSRF header, Chinese ApiError).
 */
import type {
  battleChart,
  battleChartQuery,
  calendarYear,
  completeMilestoneRequest,
  createMilestoneRequest,
  Milestone,
  milestoneListQuery,
  MilestoneOwner,
  milestonePage,
  MilestoneTemplate,
  planMilestonesRequest,
  reopenMilestoneRequest,
  saveCalendarRequest,
  saveCalendarResponse,
  saveTemplateRequest,
  updateMilestoneRequest,
  updateTemplateRequest,
} from '@xiangmu/contracts';
import { request } from '../../lib/api-client';

type Input<S extends { _zod: { input: unknown } }> = S['_zod']['input'];
type Output<S extends { _zod: { output: unknown } }> = S['_zod']['output'];

export type PlanInput = Input<typeof planMilestonesRequest>;
export type CreateMilestoneInput = Input<typeof createMilestoneRequest>;
export type UpdateMilestoneInput = Input<typeof updateMilestoneRequest>;
export type CompleteInput = Input<typeof completeMilestoneRequest>;
export type ReopenInput = Input<typeof reopenMilestoneRequest>;
export type SaveTemplateInput = Input<typeof saveTemplateRequest>;
export type UpdateTemplateInput = Input<typeof updateTemplateRequest>;
export type SaveCalendarInput = Input<typeof saveCalendarRequest>;

export type MilestonePage = Output<typeof milestonePage>;
export type BattleChart = Output<typeof battleChart>;
export type BattleChartRow = BattleChart['rows'][number];
export type CalendarYear = Output<typeof calendarYear>;
export type SaveCalendarResult = Output<typeof saveCalendarResponse>;

/** GET /api/milestones as sent (query strings; `mine` as 'true') */
export type MilestoneListParams = Partial<
  Record<Exclude<keyof Input<typeof milestoneListQuery>, 'page' | 'pageSize'>, string>
> & { page: number; pageSize: number };
export type BattleChartParams = Partial<Record<keyof Input<typeof battleChartQuery>, string>>;

const enc = encodeURIComponent;

export const milestonesApi = {
  forProject: (projectId: number) =>
    request<Milestone[]>('GET', `/api/projects/${projectId}/milestones`),
  /** users who may own the project's nodes (milestone.manage) */
  owners: (projectId: number) =>
    request<MilestoneOwner[]>('GET', `/api/projects/${projectId}/milestone-owners`),
  plan: (projectId: number, body: PlanInput) =>
    request<Milestone[]>('POST', `/api/projects/${projectId}/milestones/plan`, { body }),
  create: (projectId: number, body: CreateMilestoneInput) =>
    request<Milestone>('POST', `/api/projects/${projectId}/milestones`, { body }),
  update: (id: number, body: UpdateMilestoneInput) =>
    request<Milestone>('PATCH', `/api/milestones/${id}`, { body }),
  complete: (id: number, body: CompleteInput) =>
    request<Milestone>('POST', `/api/milestones/${id}/complete`, { body }),
  reopen: (id: number, body: ReopenInput) =>
    request<Milestone>('POST', `/api/milestones/${id}/reopen`, { body }),
  remove: (id: number, version: number) =>
    request<{ ok: true }>('DELETE', `/api/milestones/${id}`, { query: { version } }),
  list: (query: MilestoneListParams) =>
    request<MilestonePage>('GET', '/api/milestones', { query: { ...query } }),
  battleChart: (query: BattleChartParams) =>
    request<BattleChart>('GET', '/api/milestones/battle-chart', { query: { ...query } }),
  templates: {
    list: () => request<MilestoneTemplate[]>('GET', '/api/milestone-templates'),
    create: (body: SaveTemplateInput) =>
      request<MilestoneTemplate>('POST', '/api/milestone-templates', { body }),
    update: (id: number, body: UpdateTemplateInput) =>
      request<MilestoneTemplate>('PUT', `/api/milestone-templates/${id}`, { body }),
  },
  calendar: {
    get: (year: number) => request<CalendarYear>('GET', `/api/calendar/${enc(String(year))}`),
    save: (year: number, body: SaveCalendarInput) =>
      request<SaveCalendarResult>('PUT', `/api/calendar/${enc(String(year))}`, { body }),
  },
};
