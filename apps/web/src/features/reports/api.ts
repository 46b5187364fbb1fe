/**
 * 月度调度 and the monthly-report import: one function per endpoint,
 * typed with the contracts (packages/contracts/src/reports.ts). Same
 * transport as lib/api-client.ts (CSRF header, Chinese ApiError).
 */
import type {
  annualCompletion,
  ImportApplyRequest,
  ImportMappingRequest,
  monthClosure,
  monthClosureResult,
  MonthlyReport,
  ProjectImport,
  projectReports,
  reportListResponse,
  ReportStatus,
  submitReportRequest,
  updateReportRequest,
} from '@xiangmu/contracts';
import { XLSX_CONTENT_TYPE } from '@xiangmu/contracts';
import { download, request, upload } from '../../lib/api-client';

type Input<S extends { _zod: { input: unknown } }> = S['_zod']['input'];
type Output<S extends { _zod: { output: unknown } }> = S['_zod']['output'];

export type SubmitReportInput = Input<typeof submitReportRequest>;
export type UpdateReportInput = Input<typeof updateReportRequest>;
export type ReportList = Output<typeof reportListResponse>;
export type ReportListItem = ReportList['items'][number];
export type ProjectReports = Output<typeof projectReports>;
export type ProjectMonth = ProjectReports['months'][number];
export type MonthClosure = Output<typeof monthClosure>;
export type MonthClosureResult = Output<typeof monthClosureResult>;
export type AnnualCompletion = Output<typeof annualCompletion>;
export type RegionCompletion = AnnualCompletion['regions'][number];

/** GET /api/reports as sent */
export interface ReportListParams {
  page: number;
  pageSize: number;
  month: string;
  regionCode?: string | undefined;
  status?: ReportStatus | undefined;
  q?: string | undefined;
}

export const reportsApi = {
  list: (query: ReportListParams) =>
    request<ReportList>('GET', '/api/reports', { query: { ...query } }),
  get: (id: number) => request<MonthlyReport>('GET', `/api/reports/${id}`),
  update: (id: number, body: UpdateReportInput) =>
    request<MonthlyReport>('PATCH', `/api/reports/${id}`, { body }),
  forProject: (projectId: number, year?: number) =>
    request<ProjectReports>('GET', `/api/projects/${projectId}/reports`, {
      query: year ? { year } : {},
    }),
  submit: (projectId: number, body: SubmitReportInput) =>
    request<MonthlyReport>('POST', `/api/projects/${projectId}/reports`, { body }),
  closures: (month: string) =>
    request<MonthClosure[]>('GET', '/api/reports/closures', { query: { month } }),
  closeMonth: (body: { regionCode: string; month: string }) =>
    request<MonthClosureResult>('POST', '/api/reports/closures', { body }),
  reopenMonth: (body: { regionCode: string; month: string; reason: string }) =>
    request<MonthClosureResult>('POST', '/api/reports/closures/reopen', { body }),
  completion: (query: { year?: number | undefined; regionCode?: string | undefined } = {}) =>
    request<AnnualCompletion>('GET', '/api/reports/completion', { query: { ...query } }),
  /** the .xlsx template, prefilled with the projects that still owe `month` */
  importTemplate: (month?: string) =>
    download('/api/reports/import-template', month ? { month } : undefined),
  imports: {
    list: () => request<ProjectImport[]>('GET', '/api/reports/imports'),
    get: (id: number) => request<ProjectImport>('GET', `/api/reports/imports/${id}`),
    /** the .xlsx as the body; `month` is the default month → status `mapping` with the sheet's `layout` */
    upload: (file: File, month?: string) =>
      upload<ProjectImport>('/api/reports/imports', file, XLSX_CONTENT_TYPE, {
        filename: file.name,
        ...(month ? { month } : {}),
      }),
    /** the confirmed column mapping (and month) → status `validating` (poll `get`) */
    mapping: (id: number, body: ImportMappingRequest) =>
      request<ProjectImport>('POST', `/api/reports/imports/${id}/mapping`, { body }),
    /** → status `applying` (poll `get` until `applied`, or `validated` with `failure`) */
    apply: (id: number, body: ImportApplyRequest = {}) =>
      request<ProjectImport>('POST', `/api/reports/imports/${id}/apply`, { body }),
  },
};
