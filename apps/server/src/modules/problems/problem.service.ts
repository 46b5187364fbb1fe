import {
  beijingDate,
  type Problem,
  type ProblemListQuery,
  type RaiseProblemRequest,
  type UpdateProblemRequest,
} from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { assertCan, assertPathInScope, auditActorOf, type Actor } from '../access';
import { assertAttachmentsOfProject, attachmentsByIds } from '../attachments';
import { recordAudit } from '../audit';
import { getRegionInScope } from '../regions';
import * as repo from './problem.repository';

/**
 * 问题台账: a problem raised on a project goes to a responsible unit with a
 * due date, is closed one by one with evidence (逐个销号) and may be
 * reopened with a reason. Every step is in its timeline and the audit log.
 */

const today = () => beijingDate(new Date());

async function present(db: Db, rows: repo.ProblemRow[]): Promise<Problem[]> {
  const photos = await attachmentsByIds(
    db,
    rows.map((r) => r.evidence_attachment_id).filter((x): x is number => x !== null),
  );
  const t = today();
  return rows.map((r) => ({
    id: r.id,
    projectId: r.project_id,
    projectName: r.project_name,
    regionCode: r.project_region_code,
    regionName: r.region_name,
    reportId: r.report_id,
    reportMonth: r.report_month,
    title: r.title,
    description: r.description,
    departmentId: r.department_id,
    departmentName: r.department_name,
    dueOn: r.due_on,
    status: r.status,
    overdue: r.status === 'open' && r.due_on < t,
    raisedByName: r.raised_by_name,
    raisedAt: r.raised_at.toISOString(),
    closedAt: r.closed_at?.toISOString() ?? null,
    closedByName: r.closed_by_name,
    evidence: r.evidence,
    evidencePhoto: photos.find((p) => p.id === r.evidence_attachment_id) ?? null,
    reopenCount: r.reopen_count,
    version: r.version,
  }));
}
const presentOne = async (db: Db, r: repo.ProblemRow) => (await present(db, [r]))[0]!;

async function problemInScope(db: Db, actor: Actor, id: number) {
  const r = await repo.findProblem(db, id);
  if (!r) throw new DomainError('PROBLEM_NOT_FOUND');
  assertPathInScope(actor, r.region_path);
  return r;
}

async function projectInScope(db: Db, actor: Actor, id: number) {
  const p = await repo.findProjectOf(db, id);
  if (!p) throw new DomainError('PROJECT_NOT_FOUND');
  assertPathInScope(actor, p.region_path);
  return p;
}

/** The responsible unit sits in the project's region or above it (a city bureau). */
async function checkDepartment(db: Db, departmentId: number, projectPath: string) {
  const d = await repo.findDepartmentOf(db, departmentId);
  if (!d)
    throw new DomainError('DEPARTMENT_NOT_FOUND', {
      issues: [{ path: 'departmentId', message: '责任单位不存在' }],
    });
  if (!projectPath.startsWith(d.region_path))
    throw new DomainError('DEPARTMENT_REGION_MISMATCH', {
      issues: [{ path: 'departmentId', message: '责任单位须属于项目所在区域或其上级' }],
    });
  return d;
}

function checkDue(dueOn: string) {
  if (dueOn < today())
    throw new DomainError('PROBLEM_DUE_IN_PAST', {
      issues: [{ path: 'dueOn', message: '整改期限不能早于今天' }],
    });
}

