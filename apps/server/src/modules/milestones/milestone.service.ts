import {
  MILESTONE_WARNING_WORKDAYS,
  milestoneStatuses,
  type Milestone,
  type MilestoneOwner,
  type MilestoneStatus,
  type MilestoneTemplate,
  type TemplateStep,
} from '@xiangmu/contracts';
import { chinaToday } from '../../platform/calendar/today';
import type { WorkCalendar } from '../../platform/calendar/work-calendar';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import {
  assertCan,
  assertPathInScope,
  auditActorOf,
  can,
  systemActor,
  type Actor,
} from '../access';
import { recordAudit, recordAudits } from '../audit';
import { loadWorkCalendar } from '../calendar';
import { getProjectRowInScope } from '../projects';
import { getRegionInScope } from '../regions';
import * as repo from './milestone.repository';

const present = (m: repo.MilestoneRow): Milestone => ({
  id: m.id,
  projectId: m.project_id,
  projectName: m.project_name,
  projectStage: m.project_stage,
  regionCode: m.region_code,
  regionName: m.region_name,
  seq: m.seq,
  name: m.name,
  ownerUserId: m.owner_user_id,
  ownerName: m.owner_name,
  dueOn: m.due_on,
  targetOn: m.target_on,
  offsetWorkdays: m.offset_workdays,
  doneOn: m.done_on,
  evidence: m.evidence,
  status: m.status,
  version: m.version,
});

/** The last date that is still yellow rather than green, seen from `today`. */
export const yellowUntil = (calendar: WorkCalendar, today: string) =>
  calendar.workdaysAfter(today, MILESTONE_WARNING_WORKDAYS);

/** The light of one open node on `today` (the same rule as the daily job's SQL). */
export function lightOf(dueOn: string, today: string, until: string): MilestoneStatus {
  if (dueOn < today) return 'red';
  if (dueOn <= until) return 'yellow';
  return 'green';
}

async function milestoneInScope(db: Db, actor: Actor, id: number) {
  const m = await repo.findMilestone(db, id);
  if (!m) throw new DomainError('MILESTONE_NOT_FOUND');
  assertPathInScope(actor, m.region_path);
  return m;
}

async function reread(db: Db, id: number): Promise<Milestone> {
  return present((await repo.findMilestone(db, id))!);
}

/** An owner must be an active user on the project's region line (or none). */
async function checkOwner(db: Db, ownerUserId: number | null | undefined, projectPath: string) {
  if (!ownerUserId) return;
  const u = await repo.findUserWithPath(db, ownerUserId);
  const onLine = u && (projectPath.startsWith(u.path) || u.path.startsWith(projectPath));
  if (!u || u.disabled || !onLine || ['viewer', 'grid_worker', 'enterprise'].includes(u.role))
    throw new DomainError('MILESTONE_OWNER_INVALID', {
      issues: [{ path: 'ownerUserId', message: '责任人不存在或不属于该项目所在区域' }],
    });
}

/** Re-rates a project's open nodes right after a write, so the light is never stale. */
async function rateProject(db: Db, projectId: number) {
  const calendar = await loadWorkCalendar(db);
  const today = chinaToday();
  await repo.rateOpenMilestones(db, today, yellowUntil(calendar, today), projectId);
}

export async function listProjectMilestones(
  db: Db,
  actor: Actor,
  projectId: number,
): Promise<Milestone[]> {
  assertCan(actor, 'milestone.read');
  await getProjectRowInScope(db, actor, projectId);
  return (await repo.listProjectMilestones(db, projectId)).map(present);
}

/**
 * 倒排工期: the template's last node falls on the target date, each earlier
 * node its working days before the next one.
 */
export function workBackwards(steps: TemplateStep[], targetOn: string, calendar: WorkCalendar) {
  const offsets = steps.map((_, i) =>
    steps.slice(i, -1).reduce((sum, s) => sum + s.workdaysToNext, 0),
  );
  return steps.map((s, i) => ({
    name: s.name,
    offset: offsets[i]!,
    dueOn: calendar.workdaysBefore(targetOn, offsets[i]!),
  }));
}

