import { pinyin, polyphonic } from 'pinyin-pro';
import {
  compareDecimals,
  projectStages,
  type CreateProjectRequest,
  type Project,
  type ProjectListQuery,
  type ProjectStage,
  type StageEvent,
  type UpdateProjectRequest,
} from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { assertCan, assertPathInScope, auditActorOf, type Actor } from '../access';
import { recordAudit } from '../audit';
import { getRegionInScope } from '../regions';
import { getDepartmentRecord } from '../users';
import * as repo from './project.repository';

/** "海尔压缩机项目" → "heysjxm": what people type to find it fast. */
function initialsInContext(name: string): string {
  return pinyin(name, { pattern: 'first', toneType: 'none', type: 'array' })
    .join('')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** each character's initial, or null where its readings start differently (行 xing/hang) */
const charInitials = new Map<string, string | null>();

/**
 * Pinyin initials for the initials search ("hebl" finds 海尔…). A name of
 * characters with one initial each is spelled from a cache (an import reads
 * tens of thousands of names); one with a character whose readings differ
 * is read in context, as pinyin-pro's word list knows (重庆 cq, 银行 yh).
 */
export function nameInitials(name: string): string {
  let out = '';
  for (const ch of name) {
    let v = charInitials.get(ch);
    if (v === undefined) {
      const readings = polyphonic(ch, { pattern: 'first', toneType: 'none', type: 'array' })[0];
      v = new Set(readings ?? []).size <= 1 ? initialsInContext(ch) : null;
      if (charInitials.size < 50_000) charInitials.set(ch, v);
    }
    if (v === null) return initialsInContext(name);
    out += v;
  }
  return out;
}

const num = (v: string | null) => (v === null ? null : Number(v));

export function presentProject(p: repo.ProjectRow): Project {
  return {
    id: p.id,
    name: p.name,
    ownerName: p.owner_name,
    ownerCreditCode: p.owner_credit_code,
    regionCode: p.region_code,
    regionName: p.region_name,
    industryCluster: p.industry_cluster,
    industryCode: p.industry_code,
    level: p.level,
    content: p.content,
    totalInvestment: p.total_investment,
    annualPlan: p.annual_plan,
    planYear: p.plan_year,
    stage: p.stage,
    stageChangedOn: p.stage_changed_on,
    plannedStart: p.planned_start,
    plannedEnd: p.planned_end,
    actualStart: p.actual_start,
    actualEnd: p.actual_end,
    leaderName: p.leader_name,
    departmentId: p.department_id,
    departmentName: p.department_name,
    contactName: p.contact_name,
    contactPhone: p.contact_phone,
    lng: num(p.lng),
    lat: num(p.lat),
    tags: p.tags,
    createdAt: p.created_at.toISOString(),
    updatedAt: p.updated_at.toISOString(),
    version: p.version,
  };
}

/** The project row (with its region path) if the actor's scope holds it. */
export async function getProjectInScope(db: Db, actor: Actor, id: number) {
  const p = await repo.findProject(db, id);
  if (!p) throw new DomainError('PROJECT_NOT_FOUND');
  assertPathInScope(actor, p.region_path);
  return p;
}

export async function getProject(db: Db, actor: Actor, id: number): Promise<Project> {
  assertCan(actor, 'project.read');
  return presentProject(await getProjectInScope(db, actor, id));
}

export async function listProjects(db: Db, actor: Actor, q: ProjectListQuery) {
  assertCan(actor, 'project.read');
  const region = q.regionCode ? await getRegionInScope(db, actor, q.regionCode) : undefined;
  const { items, total, sums } = await repo.listProjects(db, actor.scopePath, region?.path, q);
  return { items: items.map(presentProject), total, sums, page: q.page, pageSize: q.pageSize };
}

interface Checked {
  regionCode: string;
  plannedStart: string | null;
  plannedEnd: string | null;
  totalInvestment: string;
  annualPlan: string;
  departmentId: number | null;
}

async function checkRules(db: Db, actor: Actor, c: Checked) {
  const region = await getRegionInScope(db, actor, c.regionCode);
  if (c.plannedStart && c.plannedEnd && c.plannedEnd < c.plannedStart)
    throw new DomainError('PROJECT_DATES_OUT_OF_ORDER', {
      issues: [{ path: 'plannedEnd', message: '计划竣工日期不能早于计划开工日期' }],
    });
  if (compareDecimals(c.annualPlan, c.totalInvestment) > 0)
    throw new DomainError('PROJECT_PLAN_EXCEEDS_TOTAL', {
      issues: [{ path: 'annualPlan', message: '年度计划投资不能超过总投资' }],
    });
  if (c.departmentId) {
    // the responsible unit sits in the project's region or above it (a city bureau)
    const d = await getDepartmentRecord(db, c.departmentId);
    if (!d || !region.path.startsWith(d.region_path))
      throw new DomainError('DEPARTMENT_REGION_MISMATCH', {
        issues: [{ path: 'departmentId', message: '责任单位须属于项目所在区域或其上级' }],
      });
  }
  return region;
}

const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

export async function createProject(
  db: Db,
  actor: Actor,
  input: CreateProjectRequest,
): Promise<Project> {
  assertCan(actor, 'project.manage');
  return db.transaction().execute(async (trx) => {
    await checkRules(trx, actor, {
      regionCode: input.regionCode,
      plannedStart: input.plannedStart ?? null,
      plannedEnd: input.plannedEnd ?? null,
      totalInvestment: input.totalInvestment,
      annualPlan: input.annualPlan,
      departmentId: input.departmentId ?? null,
    });
    if (await repo.projectNameTaken(trx, input.regionCode, input.name))
      throw new DomainError('PROJECT_NAME_TAKEN', {
        issues: [{ path: 'name', message: '该区域已有同名项目' }],
      });
    const stage = input.stage ?? 'planned';
    const { id } = await repo.insertProject(trx, {
      name: input.name,
      name_initials: nameInitials(input.name),
      owner_name: input.ownerName,
      owner_credit_code: input.ownerCreditCode,
      region_code: input.regionCode,
      industry_cluster: input.industryCluster,
      industry_code: input.industryCode ?? null,
      level: input.level,
      content: input.content ?? '',
      total_investment: input.totalInvestment,
      annual_plan: input.annualPlan,
      plan_year: input.planYear,
      stage,
      stage_changed_on: today(),
      planned_start: input.plannedStart ?? null,
      planned_end: input.plannedEnd ?? null,
      actual_start: null,
      actual_end: null,
      leader_name: input.leaderName ?? null,
      department_id: input.departmentId ?? null,
      contact_name: input.contactName ?? null,
      contact_phone: input.contactPhone ?? null,
      lng: input.lng ?? null,
      lat: input.lat ?? null,
      tags: input.tags ?? [],
    });
    const who = auditActorOf(actor);
    await repo.insertStageEvent(trx, {
      project_id: id,
      region_code: input.regionCode,
      from_stage: null,
      to_stage: stage,
      occurred_on: today(),
      evidence: '项目入库',
      reason: null,
      actor_id: who.userId,
      actor_name: who.name,
    });
    const created = presentProject((await repo.findProject(trx, id))!);
    await recordAudit(trx, who, {
      action: 'project.created',
      entityType: 'project',
      entityId: id,
      regionCode: created.regionCode,
      after: created,
    });
    return created;
  });
}

export async function updateProject(
  db: Db,
  actor: Actor,
  id: number,
  input: UpdateProjectRequest,
): Promise<Project> {
  assertCan(actor, 'project.manage');
  return db.transaction().execute(async (trx) => {
    const current = await getProjectInScope(trx, actor, id);
    const before = presentProject(current);
    if (before.version !== input.version)
      throw new DomainError('VERSION_CONFLICT', { current: before });
    const next = {
      ...before,
      ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
    };
    await checkRules(trx, actor, {
      regionCode: next.regionCode,
      plannedStart: next.plannedStart,
      plannedEnd: next.plannedEnd,
      totalInvestment: next.totalInvestment,
      annualPlan: next.annualPlan,
      departmentId: next.departmentId,
    });
    if (
      (next.name !== before.name || next.regionCode !== before.regionCode) &&
      (await repo.projectNameTaken(trx, next.regionCode, next.name, id))
    )
      throw new DomainError('PROJECT_NAME_TAKEN', {
        issues: [{ path: 'name', message: '该区域已有同名项目' }],
      });
    const ok = await repo.updateProject(trx, id, input.version, {
      name: next.name,
      name_initials: nameInitials(next.name),
      owner_name: next.ownerName,
      owner_credit_code: next.ownerCreditCode,
      region_code: next.regionCode,
      industry_cluster: next.industryCluster,
      industry_code: next.industryCode,
      level: next.level,
      content: next.content,
      total_investment: next.totalInvestment,
      annual_plan: next.annualPlan,
      plan_year: next.planYear,
      planned_start: next.plannedStart,
      planned_end: next.plannedEnd,
      leader_name: next.leaderName,
      department_id: next.departmentId,
      contact_name: next.contactName,
      contact_phone: next.contactPhone,
      lng: next.lng,
      lat: next.lat,
      tags: next.tags,
    });
    if (!ok) throw new DomainError('VERSION_CONFLICT', { current: before });
    const after = presentProject((await repo.findProject(trx, id))!);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'project.updated',
      entityType: 'project',
      entityId: id,
      regionCode: after.regionCode,
      before,
      after,
    });
    return after;
  });
}

