import { sql } from 'kysely';
import { ticketLevelLabels } from '@xiangmu/contracts';
import type { WorkCalendar } from '../../platform/calendar/work-calendar';
import type { Db } from '../../platform/database/db';
import type { JobDefinition } from '../../platform/jobs/runner';
import { systemActor } from '../access';
import { recordAudit } from '../audit';
import { loadWorkCalendar } from '../calendar';
import * as repo from './ticket.repository';
import { dueAt, levelAbove, remindAt } from './ticket.rules';

/**
 * 超期升级: every open ticket past its escalation time moves one level up
 * (grid → street → district → city) and gets another full time limit there.
 * Each ticket is its own transaction, and the update only matches the row as
 * it was read (same version, same escalation time): a run that crashes half
 * way leaves every ticket either escalated once or not at all, and the next
 * run picks up exactly the ones not done.
 */
export async function escalateOverdueTickets(
  db: Db,
  opts: {
    now?: Date;
    batchSize?: number;
    /** test hook: called after each committed escalation */
    afterEach?: (ticketId: number) => void;
  } = {},
): Promise<number> {
  const now = opts.now ?? new Date();
  const batchSize = opts.batchSize ?? 500;
  const calendar = await loadWorkCalendar(db);
  let done = 0;
  let afterId = 0;
  for (;;) {
    const due = await db
      .selectFrom('tickets')
      .select([
        'id',
        'version',
        'level',
        'next_escalation_at',
        'limit_value',
        'limit_unit',
        'status',
        'region_code',
      ])
      .where('next_escalation_at', '<=', now)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (due.length === 0) break;
    afterId = due[due.length - 1]!.id;
    for (const t of due) {
      const up = levelAbove(t.level);
      const escalated = await db.transaction().execute(async (trx) => {
        // no WAL flush per ticket: a crash may lose the last few escalations,
        // whole (update, event and audit together), and the next run redoes them
        await sql`set local synchronous_commit = off`.execute(trx);
        const res = await trx
          .updateTable('tickets')
          .set((eb) => ({
            level: up ?? t.level,
            escalations: up ? eb('escalations', '+', 1) : eb.ref('escalations'),
            next_escalation_at:
              up && up !== 'city'
                ? dueAt(now, { value: t.limit_value, unit: t.limit_unit }, calendar)
                : null,
            updated_at: now,
            version: eb('version', '+', 1),
          }))
          .where('id', '=', t.id)
          .where('version', '=', t.version)
          .where('next_escalation_at', '=', t.next_escalation_at!)
          .where('closed_at', 'is', null)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1 || !up) return false;
        await repo.insertEvent(trx, {
          ticket_id: t.id,
          kind: 'escalate',
          from_status: t.status,
          to_status: t.status,
          level: up,
          department_name: null,
          note: `超期未办结，由${ticketLevelLabels[t.level]}升级至${ticketLevelLabels[up]}督办`,
          actor_id: null,
          actor_name: systemActor.name,
        });
        await recordAudit(trx, systemActor, {
          action: 'ticket.escalated',
          entityType: 'ticket',
          entityId: t.id,
          regionCode: t.region_code,
          before: { level: t.level },
          after: { level: up },
        });
        return true;
      });
      if (escalated) {
        done++;
        opts.afterEach?.(t.id);
      }
    }
  }
  return done;
}

/**
 * 临期提醒: tickets whose reminder time has come get one reminder in their
 * history (and show as 即将到期 in the queues), a chunk per transaction so
 * that no ticket stays locked for long; a second run finds nothing to remind.
 */
export async function remindDueTickets(db: Db, now = new Date(), chunk = 1000): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await db.transaction().execute(async (trx) => {
      const reminded = await trx
        .updateTable('tickets')
        .set({ reminded_at: now })
        .where(
          'id',
          'in',
          trx
            .selectFrom('tickets')
            .select('id')
            .where('remind_at', '<=', now)
            .where('reminded_at', 'is', null)
            .where('closed_at', 'is', null)
            .orderBy('id')
            .limit(chunk),
        )
        .returning('id')
        .execute();
      if (reminded.length === 0) return 0;
      await trx
        .insertInto('ticket_events')
        .columns([
          'ticket_id',
          'kind',
          'from_status',
          'to_status',
          'level',
          'department_name',
          'note',
          'actor_id',
          'actor_name',
        ])
        .expression((eb) =>
          eb
            .selectFrom('tickets')
            .leftJoin('departments as d', 'd.id', 'tickets.department_id')
            .select([
              'tickets.id',
              sql.lit('remind').as('kind'),
              'tickets.status as from_status',
              'tickets.status as to_status',
              'tickets.level',
              'd.name',
              sql<string>`'将于 ' || to_char(tickets.due_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') || ' 到期'`.as(
                'note',
              ),
              sql.lit(null).as('actor_id'),
              sql.lit(systemActor.name).as('actor_name'),
            ])
            .where(
              'tickets.id',
              'in',
              reminded.map((r) => r.id),
            ),
        )
        .execute();
      await recordAudit(trx, systemActor, {
        action: 'ticket.reminded',
        entityType: 'ticket',
        after: { tickets: reminded.length },
      });
      return reminded.length;
    });
    total += n;
    if (n < chunk) return total;
  }
}

export const ticketDeadlinesJob: JobDefinition = {
  name: 'tickets.deadlines',
  title: '工单临期提醒与超期升级',
  intervalSeconds: 60,
  handler: async ({ db }) => {
    const reminded = await remindDueTickets(db);
    const escalated = await escalateOverdueTickets(db);
    return { reminded, escalated };
  },
};

/**
 * A calendar correction moves the due times of open tickets counted in
 * working days (with their reminder, and the escalation time if not yet
 * escalated), in the calendar's transaction. Returns how many moved.
 */
export async function recomputeTicketDueTimes(db: Db, calendar: WorkCalendar): Promise<number> {
  const open = await db
    .selectFrom('tickets')
    .select(['id', 'created_at', 'limit_value', 'due_at', 'escalations', 'level'])
    .where('closed_at', 'is', null)
    .where('limit_unit', '=', 'working_days')
    .execute();
  const moved = open
    .map((t) => ({
      t,
      due: dueAt(t.created_at, { value: t.limit_value, unit: 'working_days' }, calendar),
    }))
    .filter(({ t, due }) => due.getTime() !== t.due_at.getTime());
  for (let i = 0; i < moved.length; i += 500) {
    const chunk = moved.slice(i, i + 500);
    const values = sql.join(
      chunk.map(
        ({ t, due }) =>
          sql`(${t.id}::integer, ${due.toISOString()}::timestamptz, ${remindAt(t.created_at, due).toISOString()}::timestamptz)`,
      ),
    );
    await sql`
      UPDATE tickets SET
        due_at = v.due,
        remind_at = v.remind,
        next_escalation_at = CASE WHEN tickets.escalations = 0 AND tickets.level <> 'city' THEN v.due ELSE tickets.next_escalation_at END,
        version = tickets.version + 1,
        updated_at = now()
      FROM (VALUES ${values}) AS v(id, due, remind)
      WHERE tickets.id = v.id`.execute(db);
  }
  if (moved.length > 0)
    await recordAudit(db, systemActor, {
      action: 'ticket.due_recomputed',
      entityType: 'ticket',
      after: { tickets: moved.length },
    });
  return moved.length;
}

export async function recomputeTicketDueTimesNow(db: Db) {
  return recomputeTicketDueTimes(db, await loadWorkCalendar(db));
}