export async function planMilestones(
  db: Db,
  actor: Actor,
  projectId: number,
  input: {
    templateId: number;
    targetOn: string;
    ownerUserId?: number | null | undefined;
    ownerName: string;
    replace: boolean;
  },
): Promise<Milestone[]> {
  assertCan(actor, 'milestone.manage');
  return db.transaction().execute(async (trx) => {
    const project = await getProjectRowInScope(trx, actor, projectId);
    const template = await repo.findTemplate(trx, input.templateId);
    if (!template) throw new DomainError('TEMPLATE_NOT_FOUND');
    await checkOwner(trx, input.ownerUserId, project.region_path);
    const removed = input.replace ? await repo.deleteOpen(trx, projectId) : [];
    if (!input.replace && (await repo.countOpen(trx, projectId)) > 0)
      throw new DomainError('MILESTONES_EXIST');
    const calendar = await loadWorkCalendar(trx);
    const nodes = workBackwards(template.steps, input.targetOn, calendar);
    const seq = await repo.nextSeq(trx, projectId);
    await repo.insertMilestones(
      trx,
      nodes.map((n, i) => ({
        project_id: projectId,
        region_code: project.region_code,
        seq: seq + i,
        name: n.name,
        owner_user_id: input.ownerUserId ?? null,
        owner_name: input.ownerName,
        due_on: n.dueOn,
        target_on: input.targetOn,
        offset_workdays: n.offset,
      })),
    );
    await rateProject(trx, projectId);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'milestone.planned',
      entityType: 'project',
      entityId: projectId,
      regionCode: project.region_code,
      before: removed.length ? { removed } : null,
      after: {
        template: template.name,
        targetOn: input.targetOn,
        nodes: nodes.map((n) => ({ name: n.name, dueOn: n.dueOn })),
      },
    });
    return (await repo.listProjectMilestones(trx, projectId)).map(present);
  });
}

export async function createMilestone(
  db: Db,
  actor: Actor,
  projectId: number,
  input: {
    name: string;
    dueOn: string;
    ownerUserId?: number | null | undefined;
    ownerName: string;
  },
): Promise<Milestone> {
  assertCan(actor, 'milestone.manage');
  return db.transaction().execute(async (trx) => {
    const project = await getProjectRowInScope(trx, actor, projectId);
    await checkOwner(trx, input.ownerUserId, project.region_path);
    const [row] = await repo.insertMilestones(trx, [
      {
        project_id: projectId,
        region_code: project.region_code,
        seq: await repo.nextSeq(trx, projectId),
        name: input.name,
        owner_user_id: input.ownerUserId ?? null,
        owner_name: input.ownerName,
        due_on: input.dueOn,
        target_on: null,
        offset_workdays: null,
      },
    ]);
    await rateProject(trx, projectId);
    const created = await reread(trx, row!.id);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'milestone.created',
      entityType: 'milestone',
      entityId: created.id,
      regionCode: created.regionCode,
      after: created,
    });
    return created;
  });
}

export async function updateMilestone(
  db: Db,
  actor: Actor,
  id: number,
  input: {
    version: number;
    name?: string | undefined;
    dueOn?: string | undefined;
    ownerUserId?: number | null | undefined;
    ownerName?: string | undefined;
  },
): Promise<Milestone> {
  assertCan(actor, 'milestone.manage');
  return db.transaction().execute(async (trx) => {
    const current = await milestoneInScope(trx, actor, id);
    const before = present(current);
    if (before.version !== input.version)
      throw new DomainError('VERSION_CONFLICT', { current: before });
    if (input.ownerUserId !== undefined)
      await checkOwner(trx, input.ownerUserId, current.region_path);
    const moved = input.dueOn !== undefined && input.dueOn !== current.due_on;
    const ok = await repo.updateMilestone(trx, id, input.version, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.ownerName !== undefined ? { owner_name: input.ownerName } : {}),
      ...(input.ownerUserId !== undefined ? { owner_user_id: input.ownerUserId } : {}),
      // a hand-set date is fixed from now on: no target, no recomputation
      ...(moved ? { due_on: input.dueOn!, target_on: null, offset_workdays: null } : {}),
    });
    if (!ok) throw new DomainError('VERSION_CONFLICT', { current: before });
    await rateProject(trx, current.project_id);
    const after = await reread(trx, id);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'milestone.updated',
      entityType: 'milestone',
      entityId: id,
      regionCode: after.regionCode,
      before,
      after,
    });
    return after;
  });
}

/** Admins of the region, or the node's own 责任人 (the role check first, then the scope). */
async function milestoneToComplete(db: Db, actor: Actor, id: number) {
  assertCan(actor, 'milestone.complete');
  const m = await repo.findMilestone(db, id);
  if (!m) throw new DomainError('MILESTONE_NOT_FOUND');
  if (!can(actor, 'milestone.manage') && m.owner_user_id !== actor.userId)
    throw new DomainError('FORBIDDEN', { message: '只有节点责任人或管理员可以办理此节点' });
  assertPathInScope(actor, m.region_path);
  return m;
}

