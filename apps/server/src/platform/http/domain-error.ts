import { errorMessages, type ErrorCode, type FieldIssue } from '@xiangmu/contracts';

/**
 * What a service throws when a rule refuses a request. It knows nothing of
 * HTTP: the error handler maps its code to a status once, for every route.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: { message?: string; issues?: FieldIssue[]; current?: unknown },
  ) {
    super(detail?.message ?? errorMessages[code]);
    this.name = 'DomainError';
  }
}

export const statusOf: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  MALFORMED_REQUEST: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  CSRF_INVALID: 403,
  FORBIDDEN: 403,
  REGION_OUT_OF_SCOPE: 403,
  INVALID_CREDENTIALS: 401,
  ACCOUNT_LOCKED: 423,
  ACCOUNT_DISABLED: 403,
  TOO_MANY_ATTEMPTS: 429,
  PASSWORD_CHANGE_REQUIRED: 403,
  PASSWORD_TOO_WEAK: 400,
  PASSWORD_WRONG: 400,
  PASSWORD_REUSED: 400,
  USERNAME_TAKEN: 409,
  USER_NOT_FOUND: 404,
  DEPARTMENT_NOT_FOUND: 404,
  DEPARTMENT_NAME_TAKEN: 409,
  DEPARTMENT_REGION_MISMATCH: 400,
  REGION_NOT_FOUND: 404,
  REGION_CODE_TAKEN: 409,
  REGION_PARENT_INVALID: 400,
  REGION_NOT_EDITABLE: 400,
  ROLE_NOT_ASSIGNABLE: 403,
  ROLE_REGION_MISMATCH: 400,
  CANNOT_DISABLE_SELF: 400,
  CANNOT_RESET_OWN_PASSWORD: 400,
  VERSION_CONFLICT: 409,
  JOB_NOT_FOUND: 404,
  PROJECT_NOT_FOUND: 404,
  PROJECT_NAME_TAKEN: 409,
  PROJECT_DATES_OUT_OF_ORDER: 400,
  PROJECT_PLAN_EXCEEDS_TOTAL: 400,
  STAGE_UNCHANGED: 400,
  STAGE_JUMP_NOT_ALLOWED: 400,
  STAGE_BACK_NEEDS_REASON: 400,
  STAGE_DATE_INVALID: 400,
  IMPORT_NOT_FOUND: 404,
  IMPORT_NOT_READY: 409,
  IMPORT_NOTHING_VALID: 400,
  IMPORT_TOO_LARGE: 413,
  IMPORT_CHANGED_MEANWHILE: 409,
  INTERNAL_ERROR: 500,
};
