import { projectStages, type ProjectLevel, type ProjectStage, type Role } from '@xiangmu/contracts';

/** Mirrors the server's permission table (project.manage; project.read is in session/pages.tsx). */
export const PROJECT_MANAGERS: readonly Role[] = ['city_admin', 'district_admin'];
export const canManageProjects = (role: Role) => PROJECT_MANAGERS.includes(role);
/** GET /api/departments (department.read) */
export const canReadDepartments = (role: Role) =>
  (['city_admin', 'district_admin', 'unit_officer', 'leader'] as readonly Role[]).includes(role);

export const stageColors: Record<ProjectStage, string> = {
  planned: 'default',
  negotiating: 'purple',
  signed: 'geekblue',
  preparing: 'gold',
  building: 'volcano',
  completed: 'cyan',
  operating: 'green',
};

export const levelColors: Record<ProjectLevel, string> = {
  province: 'red',
  city: 'orange',
  district: 'blue',
};

export const stageIndex = (s: ProjectStage) => projectStages.indexOf(s);

/**
 * Same rule as the server (project.service.ts stageMoveAllowed): forward one
 * stage at a time, from 谋划 also straight to 签约 or 前期; back to any earlier
 * stage (with a reason).
 */
export function stageMove(from: ProjectStage, to: ProjectStage): 'forward' | 'back' | false {
  const i = stageIndex(from);
  const j = stageIndex(to);
  if (j < i) return 'back';
  if (j === i + 1) return 'forward';
  if (from === 'planned' && (to === 'signed' || to === 'preparing')) return 'forward';
  return false;
}

export const stageTargets = (from: ProjectStage) => ({
  forward: projectStages.filter((s) => stageMove(from, s) === 'forward'),
  back: projectStages.filter((s) => stageMove(from, s) === 'back'),
});