/**
 * Forward one stage at a time; from 谋划 a government project may go
 * straight to 签约 or 前期 (no negotiation or contract to sign). Back to any
 * earlier stage only with a reason.
 */
export function stageMoveAllowed(from: ProjectStage, to: ProjectStage): 'forward' | 'back' | false {
  const i = projectStages.indexOf(from);
  const j = projectStages.indexOf(to);
  if (j < i) return 'back';
  if (j === i + 1) return 'forward';
  if (from === 'planned' && (to === 'signed' || to === 'preparing')) return 'forward';
  return false;
}

export async function changeStage(
  db: Db,
  actor: Actor,
  id: number,
  input: {
    to: ProjectStage;
    occurredOn: string;
    evidence: string;
    reason?: string | undefined;
    version: number;
  },
): Promise<Project> {
  assertCan(actor, 'project.manage');
  return db.transaction().execute(async (trx) => {
    const current = await getProjectInScope(trx, actor, id);
    const before = presentProject(current);
    if (before.version !== input.version)
      throw new DomainError('VERSION_CONFLICT', { current: before });
    if (input.to === current.stage) throw new DomainError('STAGE_UNCHANGED');
    const move = stageMoveAllowed(current.stage, input.to);
    if (!move) throw new DomainError('STAGE_JUMP_NOT_ALLOWED');
    if (move === 'back' && !input.reason?.trim())
      throw new DomainError('STAGE_BACK_NEEDS_REASON', {
        issues: [{ path: 'reason', message: '阶段回退须填写原因' }],
      });
    if (
      input.occurredOn > today() ||
      (move === 'forward' &&
        current.stage_changed_on &&
        input.occurredOn < current.stage_changed_on)
    )
      throw new DomainError('STAGE_DATE_INVALID', {
        issues: [{ path: 'occurredOn', message: '日期不能早于上一阶段，也不能晚于今天' }],
      });
    const ok = await repo.updateProject(trx, id, input.version, {
      stage: input.to,
      stage_changed_on: input.occurredOn,
      // the dates the stages stand for
      ...(input.to === 'building' && !current.actual_start
        ? { actual_start: input.occurredOn }
        : {}),
      ...(input.to === 'completed' && !current.actual_end ? { actual_end: input.occurredOn } : {}),
    });
    if (!ok) throw new DomainError('VERSION_CONFLICT', { current: before });
    const who = auditActorOf(actor);
    await repo.insertStageEvent(trx, {
      project_id: id,
      region_code: current.region_code,
      from_stage: current.stage,
      to_stage: input.to,
      occurred_on: input.occurredOn,
      evidence: input.evidence,
      reason: input.reason?.trim() || null,
      actor_id: who.userId,
      actor_name: who.name,
    });
    const after = presentProject((await repo.findProject(trx, id))!);
    await recordAudit(trx, who, {
      action: 'project.stage_changed',
      entityType: 'project',
      entityId: id,
      regionCode: after.regionCode,
      before: { stage: before.stage, stageChangedOn: before.stageChangedOn },
      after: {
        stage: after.stage,
        stageChangedOn: after.stageChangedOn,
        evidence: input.evidence,
        reason: input.reason ?? null,
      },
    });
    return after;
  });
}

export async function listStageEvents(db: Db, actor: Actor, id: number): Promise<StageEvent[]> {
  assertCan(actor, 'project.read');
  await getProjectInScope(db, actor, id);
  return (await repo.listStageEvents(db, id)).map((e) => ({
    id: e.id,
    fromStage: e.from_stage,
    toStage: e.to_stage,
    occurredOn: e.occurred_on,
    evidence: e.evidence,
    reason: e.reason,
    actorName: e.actor_name,
    createdAt: e.created_at.toISOString(),
  }));
}
