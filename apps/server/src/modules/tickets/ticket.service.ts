import type { Readable } from 'node:stream';
import {
  beijingDate,
  type CreateTicketRequest,
  type DispatchTicketRequest,
  type RegionLevel,
  type Ticket,
  type TicketAction,
  type TicketDetail,
  type TicketLevel,
  type TicketListQuery,
  type TicketListResponse,
  type TicketQueueResponse,
  type TicketQueueTab,
  type TicketRating,
  type TicketPhoto,
  type TicketStatus,
} from '@xiangmu/contracts';
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import {
  assertCan,
  assertPathInScope,
  auditActorOf,
  can,
  type Actor,
  type AuditActor,
} from '../access';
import { cleanFilename, readImageUpload } from '../attachments';
import { recordAudit } from '../audit';
import { loadWorkCalendar } from '../calendar';
import { getRegionInScope } from '../regions';
import {
  allowedActions,
  assertCanSee,
  assertMayAct,
  intakeOf,
  permissionOf,
  viewerOf,
  visibility,
  type TicketViewer,
} from './ticket.access';
import * as repo from './ticket.repository';
import { dueAt, isOpen, remindAt, transition } from './ticket.rules';

/**
 * The one ticket engine (ADR 0011): intake with an idempotency key, the loop
 * 受理 → 派遣 → 处置 → 反馈 → 评价 → 办结 with 退回/改派/合并/督办, every step
 * checked against ticket.rules, kept in ticket_events and audited in the same
 * transaction.
 */

const BEIJING_MS = 8 * 3_600_000;

/** the end of a Beijing day = the next day's 00:00 Beijing */
const endOfBeijingDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000 - BEIJING_MS);

export function ticketNumber(id: number, createdAt: Date): string {
  const day = new Date(createdAt.getTime() + BEIJING_MS).toISOString().slice(0, 10);
  return `GD${day.replaceAll('-', '')}${String(id).padStart(6, '0')}`;
}

/** the level a ticket starts at: where it happened */
export function levelOfRegion(level: RegionLevel): TicketLevel {
  if (level === 'city' || level === 'district' || level === 'street') return level;
  return 'grid';
}

export function presentTickets(
  rows: repo.TicketRow[],
  coHandlers: { ticket_id: number; id: number; name: string }[],
  now = new Date(),
): Ticket[] {
  return rows.map((r) => {
    const open = r.closed_at === null;
    return {
      id: r.id,
      number: ticketNumber(r.id, r.created_at),
      source: r.source,
      categoryId: r.category_id,
      categoryName: r.category_name,
      timeLimit: { value: r.limit_value, unit: r.limit_unit },
      title: r.title,
      description: r.description,
      regionCode: r.region_code,
      regionName: r.region_name,
      level: r.level,
      status: r.status,
      enterpriseId: r.enterprise_id,
      enterpriseName: r.enterprise_name,
      projectId: r.project_id,
      projectName: r.project_name,
      requesterName: r.requester_name,
      requesterPhone: r.requester_phone,
      address: r.address,
      lng: r.lng,
      lat: r.lat,
      departmentId: r.department_id,
      departmentName: r.department_name,
      coDepartments: coHandlers
        .filter((h) => h.ticket_id === r.id)
        .map((h) => ({ id: h.id, name: h.name })),
      createdByName: r.created_by_name,
      createdAt: r.created_at.toISOString(),
      dueAt: r.due_at.toISOString(),
      remindAt: r.remind_at.toISOString(),
      overdue: open ? r.due_at < now : r.closed_on_time === false,
      dueSoon: open && r.remind_at <= now && r.due_at >= now,
      escalations: r.escalations,
      reply: r.reply,
      repliedAt: r.replied_at?.toISOString() ?? null,
      rating: r.rating,
      ratingComment: r.rating_comment,
      closedAt: r.closed_at?.toISOString() ?? null,
      resolvedLevel: r.resolved_level,
      mergedIntoId: r.merged_into_id,
      rectifyBy: r.rectify_by,
      reportId: r.report_id,
      reportMonth: r.report_month,
      version: r.version,
    };
  });
}

async function present(db: Db, rows: repo.TicketRow[]): Promise<Ticket[]> {
  return presentTickets(
    rows,
    await repo.coHandlersOf(
      db,
      rows.map((r) => r.id),
    ),
  );
}
const presentOne = async (db: Db, r: repo.TicketRow) => (await present(db, [r]))[0]!;

