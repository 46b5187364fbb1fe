import {
  beijingDate,
  type CreateTicketRequest,
  type Ticket,
  type TicketStatus,
} from '@xiangmu/contracts';
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
import { recordAudit } from '../audit';
import { loadWorkCalendar } from '../calendar';
import { getRegionInScope } from '../regions';
import { intakeOf, permissionOf, viewerOf, type TicketViewer } from './ticket.access';
import * as repo from './ticket.repository';
import { dueAt, remindAt } from './ticket.rules';
import { endOfBeijingDay, levelOfRegion, presentOne } from './ticket.present';
import { unitFor } from './ticket.workflow';

// Intake: a ticket registered by a user or an external system (Open311),
// once per idempotency key; a project problem dispatched as it is registered.

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