export async function raiseProblem(
  db: Db,
  actor: Actor,
  projectId: number,
  input: RaiseProblemRequest,
): Promise<Problem> {
  assertCan(actor, 'problem.manage');
  return db.transaction().execute(async (trx) => {
    const p = await projectInScope(trx, actor, projectId);
    await checkDepartment(trx, input.departmentId, p.region_path);
    checkDue(input.dueOn);
    if (input.reportId) {
      const report = await trx
        .selectFrom('monthly_reports')
        .select('project_id')
        .where('id', '=', input.reportId)
        .executeTakeFirst();
      if (report?.project_id !== p.id)
        throw new DomainError('REPORT_NOT_FOUND', {
          issues: [{ path: 'reportId', message: '该项目没有这份调度报告' }],
        });
    }
    const who = auditActorOf(actor);
    const { id } = await trx
      .insertInto('problems')
      .values({
        project_id: p.id,
        region_code: p.region_code,
        report_id: input.reportId ?? null,
        title: input.title,
        description: input.description ?? '',
        department_id: input.departmentId,
        due_on: input.dueOn,
        raised_by: actor.userId,
        raised_by_name: who.name,
        closed_at: null,
        closed_by_name: null,
        evidence: null,
        evidence_attachment_id: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await repo.insertEvent(trx, {
      problem_id: id,
      action: 'raised',
      note: null,
      attachment_id: null,
      actor_id: actor.userId,
      actor_name: who.name,
    });
    const created = await presentOne(trx, (await repo.findProblem(trx, id))!);
    await recordAudit(trx, who, {
      action: 'problem.raised',
      entityType: 'problem',
      entityId: id,
      regionCode: p.region_code,
      after: created,
    });
    return created;
  });
}

export async function updateProblem(
  db: Db,
  actor: Actor,
  id: number,
  input: UpdateProblemRequest,
): Promise<Problem> {
  assertCan(actor, 'problem.manage');
  return db.transaction().execute(async (trx) => {
    const row = await problemInScope(trx, actor, id);
    const before = await presentOne(trx, row);
    if (row.status === 'closed') throw new DomainError('PROBLEM_CLOSED');
    if (row.version !== input.version)
      throw new DomainError('VERSION_CONFLICT', { current: before });
    const changes: string[] = [];
    let departmentName = row.department_name;
    if (input.departmentId !== undefined && input.departmentId !== row.department_id) {
      departmentName = (await checkDepartment(trx, input.departmentId, row.region_path)).name;
      changes.push(`责任单位：${row.department_name} → ${departmentName}`);
    }
    if (input.dueOn !== undefined && input.dueOn !== row.due_on) {
      checkDue(input.dueOn);
      changes.push(`整改期限：${row.due_on} → ${input.dueOn}`);
    }
    if (input.title !== undefined && input.title !== row.title) changes.push('修改了问题');
    if (input.description !== undefined && input.description !== row.description)
      changes.push('修改了问题描述');
    const res = await trx
      .updateTable('problems')
      .set((eb) => ({
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.departmentId !== undefined ? { department_id: input.departmentId } : {}),
        ...(input.dueOn !== undefined ? { due_on: input.dueOn } : {}),
        updated_at: new Date(),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
      .where('version', '=', input.version)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new DomainError('VERSION_CONFLICT', { current: before });
    const who = auditActorOf(actor);
    await repo.insertEvent(trx, {
      problem_id: id,
      action: 'updated',
      note: changes.join('；') || null,
      attachment_id: null,
      actor_id: actor.userId,
      actor_name: who.name,
    });
    const after = await presentOne(trx, (await repo.findProblem(trx, id))!);
    await recordAudit(trx, who, {
      action: 'problem.updated',
      entityType: 'problem',
      entityId: id,
      regionCode: row.project_region_code,
      before,
      after,
    });
    return after;
  });
}

/** 销号: with evidence (and a photo); an officer only for his own unit's problems. */
export async function closeProblem(
  db: Db,
  actor: Actor,
  id: number,
  input: { evidence: string; photoId?: number | undefined; version: number },
): Promise<Problem> {
  assertCan(actor, 'problem.close');
  return db.transaction().execute(async (trx) => {
    const row = await problemInScope(trx, actor, id);
    if (actor.role === 'unit_officer' && actor.departmentId !== row.department_id)
      throw new DomainError('PROBLEM_NOT_YOUR_DEPARTMENT');
    const before = await presentOne(trx, row);
    if (row.status === 'closed') throw new DomainError('PROBLEM_CLOSED');
    if (row.version !== input.version)
      throw new DomainError('VERSION_CONFLICT', { current: before });
    if (input.photoId)
      await assertAttachmentsOfProject(trx, [input.photoId], row.project_id, 'photoId');
    const who = auditActorOf(actor);
    const res = await trx
      .updateTable('problems')
      .set((eb) => ({
        status: 'closed' as const,
        closed_at: new Date(),
        closed_by_name: who.name,
        evidence: input.evidence,
        evidence_attachment_id: input.photoId ?? null,
        updated_at: new Date(),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
      .where('version', '=', input.version)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new DomainError('VERSION_CONFLICT', { current: before });
    await repo.insertEvent(trx, {
      problem_id: id,
      action: 'closed',
      note: input.evidence,
      attachment_id: input.photoId ?? null,
      actor_id: actor.userId,
      actor_name: who.name,
    });
    const after = await presentOne(trx, (await repo.findProblem(trx, id))!);
    await recordAudit(trx, who, {
      action: 'problem.closed',
      entityType: 'problem',
      entityId: id,
      regionCode: row.project_region_code,
      before: { status: before.status },
      after: { status: after.status, evidence: after.evidence, photoId: input.photoId ?? null },
    });
    return after;
  });
}

export async function reopenProblem(
  db: Db,
  actor: Actor,
  id: number,
  input: { reason: string; version: number },
): Promise<Problem> {
  assertCan(actor, 'problem.manage');
  return db.transaction().execute(async (trx) => {
    const row = await problemInScope(trx, actor, id);
    const before = await presentOne(trx, row);
    if (row.status !== 'closed') throw new DomainError('PROBLEM_NOT_CLOSED');
    if (row.version !== input.version)
      throw new DomainError('VERSION_CONFLICT', { current: before });
    const res = await trx
      .updateTable('problems')
      .set((eb) => ({
        status: 'open' as const,
        closed_at: null,
        closed_by_name: null,
        evidence: null,
        evidence_attachment_id: null,
        reopen_count: eb('reopen_count', '+', 1),
        updated_at: new Date(),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
      .where('version', '=', input.version)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new DomainError('VERSION_CONFLICT', { current: before });
    const who = auditActorOf(actor);
    await repo.insertEvent(trx, {
      problem_id: id,
      action: 'reopened',
      note: input.reason,
      attachment_id: null,
      actor_id: actor.userId,
      actor_name: who.name,
    });
    const after = await presentOne(trx, (await repo.findProblem(trx, id))!);
    await recordAudit(trx, who, {
      action: 'problem.reopened',
      entityType: 'problem',
      entityId: id,
      regionCode: row.project_region_code,
      before: { status: before.status, evidence: before.evidence, closedAt: before.closedAt },
      after: { status: after.status, reason: input.reason },
    });
    return after;
  });
}

/** The problem with its timeline. */
export async function getProblem(db: Db, actor: Actor, id: number) {
  assertCan(actor, 'problem.read');
  const row = await problemInScope(db, actor, id);
  const events = await repo.listEvents(db, id);
  const photos = await attachmentsByIds(
    db,
    events.map((e) => e.attachment_id).filter((x): x is number => x !== null),
  );
  return {
    ...(await presentOne(db, row)),
    events: events.map((e) => ({
      id: e.id,
      action: e.action,
      note: e.note,
      photo: photos.find((p) => p.id === e.attachment_id) ?? null,
      actorName: e.actor_name,
      at: e.at.toISOString(),
    })),
  };
}

/** The region's ledger: filters, paging, and counts of open / closed / overdue. */
export async function listProblems(db: Db, actor: Actor, q: ProblemListQuery) {
  assertCan(actor, 'problem.read');
  const region = q.regionCode ? await getRegionInScope(db, actor, q.regionCode) : undefined;
  const { items, counts } = await repo.listProblems(
    db,
    {
      scopePath: actor.scopePath,
      regionPath: region?.path,
      departmentId: q.departmentId,
      projectId: q.projectId,
      q: q.q,
      today: today(),
    },
    { status: q.status, limit: q.pageSize, offset: (q.page - 1) * q.pageSize },
  );
  return {
    items: await present(db, items),
    total: q.status ? counts[q.status] : counts.open + counts.closed,
    page: q.page,
    pageSize: q.pageSize,
    counts,
  };
}

/** A project's problems, open ones first. */
export async function projectProblems(
  db: Db,
  actor: Actor,
  projectId: number,
  status?: 'open' | 'closed' | 'overdue',
) {
  assertCan(actor, 'problem.read');
  await projectInScope(db, actor, projectId);
  const { items } = await repo.listProblems(
    db,
    { scopePath: actor.scopePath, projectId, today: today() },
    { status, limit: 1000, offset: 0 },
  );
  return present(db, items);
}
