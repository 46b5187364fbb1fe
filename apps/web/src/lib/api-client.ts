/**
 * Typed client for the xiangmu HTTP API.
 *
 * - The session is an httpOnly cookie (same origin); every non-GET request
 *   carries the CSRF token from GET /api/me or the login response in the
 *   `x-csrf-token` header, and a JSON body (`{}` when there is none) or, for
 *   uploads, the file itself.
 * - Every failure becomes an ApiError carrying the server's `{ code, message,
 *   issues?, current? }` (packages/contracts/src/errors.ts); `message` is
 *   Chinese and meant for the user.
 * - 401 UNAUTHENTICATED and 403 PASSWORD_CHANGE_REQUIRED are also reported to
 *   the auth layer (onAuthProblem), which sends the user to the login or the
 *   forced password-change page; 403 CSRF_INVALID (the session changed in
 *   another tab) makes it re-read the session. A refused write is never
 *   retried automatically: it might then run as a different user.
 */
import type {
  LoginBlocks,
  ApiErrorBody,
  AuditEntry,
  BatchKind,
  Campaign,
  campaignDetail,
  CampaignEntry,
  createDepartmentRequest,
  createGridRequest,
  createProjectRequest,
  createUserRequest,
  Department,
  ErrorCode,
  FieldIssue,
  ImportApplyRequest,
  ImportMappingRequest,
  jobDefinition,
  JobRun,
  Me,
  Project,
  ProjectImport,
  ProjectStage,
  projectListQuery,
  Region,
  RegionLevel,
  renameGridRequest,
  Role,
  StageEvent,
  updateDepartmentRequest,
  updateProfileRequest,
  updateProjectRequest,
  updateUserRequest,
  User,
} from '@xiangmu/contracts';
import { XLSX_CONTENT_TYPE } from '@xiangmu/contracts';

/** The input/output types of a contracts zod schema (what `z.input<S>`/`z.output<S>` are). */
type Input<S extends { _zod: { input: unknown } }> = S['_zod']['input'];
type Output<S extends { _zod: { output: unknown } }> = S['_zod']['output'];

export type CreateUserInput = Input<typeof createUserRequest>;
export type UpdateUserInput = Input<typeof updateUserRequest>;
export type UpdateProfileInput = Input<typeof updateProfileRequest>;
export type CreateDepartmentInput = Input<typeof createDepartmentRequest>;
export type UpdateDepartmentInput = Input<typeof updateDepartmentRequest>;
export type CreateGridInput = Input<typeof createGridRequest>;
export type RenameGridInput = Input<typeof renameGridRequest>;
export type CreateProjectInput = Input<typeof createProjectRequest>;
export type UpdateProjectInput = Input<typeof updateProjectRequest>;

/**
 * GET /api/projects query as sent: lists are comma-joined, money in 万元
 * strings (the UI converts from 亿元 before calling).
 */
export type ProjectListParams = Partial<
  Record<Exclude<keyof Input<typeof projectListQuery>, 'page' | 'pageSize'>, string>
> & { page: number; pageSize: number };

export interface ProjectListResult extends Page<Project> {
  /** over every matching project, not just this page (万元) */
  sums: { totalInvestment: string; annualPlan: string };
}

export interface StageChangeInput {
  to: ProjectStage;
  occurredOn: string;
  evidence: string;
  reason?: string | undefined;
  version: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export type JobDefinition = Output<typeof jobDefinition>;
export type CampaignDetail = Output<typeof campaignDetail>;

export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | 'NETWORK_ERROR';
  readonly issues: FieldIssue[];
  readonly current: unknown;

  constructor(
    status: number,
    body: Omit<Partial<ApiErrorBody>, 'code'> & { code: ApiError['code'] },
  ) {
    super(body.message ?? '请求失败');
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.issues = body.issues ?? [];
    this.current = body.current;
  }
}

export const isApiError = (e: unknown, code?: ApiError['code']): e is ApiError =>
  e instanceof ApiError && (code === undefined || e.code === code);

/** The Chinese text to show for any thrown value. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return '操作失败，请稍后重试';
}

let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type AuthProblem = 'UNAUTHENTICATED' | 'PASSWORD_CHANGE_REQUIRED' | 'CSRF_INVALID';
const authListeners = new Set<(problem: AuthProblem) => void>();
/** Subscribe to session problems reported by any request; returns the unsubscribe function. */
export function onAuthProblem(listener: (problem: AuthProblem) => void): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

type Query = Record<string, string | number | boolean | null | undefined>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** a file sent as the body itself (instead of JSON), with its content type */
  file?: { blob: Blob; contentType: string };
  /** do not report 401 to the auth layer (used by the session probe and login) */
  quietAuth?: boolean;
}