export async function completeMilestone(
  db: Db,
  actor: Actor,
  id: number,
  input: { version: number; doneOn: string; evidence: string },
): Promise<Milestone> {
  return db.transaction().execute(async (trx) => {
    const current = await milestoneToComplete(trx, actor, id);
    const before = present(current);
    if (before.version !== input.version)
      throw new DomainError('VERSION_CONFLICT', { current: before });
    if (current.status === 'done') throw new DomainError('MILESTONE_ALREADY_DONE');
    if (input.doneOn > chinaToday())
      throw new DomainError('MILESTONE_DONE_IN_FUTURE', {
        issues: [{ path: 'doneOn', message: '完成日期不能晚于今天' }],
      });
    const ok = await repo.updateMilestone(trx, id, input.version, {
      status: 'done',
      done_on: input.doneOn,
      evidence: input.evidence,
    });
    if (!ok) throw new DomainError('VERSION_CONFLICT', { current: before });
    const after = await reread(trx, id);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'milestone.completed',
      entityType: 'milestone',
      entityId: id,
      regionCode: after.regionCode,
      before,
      after,
    });
    return after;
  });
}

export async function reopenMilestone(
  db: Db,
  actor: Actor,
  id: number,
  input: { version: number; reason: string },
): Promise<Milestone> {
  return db.transaction().execute(async (trx) => {
    const current = await milestoneToComplete(trx, actor, id);
    const before = present(current);
    if (before.version !== input.version)
      throw new DomainError('VERSION_CONFLICT', { current: before });
    if (current.status !== 'done') throw new DomainError('MILESTONE_NOT_DONE');
    const calendar = await loadWorkCalendar(trx);
    const today = chinaToday();
    const ok = await repo.updateMilestone(trx, id, input.version, {
      status: lightOf(current.due_on, today, yellowUntil(calendar, today)),
      done_on: null,
      evidence: null,
    });
    if (!ok) throw new DomainError('VERSION_CONFLICT', { current: before });
    const after = await reread(trx, id);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'milestone.reopened',
      entityType: 'milestone',
      entityId: id,
      regionCode: after.regionCode,
      before,
      after: { ...after, reason: input.reason },
    });
    return after;
  });
}

export async function deleteMilestone(
  db: Db,
  actor: Actor,
  id: number,
  version: number,
): Promise<{ ok: true }> {
  assertCan(actor, 'milestone.manage');
  return db.transaction().execute(async (trx) => {
    const current = await milestoneInScope(trx, actor, id);
    const before = present(current);
    if (before.version !== version) throw new DomainError('VERSION_CONFLICT', { current: before });
    if (!(await repo.deleteMilestone(trx, id, version)))
      throw new DomainError('VERSION_CONFLICT', { current: before });
    await recordAudit(trx, auditActorOf(actor), {
      action: 'milestone.deleted',
      entityType: 'milestone',
      entityId: id,
      regionCode: before.regionCode,
      before,
    });
    return { ok: true as const };
  });
}

const emptyCounts = () =>
  Object.fromEntries(milestoneStatuses.map((s) => [s, 0])) as Record<MilestoneStatus, number>;

export async function listMilestones(
  db: Db,
  actor: Actor,
  q: {
    page: number;
    pageSize: number;
    regionCode?: string | undefined;
    status?: MilestoneStatus | undefined;
    mine?: boolean | undefined;
    projectId?: number | undefined;
    dueFrom?: string | undefined;
    dueTo?: string | undefined;
    q?: string | undefined;
  },
) {
  assertCan(actor, 'milestone.read');
  const region = q.regionCode ? await getRegionInScope(db, actor, q.regionCode) : undefined;
  const { items, total, counts } = await repo.listMilestones(
    db,
    {
      scopePath: actor.scopePath,
      regionPath: region?.path,
      status: q.status,
      ownerUserId: q.mine ? actor.userId : undefined,
      projectId: q.projectId,
      dueFrom: q.dueFrom,
      dueTo: q.dueTo,
      q: q.q,
    },
    q,
  );
  return {
    items: items.map(present),
    total,
    page: q.page,
    pageSize: q.pageSize,
    counts: { ...emptyCounts(), ...counts },
  };
}

/**
 * 作战图: per project its nodes in the window (default: this year), plus any
 * overdue node due before it: an old red node is exactly what the chart is for.
 */
export async function battleChart(
  db: Db,
  actor: Actor,
  q: {
    regionCode?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    status?: MilestoneStatus | undefined;
    limit: number;
  },
) {
  assertCan(actor, 'milestone.read');
  const region = q.regionCode ? await getRegionInScope(db, actor, q.regionCode) : undefined;
  const year = chinaToday().slice(0, 4);
  const window = { dueFrom: q.from ?? `${year}-01-01`, dueTo: q.to ?? `${year}-12-31` };
  const { ids, truncated, counts } = await repo.battleChartProjects(db, {
    scopePath: actor.scopePath,
    regionPath: region?.path,
    status: q.status,
    limit: q.limit,
    keepOverdue: true,
    ...window,
  });
  const [milestones, projects] = await Promise.all([
    repo.listMilestonesOfProjects(db, ids),
    repo.projectHeads(db, ids),
  ]);
  const heads = new Map(projects.map((p) => [p.id, p]));
  const rows = ids.map((id) => {
    const head = heads.get(id)!;
    return {
      projectId: id,
      projectName: head.name,
      regionName: head.region_name,
      stage: head.stage,
      leaderName: head.leader_name,
      milestones: milestones
        .filter((m) => m.project_id === id)
        .filter(
          (m) => (m.due_on >= window.dueFrom || m.status === 'red') && m.due_on <= window.dueTo,
        )
        .map(present),
    };
  });
  return { rows, truncated, counts: { ...emptyCounts(), ...counts } };
}

