import { sql } from 'kysely';
import { ticketLevelLabels } from '@xiangmu/contracts';
import type { WorkCalendar } from '../../platform/calendar/work-calendar';
import type { Db } from '../../platform/database/db';
import { BatchSizer, breathe, type JobDefinition } from '../../platform/jobs/runner';
import { systemActor } from '../access';
import { recordAudits } from '../audit';
import { loadWorkCalendar } from '../calendar';
import { dueAt, levelAbove, remindAt } from './ticket.rules';

/**
 * 超期升级: every open ticket past its escalation time moves one level up
 * (grid → street → district → city) and gets another full time limit there.
 * A batch is one transaction (the updates, their history rows and audit rows
 * together), and the update only matches a row as it was read (same version,
 * same escalation time, still open): a run that crashes half way leaves every
 * ticket escalated once or not at all, and the next run picks up exactly the
 * ones not done; two workers at once escalate each ticket once. Batches are
 * sized to about 100 ms each and the event loop is let go between them, so on
 * PGlite (one connection, in the API's process) other requests go in between.
 */
export async function escalateOverdueTickets(
  db: Db,
  opts: {
    now?: Date;
    /** a fixed batch size (tests); by default sized to the time a batch takes */
    batchSize?: number;
    /** test hooks: inside a batch's transaction before it commits, and after */
    beforeCommit?: (ticketIds: number[]) => void;
    afterBatch?: (ticketIds: number[]) => void;
  } = {},
): Promise<number> {
  const now = opts.now ?? new Date();
  const sizer = new BatchSizer({ targetMs: 100, min: 20, max: 500, start: 100 });
  const calendar = await loadWorkCalendar(db);
  let done = 0;
  let afterId = 0;
  for (;;) {
    const n = await sizer.time((size) => escalateBatch(opts.batchSize ?? size));
    if (n === null) break;
    done += n;
    await breathe();
  }
  return done;

  /** One batch after `afterId`: the number escalated, or null when none is due. */
  async function escalateBatch(batchSize: number): Promise<number | null> {
    const due = await db
      .selectFrom('tickets')
      .select([
        'id',
        'version',
        'level',
        // as text, to the microsecond: a Date keeps milliseconds only, and the
        // guarded update below must match the stored value exactly
        sql<string>`next_escalation_at::text`.as('expected'),
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
    if (due.length === 0) return null;
    afterId = due[due.length - 1]!.id;
    const plans = due.map((t) => {
      const up = levelAbove(t.level);
      // at the city it stops: no level above, no further escalation time
      const next =
        up && up !== 'city'
          ? dueAt(now, { value: t.limit_value, unit: t.limit_unit }, calendar)
          : null;
      return { t, up, next };
    });
    const escalated = await db.transaction().execute(async (trx) => {
      // no WAL flush wait per batch: a crash may lose the last batches, whole,
      // and the next run redoes them
      await sql`set local synchronous_commit = off`.execute(trx);
      const values = sql.join(
        plans.map(
          ({ t, up, next }) =>
            sql`(${t.id}::integer, ${t.version}::integer, ${t.expected}::timestamptz, ${up ?? t.level}::text, ${next?.toISOString() ?? null}::timestamptz, ${up !== null}::boolean)`,
        ),
      );
      const moved = await sql<{ id: number }>`
        UPDATE tickets SET
          level = v.level,
          escalations = tickets.escalations + (CASE WHEN v.up THEN 1 ELSE 0 END),
          next_escalation_at = v.next,
          updated_at = ${now.toISOString()}::timestamptz,
          version = tickets.version + 1
        FROM (VALUES ${values}) AS v(id, version, expected, level, next, up)
        WHERE tickets.id = v.id AND tickets.version = v.version
          AND tickets.next_escalation_at = v.expected AND tickets.closed_at IS NULL AND v.up
        RETURNING tickets.id`.execute(trx);
      // tickets already at the top only lose their escalation time
      const top = plans.filter((p) => p.up === null).map((p) => p.t.id);
      if (top.length > 0)
        await trx
          .updateTable('tickets')
          .set({ next_escalation_at: null })
          .where('id', 'in', top)
          .execute();
      const ids = new Set(moved.rows.map((r) => r.id));
      const mine = plans.filter((p) => ids.has(p.t.id));
      if (mine.length > 0) {
        await trx
          .insertInto('ticket_events')
          .values(
            mine.map(({ t, up }) => ({
              ticket_id: t.id,
              kind: 'escalate' as const,
              from_status: t.status,
              to_status: t.status,
              level: up!,
              department_name: null,
              note: `超期未办结，由${ticketLevelLabels[t.level]}升级至${ticketLevelLabels[up!]}督办`,
              actor_id: null,
              actor_name: systemActor.name,
            })),
          )
          .execute();
        await recordAudits(
          trx,
          systemActor,
          mine.map(({ t, up }) => ({
            action: 'ticket.escalated',
            entityType: 'ticket',
            entityId: t.id,
            regionCode: t.region_code,
            before: { level: t.level },
            after: { level: up },
          })),
        );
      }
      opts.beforeCommit?.([...ids]);
      return [...ids];
    });
    opts.afterBatch?.(escalated);
    return escalated.length;
  }
}

/**
 * 临期提醒: tickets whose reminder time has come get one reminder in their
 * history (and show as 即将到期 in the queues), a chunk per transaction so
 * that no ticket stays locked for long and, on PGlite, other requests go in
 * between; a second run finds nothing to remind. `chunk` fixes the chunk's
 * size (tests); by default it is sized to about 100 ms.
 */
export async function remindDueTickets(db: Db, now = new Date(), chunk?: number): Promise<number> {
  const sizer = new BatchSizer({ targetMs: 100, min: 50, max: 1000, start: 200 });
  let total = 0;
  for (;;) {
    const size = chunk ?? sizer.size;
    const n = await sizer.time(() => remindChunk(size));
    total += n;
    if (n < size) return total;
    await breathe();
  }

  function remindChunk(size: number): Promise<number> {
    return db.transaction().execute(async (trx) => {
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
            // the reminder index's order: each chunk is an index range, no sort
            .orderBy('remind_at')
            .limit(size),
        )
        .returning(['id', 'region_code'])
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
      // one audit row per ticket reminded, in one statement
      await recordAudits(
        trx,
        systemActor,
        reminded.map((t) => ({
          action: 'ticket.reminded',
          entityType: 'ticket',
          entityId: t.id,
          regionCode: t.region_code,
          before: { remindedAt: null },
          after: { remindedAt: now.toISOString() },
        })),
      );
      return reminded.length;
    });
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
    .select(['id', 'region_code', 'created_at', 'limit_value', 'due_at', 'escalations', 'level'])
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
  await recordAudits(
    db,
    systemActor,
    moved.map(({ t, due }) => ({
      action: 'ticket.due_recomputed',
      entityType: 'ticket',
      entityId: t.id,
      regionCode: t.region_code,
      before: { dueAt: t.due_at.toISOString() },
      after: { dueAt: due.toISOString() },
    })),
  );
  return moved.length;
}