async function loadVisible(db: Db, v: TicketViewer, id: number, forUpdate = false) {
  const row = await (forUpdate ? repo.findTicketForUpdate(db, id) : repo.findTicket(db, id));
  if (!row) throw new DomainError('TICKET_NOT_FOUND');
  const co = (await repo.coHandlersOf(db, [id])).map((h) => h.id);
  assertCanSee(v, row, co);
  return row;
}

// --- intake ---------------------------------------------------------------

export interface IntakeSource {
  /** a signed-in user, or an Open311 client (external system) */
  actor?: Actor;
  open311?: { clientId: number; name: string; scopePath: string };
}

/** the category the request names, active and of its source */
async function categoryOf(db: Db, id: number, source: string) {
  const c = await db
    .selectFrom('ticket_categories')
    .selectAll()
    .where('id', '=', id)
    .where('active', '=', true)
    .executeTakeFirst();
  if (!c || c.source !== source)
    throw new DomainError('TICKET_CATEGORY_NOT_FOUND', {
      issues: [{ path: 'categoryId', message: '该来源下没有这个类别（或已停用）' }],
    });
  return c;
}

/**
 * Registers a ticket. With an idempotency key the same submission sent again
 * returns the ticket the first one created (created: false) and writes nothing.
 */
export async function createTicket(
  db: Db,
  who: IntakeSource,
  input: CreateTicketRequest,
  now = new Date(),
): Promise<{ ticket: Ticket; created: boolean }> {
  const actor = who.actor;
  if (actor) {
    assertCan(actor, 'ticket.create');
    if (!intakeOf(actor).sources.includes(input.source))
      throw new DomainError('TICKET_SOURCE_NOT_ALLOWED', {
        issues: [{ path: 'source', message: '您的角色不能登记这一来源的工单' }],
      });
  }
  const scopePath = actor?.scopePath ?? who.open311!.scopePath;
  const idemScope = actor ? `user:${actor.userId}` : `open311:${who.open311!.clientId}`;
  const audit: AuditActor = actor
    ? auditActorOf(actor)
    : { userId: null, name: `接入系统：${who.open311!.name}`, ip: null };

  if (input.idempotencyKey) {
    const existing = await findByKey(db, idemScope, input.idempotencyKey);
    if (existing) return { ticket: existing, created: false };
  }
  const calendar = await loadWorkCalendar(db);
  return db.transaction().execute(async (trx) => {
    // the place named first: a region outside the caller's scope is refused as such
    if (input.regionCode) await getRegionInScope(trx, { scopePath }, input.regionCode);
    const category = await categoryOf(trx, input.categoryId, input.source);
    const v = actor ? await viewerOf(trx, actor) : undefined;

    let enterpriseId: number | null = null;
    let enterprise: { id: number; region_code: string; path: string } | undefined;
    if (input.source === 'enterprise') {
      enterprise = await enterpriseFor(trx, actor, v, input.enterpriseId);
      enterpriseId = enterprise.id;
    } else if (input.enterpriseId !== undefined) {
      throw new DomainError('VALIDATION_FAILED', {
        issues: [{ path: 'enterpriseId', message: '只有万人助万企诉求关联企业' }],
      });
    }
    let projectId: number | null = null;
    let projectRegion: string | undefined;
    if (input.source === 'project') {
      if (input.projectId === undefined)
        throw new DomainError('VALIDATION_FAILED', {
          issues: [{ path: 'projectId', message: '项目问题须选择项目' }],
        });
      const p = await trx
        .selectFrom('projects')
        .innerJoin('regions as r', 'r.code', 'projects.region_code')
        .select(['projects.id', 'projects.region_code', 'r.path'])
        .where('projects.id', '=', input.projectId)
        .executeTakeFirst();
      if (!p) throw new DomainError('PROJECT_NOT_FOUND');
      if (!p.path.startsWith(scopePath)) throw new DomainError('REGION_OUT_OF_SCOPE');
      projectId = p.id;
      projectRegion = p.region_code;
    } else {
      const stray = (['projectId', 'rectifyBy', 'reportId', 'departmentId'] as const).find(
        (k) => input[k] !== undefined,
      );
      if (stray)
        throw new DomainError('VALIDATION_FAILED', {
          issues: [{ path: stray, message: '只有项目问题关联项目、调度报告、整改期限和责任单位' }],
        });
    }
    if (input.reportId !== undefined) {
      const report = await trx
        .selectFrom('monthly_reports')
        .select('project_id')
        .where('id', '=', input.reportId)
        .executeTakeFirst();
      if (report?.project_id !== projectId)
        throw new DomainError('REPORT_NOT_FOUND', {
          issues: [{ path: 'reportId', message: '该项目没有这份调度报告' }],
        });
    }
    if (input.rectifyBy !== undefined && input.rectifyBy < beijingDate(now))
      throw new DomainError('PROBLEM_DUE_IN_PAST', {
        issues: [{ path: 'rectifyBy', message: '整改期限不能早于今天' }],
      });
    // a project's problem belongs to the project's region; an enterprise's
    // demand to the enterprise's region or a street inside it
    const regionCode =
      projectRegion ?? input.regionCode ?? enterprise?.region_code ?? actor?.activeRegionCode;
    if (!regionCode)
      throw new DomainError('VALIDATION_FAILED', {
        issues: [{ path: 'regionCode', message: '请选择所在区域' }],
      });
    const region = await getRegionInScope(trx, { scopePath }, regionCode);
    if (enterprise && !region.path.startsWith(enterprise.path))
      throw new DomainError('VALIDATION_FAILED', {
        issues: [{ path: 'regionCode', message: '诉求所在区域须在企业所在区域之内' }],
      });

    const accepted = actor ? intakeOf(actor).accepted : false;
    // a project problem with its 责任单位 is dispatched as it is registered
    let unit: { id: number; name: string } | undefined;
    if (input.departmentId !== undefined) {
      if (!actor || !accepted || !can(actor, permissionOf.dispatch))
        throw new DomainError('FORBIDDEN', { message: '您的角色不能派遣工单' });
      unit = await unitFor(trx, input.departmentId, region.path, 'departmentId');
    }
    const status: TicketStatus = unit ? 'dispatched' : accepted ? 'accepted' : 'submitted';
    const limit = { value: category.limit_value, unit: category.limit_unit };
    const due = input.rectifyBy ? endOfBeijingDay(input.rectifyBy) : dueAt(now, limit, calendar);
    const level = levelOfRegion(region.level);
    const inserted = await trx
      .insertInto('tickets')
      .values({
        source: input.source,
        category_id: category.id,
        title: input.title,
        description: input.description,
        region_code: region.code,
        region_path: region.path,
        level,
        status,
        enterprise_id: enterpriseId,
        project_id: projectId,
        requester_user_id: actor && !accepted ? actor.userId : null,
        requester_name: input.requesterName ?? (actor && !accepted ? actor.displayName : ''),
        requester_phone: input.requesterPhone ?? (actor && !accepted ? actor.phone : null),
        address: input.address ?? '',
        lng: input.lng ?? null,
        lat: input.lat ?? null,
        department_id: unit?.id ?? null,
        dispatched_at: unit ? now : null,
        rectify_by: input.rectifyBy ?? null,
        report_id: input.reportId ?? null,
        created_by: actor?.userId ?? null,
        created_by_name: audit.name,
        open311_client_id: who.open311?.clientId ?? null,
        idempotency_scope: input.idempotencyKey ? idemScope : null,
        idempotency_key: input.idempotencyKey ?? null,
        limit_value: limit.value,
        limit_unit: limit.unit,
        due_at: due,
        remind_at: remindAt(now, due),
        reminded_at: null,
        next_escalation_at: level === 'city' ? null : due,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['idempotency_scope', 'idempotency_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
      // the same key won a race with this request: it is that ticket
      const existing = await findByKey(trx, idemScope, input.idempotencyKey!);
      return { ticket: existing!, created: false };
    }
    const row = (await repo.findTicket(trx, inserted.id))!;
    await repo.insertEvent(trx, {
      ticket_id: row.id,
      kind: 'create',
      from_status: null,
      to_status: unit ? 'accepted' : status,
      level,
      department_name: null,
      note: accepted ? '登记并受理' : '提交诉求，待受理',
      actor_id: actor?.userId ?? null,
      actor_name: audit.name,
    });
    if (unit)
      await repo.insertEvent(trx, {
        ticket_id: row.id,
        kind: 'dispatch',
        from_status: 'accepted',
        to_status: 'dispatched',
        level,
        department_name: unit.name,
        note: `派遣至${unit.name}${input.rectifyBy ? `，整改期限${input.rectifyBy}` : ''}`,
        actor_id: actor?.userId ?? null,
        actor_name: audit.name,
      });
    const ticket = await presentOne(trx, row);
    await recordAudit(trx, audit, {
      action: 'ticket.created',
      entityType: 'ticket',
      entityId: row.id,
      regionCode: row.region_code,
      after: ticket,
    });
    return { ticket, created: true };
  });
}

async function findByKey(db: Db, scope: string, key: string) {
  const row = await repo
    .ticketRows(db)
    .where('tickets.idempotency_scope', '=', scope)
    .where('tickets.idempotency_key', '=', key)
    .executeTakeFirst();
  return row ? presentOne(db, row) : undefined;
}

/** an enterprise demand's enterprise: the user's own company, or one in scope */
async function enterpriseFor(
  db: Db,
  actor: Actor | undefined,
  v: TicketViewer | undefined,
  enterpriseId: number | undefined,
) {
  const q = db
    .selectFrom('enterprises as e')
    .innerJoin('regions as r', 'r.code', 'e.region_code')
    .select(['e.id', 'e.region_code', 'e.cadre_user_id', 'r.path']);
  if (actor?.role === 'enterprise') {
    const own = v?.creditCode
      ? await q.where('e.credit_code', '=', v.creditCode).executeTakeFirst()
      : undefined;
    if (!own)
      throw new DomainError('ENTERPRISE_NOT_FOUND', {
        message: '您的企业（统一社会信用代码）尚未登记，请联系包联干部或区项目办',
      });
    if (enterpriseId !== undefined && enterpriseId !== own.id)
      throw new DomainError('TICKET_NOT_YOURS');
    return own;
  }
  if (enterpriseId === undefined)
    throw new DomainError('VALIDATION_FAILED', {
      issues: [{ path: 'enterpriseId', message: '万人助万企诉求须选择企业' }],
    });
  const e = await q.where('e.id', '=', enterpriseId).executeTakeFirst();
  if (!e) throw new DomainError('ENTERPRISE_NOT_FOUND');
  if (actor) assertPathInScope(actor, e.path);
  return e;
}

// --- the loop ----------------------------------------------------------------

interface StepResult {
  set: Record<string, unknown>;
  note: string | null;
  departmentName?: string | null;
  /** for merge: the ticket it went into gets an event too */
  after?: (trx: Db, row: repo.TicketRow) => Promise<void>;
}

/**
 * One step of the loop on one ticket: scope and role share, who may act,
 * the transition, the version, then the update, its event and its audit row.
 */
async function step(
  db: Db,
  actor: Actor,
  id: number,
  action: TicketAction,
  version: number,
  plan: (row: repo.TicketRow, to: TicketStatus, trx: Db) => Promise<StepResult>,
): Promise<Ticket> {
  assertCan(actor, permissionOf[action]);
  return db.transaction().execute(async (trx) => {
    const v = await viewerOf(trx, actor);
    const row = await loadVisible(trx, v, id, true);
    assertMayAct(v, row, action);
    const t = transition(row.status, action);
    if (!t.ok) throw new DomainError(t.code, { message: t.message });
    const before = await presentOne(trx, row);
    if (row.version !== version) throw new DomainError('VERSION_CONFLICT', { current: before });
    const s = await plan(row, t.to, trx);
    const to = (s.set.status as TicketStatus | undefined) ?? t.to;
    const res = await trx
      .updateTable('tickets')
      .set((eb) => ({
        ...s.set,
        status: to,
        updated_at: new Date(),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new DomainError('VERSION_CONFLICT', { current: before });
    const who = auditActorOf(actor);
    const updated = (await repo.findTicket(trx, id))!;
    await repo.insertEvent(trx, {
      ticket_id: id,
      kind: action,
      from_status: row.status,
      to_status: to,
      level: updated.level,
      department_name: s.departmentName !== undefined ? s.departmentName : updated.department_name,
      note: s.note,
      actor_id: actor.userId,
      actor_name: who.name,
    });
    await s.after?.(trx, updated);
    const after = await presentOne(trx, updated);
    await recordAudit(trx, who, {
      action: `ticket.${pastOf[action]}`,
      entityType: 'ticket',
      entityId: id,
      regionCode: row.region_code,
      before,
      after,
    });
    return after;
  });
}

const pastOf: Record<TicketAction, string> = {
  accept: 'accepted',
  dispatch: 'dispatched',
  return: 'returned',
  start: 'started',
  reply: 'replied',
  rate: 'rated',
  close: 'closed',
  reassign: 'reassigned',
  merge: 'merged',
  supervise: 'supervised',
  escalate: 'escalated',
};

/** a handling unit: of the ticket's region or above it (a city bureau) */
async function unitFor(db: Db, departmentId: number, ticketPath: string, path: string) {
  const d = await repo.findDepartment(db, departmentId);
  if (!d)
    throw new DomainError('DEPARTMENT_NOT_FOUND', { issues: [{ path, message: '单位不存在' }] });
  if (!ticketPath.startsWith(d.region_path))
    throw new DomainError('DEPARTMENT_REGION_MISMATCH', {
      issues: [{ path, message: `${d.name}不属于工单所在区域或其上级` }],
    });
  return d;
}

async function assignment(
  trx: Db,
  row: repo.TicketRow,
  input: { departmentId: number; coDepartmentIds?: number[] | undefined },
) {
  const d = await unitFor(trx, input.departmentId, row.region_path, 'departmentId');
  const coIds = [...new Set(input.coDepartmentIds ?? [])].filter((x) => x !== d.id);
  const co = [];
  for (const c of coIds) co.push(await unitFor(trx, c, row.region_path, 'coDepartmentIds'));
  await repo.setCoHandlers(trx, row.id, coIds);
  const names = co.length > 0 ? `，协办：${co.map((c) => c.name).join('、')}` : '';
  return { d, names };
}

/** a step that only records who took it (and an optional note) */
const noteStep =
  (action: 'accept' | 'start') =>
  (db: Db, actor: Actor, id: number, i: { version: number; note?: string | undefined }) =>
    step(db, actor, id, action, i.version, async () => ({ set: {}, note: i.note || null }));

export const acceptTicket = noteStep('accept');
export const startTicket = noteStep('start');

/** 派遣 and 改派: the same assignment of a unit and its co-units, told differently */
const assignStep =
  (action: 'dispatch' | 'reassign') =>
  (db: Db, actor: Actor, id: number, i: DispatchTicketRequest) =>
    step(db, actor, id, action, i.version, async (row, _to, trx) => {
      const { d, names } = await assignment(trx, row, i);
      const extra = i.note ? `；${i.note}` : '';
      return {
        set: { department_id: d.id, dispatched_at: new Date() },
        note:
          action === 'dispatch'
            ? `派遣至${d.name}${names}${extra}`
            : `由${row.department_name ?? '—'}改派至${d.name}${names}${extra}`,
        departmentName: d.name,
      };
    });

export const dispatchTicket = assignStep('dispatch');
/** the request schema makes the note (改派原因) required */
export const reassignTicket = assignStep('reassign');

export const returnTicket = (
  db: Db,
  actor: Actor,
  id: number,
  i: { reason: string; version: number },
) =>
  step(db, actor, id, 'return', i.version, async (row, _to, trx) => {
    await repo.setCoHandlers(trx, row.id, []);
    return {
      set: { department_id: null, dispatched_at: null },
      note: `退回：${i.reason}`,
      departmentName: row.department_name,
    };
  });

export const replyTicket = (
  db: Db,
  actor: Actor,
  id: number,
  i: { reply: string; version: number },
) =>
  step(db, actor, id, 'reply', i.version, async () => ({
    // a new reply is rated anew (the earlier rating stays in the history)
    set: {
      reply: i.reply,
      replied_at: new Date(),
      rating: null,
      rating_comment: null,
      rated_at: null,
    },
    note: i.reply,
  }));

export const rateTicket = (
  db: Db,
  actor: Actor,
  id: number,
  i: { rating: TicketRating; comment?: string | undefined; version: number },
) =>
  step(db, actor, id, 'rate', i.version, async () => {
    const label = { satisfied: '满意', basic: '基本满意', unsatisfied: '不满意' }[i.rating];
    return {
      set: {
        rating: i.rating,
        rating_comment: i.comment || null,
        rated_at: new Date(),
        // 不满意 goes back to the unit to handle again
        ...(i.rating === 'unsatisfied' ? { status: 'handling' } : {}),
      },
      note: `${label}${i.comment ? `：${i.comment}` : ''}${i.rating === 'unsatisfied' ? '（退回承办单位重新办理）' : ''}`,
    };
  });

export const closeTicket = (
  db: Db,
  actor: Actor,
  id: number,
  i: { version: number; note?: string | undefined },
) =>
  step(db, actor, id, 'close', i.version, async (row) => {
    const now = new Date();
    // on time: the unit's last reply came before the due time
    const onTime = (row.replied_at ?? now) <= row.due_at;
    return {
      set: {
        closed_at: now,
        closed_on_time: onTime,
        resolved_level: row.level,
        next_escalation_at: null,
      },
      note: i.note || (onTime ? '按期办结' : '超期办结'),
    };
  });

export const superviseTicket = (
  db: Db,
  actor: Actor,
  id: number,
  i: { note: string; version: number },
) => step(db, actor, id, 'supervise', i.version, async () => ({ set: {}, note: i.note }));

export const mergeTicket = (
  db: Db,
  actor: Actor,
  id: number,
  i: { intoTicketId: number; version: number },
) =>
  step(db, actor, id, 'merge', i.version, async (row, _to, trx) => {
    const v = await viewerOf(trx, actor);
    const into = i.intoTicketId === id ? undefined : await repo.findTicket(trx, i.intoTicketId);
    if (!into || !isOpen(into.status) || !into.region_path.startsWith(v.actor.scopePath))
      throw new DomainError('TICKET_MERGE_INVALID', {
        issues: [{ path: 'intoTicketId', message: '请选择同一区域内另一张未办结的工单' }],
      });
    const intoNumber = ticketNumber(into.id, into.created_at);
    return {
      set: { merged_into_id: into.id, closed_at: new Date(), next_escalation_at: null },
      note: `重复工单，合并到${intoNumber}`,
      after: async (t) => {
        await repo.insertEvent(t, {
          ticket_id: into.id,
          kind: 'merge',
          from_status: into.status,
          to_status: into.status,
          level: into.level,
          department_name: into.department_name,
          note: `合并了重复工单${ticketNumber(row.id, row.created_at)}`,
          actor_id: actor.userId,
          actor_name: auditActorOf(actor).name,
        });
      },
    };
  });

// --- reading -----------------------------------------------------------------

/** A problem of the old 问题台账 (before migration 0016): the ticket it became, if visible. */
export async function ticketOfLegacyProblem(db: Db, actor: Actor, problemId: number) {
  assertCan(actor, 'ticket.read');
  const row = await db
    .selectFrom('tickets')
    .select('id')
    .where('legacy_problem_id', '=', problemId)
    .executeTakeFirst();
  if (!row) throw new DomainError('PROBLEM_NOT_FOUND');
  await loadVisible(db, await viewerOf(db, actor), row.id);
  return { ticketId: row.id };
}

export async function getTicket(db: Db, actor: Actor, id: number): Promise<TicketDetail> {
  assertCan(actor, 'ticket.read');
  const v = await viewerOf(db, actor);
  const row = await loadVisible(db, v, id);
  const [events, photos] = await Promise.all([repo.eventsOf(db, id), repo.photosOf(db, id)]);
  return {
    ...(await presentOne(db, row)),
    events: events.map((e) => ({
      id: e.id,
      kind: e.kind,
      fromStatus: e.from_status,
      toStatus: e.to_status,
      level: e.level,
      departmentName: e.department_name,
      note: e.note,
      actorName: e.actor_name,
      at: e.at.toISOString(),
    })),
    photos: photos.map((p) => ({
      id: p.id,
      filename: p.filename,
      contentType: p.content_type,
      size: p.size,
      uploaderName: p.uploader_name,
      createdAt: p.created_at.toISOString(),
    })),
    allowed: allowedActions(v, row),
  };
}

const beijingStart = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - BEIJING_MS);
const beijingEnd = (day: string) => new Date(beijingStart(day).getTime() + 86_400_000);

/** the ledger's filters, in SQL */
export function ledgerFilter(
  v: TicketViewer,
  q: Partial<Omit<TicketListQuery, 'page' | 'pageSize' | 'status'>>,
  scopePath: string,
) {
  const vis = repo.visibleTo({ ...visibility(v), scopePath });
  return (eb: Parameters<ReturnType<typeof repo.visibleTo>>[0]): Expression<SqlBool> => {
    const and: Expression<SqlBool>[] = [vis(eb)];
    if (q.q) and.push(repo.textFilter(q.q)(eb));
    if (q.source) and.push(eb('tickets.source', 'in', q.source));
    if (q.level) and.push(eb('tickets.level', 'in', q.level));
    if (q.categoryId) and.push(eb('tickets.category_id', '=', q.categoryId));
    if (q.departmentId) and.push(eb('tickets.department_id', '=', q.departmentId));
    if (q.enterpriseId) and.push(eb('tickets.enterprise_id', '=', q.enterpriseId));
    if (q.projectId) and.push(eb('tickets.project_id', '=', q.projectId));
    if (q.from) and.push(eb('tickets.created_at', '>=', beijingStart(q.from)));
    if (q.to) and.push(eb('tickets.created_at', '<', beijingEnd(q.to)));
    return eb.and(and);
  };
}

export function statusFilter(statuses: TicketListQuery['status'], now: Date) {
  return (eb: Parameters<ReturnType<typeof repo.visibleTo>>[0]): Expression<SqlBool> => {
    const ors: Expression<SqlBool>[] = [];
    const plain = (statuses ?? []).filter((s) => s !== 'open' && s !== 'overdue') as TicketStatus[];
    if (plain.length > 0) ors.push(eb('tickets.status', 'in', plain));
    if (statuses?.includes('open')) ors.push(eb('tickets.closed_at', 'is', null));
    if (statuses?.includes('overdue'))
      ors.push(
        eb.or([
          eb.and([eb('tickets.closed_at', 'is', null), eb('tickets.due_at', '<', now)]),
          eb('tickets.closed_on_time', '=', false),
        ]),
      );
    return ors.length > 0 ? eb.or(ors) : sql<SqlBool>`true`;
  };
}

/** the scope a query reads: the caller's, or a region inside it */
async function scopeOf(db: Db, actor: Actor, regionCode: string | undefined) {
  if (!regionCode) return actor.scopePath;
  return (await getRegionInScope(db, actor, regionCode)).path;
}

export async function listTickets(
  db: Db,
  actor: Actor,
  q: TicketListQuery,
): Promise<TicketListResponse> {
  assertCan(actor, 'ticket.read');
  const v = await viewerOf(db, actor);
  const scopePath = await scopeOf(db, actor, q.regionCode);
  const now = new Date();
  const base = ledgerFilter(v, q, scopePath);
  const [rows, counts] = await Promise.all([
    repo
      .ticketRows(db)
      .where(base)
      .where(statusFilter(q.status, now))
      .orderBy('tickets.created_at', 'desc')
      .orderBy('tickets.id', 'desc')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    db
      .selectFrom('tickets')
      .where(base)
      .select((eb) => [
        eb.fn.countAll<string>().filterWhere(statusFilter(q.status, now)).as('total'),
        eb.fn.countAll<string>().filterWhere('tickets.closed_at', 'is', null).as('open'),
        eb.fn
          .countAll<string>()
          .filterWhere(statusFilter(['overdue'], now))
          .as('overdue'),
        eb.fn.countAll<string>().filterWhere('tickets.status', '=', 'closed').as('closed'),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  return {
    items: await present(db, rows),
    total: Number(counts.total),
    page: q.page,
    pageSize: q.pageSize,
    counts: {
      open: Number(counts.open),
      overdue: Number(counts.overdue),
      closed: Number(counts.closed),
    },
  };
}

/** 我的待办: what waits for the caller's own step, by role */
export function todoFilter(actor: Actor) {
  return (eb: Parameters<ReturnType<typeof repo.visibleTo>>[0]): Expression<SqlBool> => {
    const open = eb('tickets.closed_at', 'is', null);
    switch (actor.role) {
      case 'city_admin':
      case 'district_admin': {
        const depth = actor.scopePath.split('/').length - 1;
        const myLevel: TicketLevel = depth <= 1 ? 'city' : depth === 2 ? 'district' : 'street';
        return eb.and([
          open,
          eb.or([
            eb('tickets.status', 'in', ['submitted', 'accepted', 'replied']),
            eb.and([eb('tickets.escalations', '>', 0), eb('tickets.level', '=', myLevel)]),
          ]),
        ]);
      }
      case 'unit_officer':
        // "open" is implied by the statuses; said, it lets the unit's partial
        // index (department, due time) serve the page in due order
        return eb.and([
          open,
          eb('tickets.department_id', '=', actor.departmentId ?? -1),
          eb('tickets.status', 'in', ['dispatched', 'handling']),
        ]);
      case 'leader':
        return open;
      case 'grid_worker':
        return eb.and([
          eb('tickets.created_by', '=', actor.userId),
          eb('tickets.status', '=', 'replied'),
        ]);
      case 'enterprise':
        return eb.and([eb('tickets.status', '=', 'replied'), eb('tickets.rating', 'is', null)]);
      case 'viewer':
        return sql<SqlBool>`false`;
    }
  };
}

export function queueFilter(actor: Actor, tab: TicketQueueTab, now: Date) {
  return (eb: Parameters<ReturnType<typeof repo.visibleTo>>[0]): Expression<SqlBool> => {
    const open = eb('tickets.closed_at', 'is', null);
    switch (tab) {
      case 'todo':
        return todoFilter(actor)(eb);
      case 'dueSoon':
        return eb.and([open, eb('tickets.remind_at', '<=', now), eb('tickets.due_at', '>=', now)]);
      case 'overdue':
        return eb.and([open, eb('tickets.due_at', '<', now)]);
      case 'mine':
        return eb('tickets.created_by', '=', actor.userId);
      case 'all':
        return open;
    }
  };
}

export async function ticketQueue(
  db: Db,
  actor: Actor,
  q: { tab: TicketQueueTab; page: number; pageSize: number },
): Promise<TicketQueueResponse> {
  assertCan(actor, 'ticket.act');
  const v = await viewerOf(db, actor);
  const vis = repo.visibleTo(visibility(v));
  const now = new Date();
  // every tab but "mine" holds open tickets only: their counts read the open
  // ones (partial indexes), not the history
  const openTabs = ['todo', 'dueSoon', 'overdue', 'all'] as const;
  const [rows, open, mine] = await Promise.all([
    repo
      .ticketRows(db)
      .where(vis)
      .where(queueFilter(actor, q.tab, now))
      .orderBy(
        q.tab === 'mine' ? 'tickets.created_at' : 'tickets.due_at',
        q.tab === 'mine' ? 'desc' : 'asc',
      )
      .orderBy('tickets.id')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    db
      .selectFrom('tickets')
      .where(vis)
      .where('tickets.closed_at', 'is', null)
      .select((eb) =>
        openTabs.map((tab) =>
          eb.fn
            .countAll<string>()
            .filterWhere(queueFilter(actor, tab, now))
            .as(tab),
        ),
      )
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('tickets')
      .where(vis)
      .where(queueFilter(actor, 'mine', now))
      .select((eb) => eb.fn.countAll<string>().as('mine'))
      .executeTakeFirstOrThrow(),
  ]);
  const counts = {
    todo: Number(open.todo),
    dueSoon: Number(open.dueSoon),
    overdue: Number(open.overdue),
    mine: Number(mine.mine),
    all: Number(open.all),
  };
  return {
    items: await present(db, rows),
    total: counts[q.tab],
    page: q.page,
    pageSize: q.pageSize,
    counts,
  };
}

// --- photos ------------------------------------------------------------------

export const TICKET_MAX_PHOTOS = 9;

/** 现场照片: by whoever may see the ticket and is not just reading (no viewers) */
export async function uploadTicketPhoto(
  db: Db,
  actor: Actor,
  id: number,
  upload: { filename: string; stream: Readable },
): Promise<TicketPhoto> {
  assertCan(actor, 'ticket.act');
  const v = await viewerOf(db, actor);
  const row = await loadVisible(db, v, id);
  if (!isOpen(row.status))
    throw new DomainError('TICKET_TRANSITION_INVALID', { message: '工单已办结，不能再上传照片' });
  const { data, type, sha256 } = await readImageUpload(upload.stream);
  const who = auditActorOf(actor);
  return db.transaction().execute(async (trx) => {
    const locked = await trx
      .selectFrom('tickets')
      .select('id')
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const n = await trx
      .selectFrom('ticket_photos')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('ticket_id', '=', locked.id)
      .executeTakeFirstOrThrow();
    if (Number(n.n) >= TICKET_MAX_PHOTOS) throw new DomainError('TICKET_TOO_MANY_PHOTOS');
    const p = await trx
      .insertInto('ticket_photos')
      .values({
        ticket_id: id,
        filename: cleanFilename(upload.filename),
        content_type: type,
        size: data.length,
        sha256,
        data,
        uploaded_by: actor.userId,
        uploader_name: who.name,
      })
      .returning(['id', 'filename', 'content_type', 'size', 'uploader_name', 'created_at'])
      .executeTakeFirstOrThrow();
    const photo: TicketPhoto = {
      id: p.id,
      filename: p.filename,
      contentType: p.content_type,
      size: p.size,
      uploaderName: p.uploader_name,
      createdAt: p.created_at.toISOString(),
    };
    await recordAudit(trx, who, {
      action: 'ticket.photo_uploaded',
      entityType: 'ticket',
      entityId: id,
      regionCode: row.region_code,
      after: photo,
    });
    return photo;
  });
}

export async function getTicketPhoto(db: Db, actor: Actor, id: number, photoId: number) {
  assertCan(actor, 'ticket.read');
  const v = await viewerOf(db, actor);
  await loadVisible(db, v, id);
  const p = await db
    .selectFrom('ticket_photos')
    .select(['filename', 'content_type', 'data'])
    .where('id', '=', photoId)
    .where('ticket_id', '=', id)
    .executeTakeFirst();
  if (!p) throw new DomainError('TICKET_PHOTO_NOT_FOUND');
  return { filename: p.filename, contentType: p.content_type, data: Buffer.from(p.data) };
}
