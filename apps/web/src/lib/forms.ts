import type { FormInstance, FormRule } from 'antd';
import { ApiError } from './api-client';

/**
 * Puts the server's field issues (`issues[].path`, e.g. "displayName") on the
 * matching form fields. Returns true when at least one field got an error.
 */
export function applyFieldIssues(form: FormInstance, error: unknown): boolean {
  if (!(error instanceof ApiError) || error.issues.length === 0) return false;
  const registered = form.getFieldsValue() as Record<string, unknown>;
  const byField = new Map<string, string[]>();
  for (const issue of error.issues) {
    const field = issue.path.replace(/^body\./, '').split('.')[0] ?? '';
    if (!(field in registered)) continue;
    byField.set(field, [...(byField.get(field) ?? []), issue.message]);
  }
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  return byField.size > 0;
}

interface SafeParser {
  safeParse(value: unknown): { success: boolean; error?: { issues: Array<{ message: string }> } };
}

/** An antd Form rule backed by a contracts zod schema, so the browser shows the server's own wording. */
export const zodRule = (schema: SafeParser): FormRule => ({
  validator: async (_rule, value: unknown) => {
    if (value === undefined || value === null || value === '') return;
    const result = schema.safeParse(value);
    if (!result.success) throw new Error(result.error?.issues[0]?.message ?? '格式错误');
  },
});

/** '' → null for optional text fields the API takes as nullable. */
export const emptyToNull = (v: string | null | undefined): string | null =>
  v === undefined || v === null || v.trim() === '' ? null : v.trim();
