import type { Me, Milestone, MilestoneStatus, Role } from '@xiangmu/contracts';

/**
 * Mirrors the server's permission table (apps/server/src/modules/access/permissions.ts);
 * the server enforces it, the UI only hides what would be refused.
 */
export const MILESTONE_READERS: readonly Role[] = [
  'city_admin',
  'district_admin',
  'unit_officer',
  'leader',
  'viewer',
];
/** milestone.manage: 倒排工期, add, edit, delete */
export const MILESTONE_MANAGERS: readonly Role[] = ['city_admin', 'district_admin'];
/** milestone_template.manage and calendar.manage */
export const CITY_ADMIN: readonly Role[] = ['city_admin'];

export const canManageMilestones = (role: Role) => MILESTONE_MANAGERS.includes(role);

/** 完成 / 重新打开: the admins, or the node's own 责任人 when he is a leader or a unit officer. */
export function canCompleteMilestone(me: Pick<Me, 'id' | 'role'>, m: Milestone): boolean {
  if (canManageMilestones(me.role)) return true;
  return (
    (me.role === 'leader' || me.role === 'unit_officer') &&
    m.ownerUserId !== null &&
    m.ownerUserId === me.id
  );
}

/** Display order: what needs attention first. */
export const statusOrder: readonly MilestoneStatus[] = ['red', 'yellow', 'green', 'done'];

export const statusColors: Record<MilestoneStatus, string> = {
  red: '#cf1322',
  yellow: '#d48806',
  green: '#389e0d',
  done: '#8c8c8c',
};

/** antd Tag presets */
export const statusTagColors: Record<MilestoneStatus, string> = {
  red: 'error',
  yellow: 'warning',
  green: 'success',
  done: 'default',
};

export const byAttention = (a: Milestone, b: Milestone) =>
  statusOrder.indexOf(a.status) - statusOrder.indexOf(b.status) ||
  a.dueOn.localeCompare(b.dueOn) ||
  a.seq - b.seq;

/** Query keys: every list is limited to the active region, so the key carries it. */
export const milestoneKeys = {
  all: ['milestones'] as const,
  project: (region: string, projectId: number) =>
    ['milestones', region, 'project', projectId] as const,
  list: (region: string, params: object) => ['milestones', region, 'list', params] as const,
  battle: (region: string, params: object) => ['milestones', region, 'battle', params] as const,
  templates: ['milestone-templates'] as const,
  calendar: (year: number) => ['calendar', year] as const,
};

/** "已逾期3天" / "今天到期" / "5天后到期" / "2026-03-01 完成" (calendar days, for people). */
export function dueHint(m: Pick<Milestone, 'status' | 'dueOn' | 'doneOn'>, today: string): string {
  if (m.status === 'done') return m.doneOn ? `${m.doneOn} 完成` : '已完成';
  const days = Math.round(
    (Date.parse(`${m.dueOn}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000,
  );
  if (days < 0) return `已逾期${-days}天`;
  if (days === 0) return '今天到期';
  return `${days}天后到期`;
}
