import type { Role } from '@xiangmu/contracts';

/**
 * Who sees the 问题台账: the ticket readers who work on projects. Mirrors the
 * server's permission table (apps/server/src/modules/access/permissions.ts);
 * the server enforces it, the UI only hides what would be refused.
 */
export const PROBLEM_READERS: readonly Role[] = [
  'city_admin',
  'district_admin',
  'unit_officer',
  'leader',
  'viewer',
];

/** "已逾期3天" / "今天到期" / "5天后到期" (calendar days) of an open problem's 整改期限. */
export function dueHint(rectifyBy: string, today: string): string {
  const days = Math.round(
    (Date.parse(`${rectifyBy}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000,
  );
  if (days < 0) return `已逾期${-days}天`;
  if (days === 0) return '今天到期';
  return `${days}天后到期`;
}
