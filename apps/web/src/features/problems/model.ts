import type { Me, Problem, Role } from '@xiangmu/contracts';

/**
 * Mirrors the server's permission table (apps/server/src/modules/access/permissions.ts);
 * the server enforces it, the UI only hides what would be refused.
 */
export const PROBLEM_READERS: readonly Role[] = [
  'city_admin',
  'district_admin',
  'unit_officer',
  'leader',
  'viewer',
];
/** problem.manage: raise, edit, reopen */
export const PROBLEM_MANAGERS: readonly Role[] = ['city_admin', 'district_admin'];

export const canManageProblems = (role: Role) => PROBLEM_MANAGERS.includes(role);

/** 销号: the admins, or an officer of the problem's own responsible unit. */
export function canCloseProblem(me: Pick<Me, 'role' | 'departmentId'>, p: Problem): boolean {
  if (p.status !== 'open') return false;
  if (canManageProblems(me.role)) return true;
  return (
    me.role === 'unit_officer' && me.departmentId !== null && me.departmentId === p.departmentId
  );
}

export const problemKeys = {
  all: ['problems'] as const,
  project: (region: string, projectId: number, status: string) =>
    ['problems', region, 'project', projectId, status] as const,
  list: (region: string, params: object) => ['problems', region, 'list', params] as const,
  detail: (region: string, id: number) => ['problems', region, 'detail', id] as const,
};

export const DATE = 'YYYY-MM-DD';

/** "已逾期3天" / "今天到期" / "5天后到期" (calendar days). */
export function dueHint(p: Pick<Problem, 'status' | 'dueOn'>, today: string): string | null {
  if (p.status !== 'open') return null;
  const days = Math.round(
    (Date.parse(`${p.dueOn}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000,
  );
  if (days < 0) return `已逾期${-days}天`;
  if (days === 0) return '今天到期';
  return `${days}天后到期`;
}