export async function listOwnerCandidates(
  db: Db,
  actor: Actor,
  projectId: number,
): Promise<MilestoneOwner[]> {
  assertCan(actor, 'milestone.manage');
  const project = await getProjectRowInScope(db, actor, projectId);
  return (await repo.listOwnerCandidates(db, project.region_path)).map((u) => ({
    id: u.id,
    displayName: u.display_name,
    role: u.role,
    regionName: u.region_name,
    departmentName: u.department_name,
  }));
}

// ---- templates -----------------------------------------------------------

const presentTemplate = (
  t: NonNullable<Awaited<ReturnType<typeof repo.findTemplate>>>,
): MilestoneTemplate => ({
  id: t.id,
  name: t.name,
  steps: t.steps,
  version: t.version,
  updatedAt: t.updated_at.toISOString(),
});

export async function listTemplates(db: Db, actor: Actor): Promise<MilestoneTemplate[]> {
  assertCan(actor, 'milestone.read');
  return (await repo.listTemplates(db)).map(presentTemplate);
}

export async function createTemplate(
  db: Db,
  actor: Actor,
  input: { name: string; steps: TemplateStep[] },
): Promise<MilestoneTemplate> {
  assertCan(actor, 'milestone_template.manage');
  return db.transaction().execute(async (trx) => {
    if (await repo.templateNameTaken(trx, input.name)) throw new DomainError('TEMPLATE_NAME_TAKEN');
    const row = await repo.insertTemplate(trx, input.name, input.steps);
    const created = presentTemplate(row);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'milestone.template_created',
      entityType: 'milestone_template',
      entityId: row.id,
      regionCode: actor.regionCode,
      after: created,
    });
    return created;
  });
}

/** Editing a template changes future plans only: nodes already planned keep their dates. */
export async function updateTemplate(
  db: Db,
  actor: Actor,
  id: number,
  input: { version: number; name: string; steps: TemplateStep[] },
): Promise<MilestoneTemplate> {
  assertCan(actor, 'milestone_template.manage');
  return db.transaction().execute(async (trx) => {
    const current = await repo.findTemplate(trx, id);
    if (!current) throw new DomainError('TEMPLATE_NOT_FOUND');
    const before = presentTemplate(current);
    if (before.version !== input.version)
      throw new DomainError('VERSION_CONFLICT', { current: before });
    if (await repo.templateNameTaken(trx, input.name, id))
      throw new DomainError('TEMPLATE_NAME_TAKEN');
    if (!(await repo.updateTemplate(trx, id, input.version, input.name, input.steps)))
      throw new DomainError('VERSION_CONFLICT', { current: before });
    const after = presentTemplate((await repo.findTemplate(trx, id))!);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'milestone.template_updated',
      entityType: 'milestone_template',
      entityId: id,
      regionCode: actor.regionCode,
      before,
      after,
    });
    return after;
  });
}

// ---- calendar and the daily lights --------------------------------------

/** After a calendar correction: worked-back nodes follow the new working days. */
export async function recomputeDueDates(db: Db, calendar: WorkCalendar): Promise<number> {
  const pairs = await repo.derivedPairs(db);
  const moved = await repo.applyRecomputed(
    db,
    pairs.map((p) => ({
      target: p.target_on,
      offset: p.offset_workdays,
      due: calendar.workdaysBefore(p.target_on, p.offset_workdays),
    })),
  );
  const today = chinaToday();
  await repo.rateOpenMilestones(db, today, yellowUntil(calendar, today));
  return moved;
}

/**
 * The daily job's work: every open node's light as of `today`; each node
 * whose light changed gets its own audit row (one statement for all).
 */
export async function rateAllMilestones(db: Db, today = chinaToday()): Promise<number> {
  const calendar = await loadWorkCalendar(db);
  const changed = await repo.rateOpenMilestonesReturning(db, today, yellowUntil(calendar, today));
  await recordAudits(
    db,
    systemActor,
    changed.map((m) => ({
      action: 'milestone.rated',
      entityType: 'milestone',
      entityId: m.id,
      regionCode: m.region_code,
      before: { status: m.before },
      after: { status: m.after, projectId: m.project_id, name: m.name },
    })),
  );
  return changed.length;
}