export async function request<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (method !== 'GET') {
    headers['content-type'] = opts.file ? opts.file.contentType : 'application/json';
    if (csrfToken) headers['x-csrf-token'] = csrfToken;
    init.body = opts.file ? opts.file.blob : JSON.stringify(opts.body ?? {});
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), init);
  } catch {
    throw new ApiError(0, { code: 'NETWORK_ERROR', message: '无法连接服务器，请检查网络后重试' });
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (res.ok) return data as T;

  const body =
    data && typeof data === 'object' && 'code' in data
      ? (data as ApiErrorBody)
      : ({ code: 'INTERNAL_ERROR', message: `服务器返回错误（${res.status}）` } as ApiErrorBody);
  const error = new ApiError(res.status, body);
  const code = error.code;
  const problem: AuthProblem | null =
    code === 'UNAUTHENTICATED'
      ? opts.quietAuth
        ? null
        : code
      : code === 'PASSWORD_CHANGE_REQUIRED' || code === 'CSRF_INVALID'
        ? code
        : null;
  if (problem) authListeners.forEach((l) => l(problem));
  throw error;
}

/**
 * A file download (GET): the response body as a Blob with the file name from
 * Content-Disposition; failures become an ApiError like any request.
 */
export async function download(
  path: string,
  query?: Query,
): Promise<{ blob: Blob; filename: string }> {
  let res: Response;
  try {
    res = await fetch(withQuery(path, query), { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, { code: 'NETWORK_ERROR', message: '无法连接服务器，请检查网络后重试' });
  }
  if (!res.ok) {
    const data = (await res.json().catch(() => null)) as ApiErrorBody | null;
    const error = new ApiError(
      res.status,
      data && typeof data === 'object' && 'code' in data
        ? data
        : { code: 'INTERNAL_ERROR', message: `服务器返回错误（${res.status}）` },
    );
    if (error.code === 'UNAUTHENTICATED') authListeners.forEach((l) => l('UNAUTHENTICATED'));
    throw error;
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const plain = /filename="?([^";]+)"?/i.exec(disposition)?.[1];
  let filename = plain ?? 'download';
  if (star) {
    try {
      filename = decodeURIComponent(star);
    } catch {
      // keep the plain name
    }
  }
  return { blob: await res.blob(), filename };
}

/**
 * A file upload (POST): the file itself is the request body, with the same
 * CSRF header and error handling as any other request.
 */
/** Hands a downloaded file to the browser's save dialog under `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const upload = <T>(path: string, blob: Blob, contentType: string, query?: Query) =>
  request<T>('POST', path, { file: { blob, contentType }, ...(query ? { query } : {}) });

const get = <T>(path: string, query?: Query, quietAuth?: boolean) =>
  request<T>('GET', path, { ...(query ? { query } : {}), ...(quietAuth ? { quietAuth } : {}) });
const send =
  (method: 'POST' | 'PUT' | 'PATCH') =>
  <T>(path: string, body?: unknown) =>
    request<T>(method, path, { body });
const post = send('POST');
const put = send('PUT');
const patch = send('PATCH');

export interface UserListQuery {
  page: number;
  pageSize: number;
  q?: string | undefined;
  role?: Role | undefined;
  regionCode?: string | undefined;
}

export interface AuditListQuery {
  page: number;
  pageSize: number;
  actor?: string | undefined;
  action?: string | undefined;
  entityType?: string | undefined;
  regionCode?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** One function per endpoint, typed with the contracts. */
export const api = {
  auth: {
    /** The current session, or null when not logged in. */
    me: async (): Promise<Me | null> => {
      try {
        return await get<Me>('/api/me', undefined, true);
      } catch (e) {
        if (isApiError(e, 'UNAUTHENTICATED')) return null;
        throw e;
      }
    },
    login: (body: { username: string; password: string }) =>
      request<Me>('POST', '/api/auth/login', { body, quietAuth: true }),
    logout: () => post<{ ok: true }>('/api/auth/logout'),
    changePassword: (body: { currentPassword: string; newPassword: string }) =>
      post<{ ok: true }>('/api/me/password', body),
    updateProfile: (body: UpdateProfileInput) => patch<Me>('/api/me', body),
    /** regions the switcher offers: the user's own region and below, whatever is active */
    switchableRegions: (maxLevel?: RegionLevel) =>
      get<Region[]>('/api/me/regions', maxLevel ? { maxLevel } : undefined),
    switchRegion: (regionCode: string) => put<Me>('/api/me/region', { regionCode }),
  },
  regions: {
    list: (query: { maxLevel?: RegionLevel; parentCode?: string } = {}) =>
      get<Region[]>('/api/regions', query),
    createGrid: (body: CreateGridInput) => post<Region>('/api/regions/grids', body),
    renameGrid: (code: string, body: RenameGridInput) =>
      patch<Region>(`/api/regions/${encodeURIComponent(code)}`, body),
  },
  users: {
    list: (query: UserListQuery) => get<Page<User>>('/api/users', { ...query }),
    get: (id: number) => get<User>(`/api/users/${id}`),
    create: (body: CreateUserInput) =>
      post<{ user: User; initialPassword: string }>('/api/users', body),
    update: (id: number, body: UpdateUserInput) => patch<User>(`/api/users/${id}`, body),
    resetPassword: (id: number) =>
      post<{ initialPassword: string }>(`/api/users/${id}/reset-password`),
    unlock: (id: number) => post<User>(`/api/users/${id}/unlock`),
  },
  loginBlocks: {
    list: () => get<LoginBlocks>('/api/login-blocks'),
    lift: (id: number) => post<{ ok: true }>(`/api/login-blocks/${id}/lift`),
  },
  departments: {
    list: (query: { regionCode?: string | undefined; q?: string | undefined } = {}) =>
      get<Department[]>('/api/departments', query),
    create: (body: CreateDepartmentInput) => post<Department>('/api/departments', body),
    update: (id: number, body: UpdateDepartmentInput) =>
      patch<Department>(`/api/departments/${id}`, body),
  },
  audit: {
    list: (query: AuditListQuery) => get<Page<AuditEntry>>('/api/audit', { ...query }),
  },
  projects: {
    list: (query: ProjectListParams) => get<ProjectListResult>('/api/projects', { ...query }),
    get: (id: number) => get<Project>(`/api/projects/${id}`),
    create: (body: CreateProjectInput) => post<Project>('/api/projects', body),
    update: (id: number, body: UpdateProjectInput) => patch<Project>(`/api/projects/${id}`, body),
    changeStage: (id: number, body: StageChangeInput) =>
      post<Project>(`/api/projects/${id}/stage`, body),
    stages: (id: number) => get<StageEvent[]>(`/api/projects/${id}/stages`),
    /** 台账 (.xlsx) of every project matching the list's filters */
    exportLedger: (query: Omit<ProjectListParams, 'page' | 'pageSize'>) =>
      download('/api/projects/export', { ...query }),
    importTemplate: () => download('/api/projects/import-template'),
    imports: {
      list: () => get<ProjectImport[]>('/api/projects/imports'),
      get: (id: number) => get<ProjectImport>(`/api/projects/imports/${id}`),
      /** the .xlsx as the body → status `mapping` with the sheet's `layout` (or `failed`) */
      upload: (file: File) =>
        upload<ProjectImport>(
          `/api/projects/imports?filename=${encodeURIComponent(file.name)}`,
          file,
          XLSX_CONTENT_TYPE,
        ),
      /** the confirmed column mapping → status `validating` (poll `get`) */
      mapping: (id: number, body: ImportMappingRequest) =>
        post<ProjectImport>(`/api/projects/imports/${id}/mapping`, body),
      /** → status `applying` (poll `get` until `applied`, or `validated` with `failure`) */
      apply: (id: number, body: ImportApplyRequest = {}) =>
        post<ProjectImport>(`/api/projects/imports/${id}/apply`, body),
    },
  },
  campaigns: {
    list: () => get<Campaign[]>('/api/campaigns'),
    create: (body: { number: number; startsOn: string; endsOn: string }) =>
      post<Campaign>('/api/campaigns', body),
    get: (id: number) => get<CampaignDetail>(`/api/campaigns/${id}`),
    entries: (
      id: number,
      query: { regionCode?: string | undefined; kind?: BatchKind | undefined },
    ) => get<CampaignEntry[]>(`/api/campaigns/${id}/entries`, query),
    addEntry: (id: number, body: { projectId: number; kind: BatchKind }) =>
      post<{ ok: true }>(`/api/campaigns/${id}/entries`, body),
    removeEntry: (id: number, projectId: number) =>
      request<{ ok: true }>('DELETE', `/api/campaigns/${id}/entries/${projectId}`),
    lock: (id: number, body: { regionCode: string; kind: BatchKind }) =>
      post<{ ok: true }>(`/api/campaigns/${id}/lock`, body),
  },
  jobs: {
    definitions: () => get<JobDefinition[]>('/api/jobs'),
    runs: (query: { page: number; pageSize: number; name?: string | undefined }) =>
      get<Page<JobRun>>('/api/jobs/runs', query),
    run: (name: string) => post<{ id: number }>(`/api/jobs/${encodeURIComponent(name)}/run`),
  },
};
