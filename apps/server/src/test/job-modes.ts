// Shared by the two worker-mode tests: a due ticket, and waiting for job runs.
import { expect } from 'vitest';
import type { Session, TestContext } from './harness';

/** A grid event that is due for its reminder and its escalation now. */
export async function dueTicket(ctx: TestContext, grid: Session): Promise<number> {
  const cats = await ctx.request('GET', '/api/tickets/categories', { as: grid });
  const categoryId = cats.body.find((c: { name: string }) => c.name === '占道经营').id;
  const res = await ctx.request('POST', '/api/tickets', {
    as: grid,
    body: {
      source: 'grid',
      categoryId,
      title: '第三大街占道经营',
      description: '早市摊贩占用人行道',
      regionCode: '410171561',
      lng: 113.72,
      lat: 34.7,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await ctx.db
    .updateTable('tickets')
    .set({
      next_escalation_at: new Date(Date.now() - 60_000),
      remind_at: new Date(Date.now() - 120_000),
    })
    .where('id', '=', res.body.id)
    .execute();
  return res.body.id;
}

/** What the ticket shows once tickets.deadlines has run. */
export async function deadlinesDone(ctx: TestContext, ticketId: number) {
  const t = await ctx.db
    .selectFrom('tickets')
    .select(['level', 'escalations', 'reminded_at'])
    .where('id', '=', ticketId)
    .executeTakeFirstOrThrow();
  const events = await ctx.db
    .selectFrom('ticket_events')
    .select('kind')
    .where('ticket_id', '=', ticketId)
    .where('kind', 'in', ['remind', 'escalate'])
    .orderBy('id')
    .execute();
  return {
    level: t.level,
    escalations: t.escalations,
    reminded: t.reminded_at !== null,
    events: events.map((e) => e.kind),
  };
}

/** Waits (polling the table) until every run has finished; returns the rows. */
export async function finished(ctx: TestContext, ids: number[], timeoutMs = 90_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const rows = await ctx.db.selectFrom('jobs').selectAll().where('id', 'in', ids).execute();
    if (rows.every((r) => r.status === 'succeeded' || r.status === 'failed')) return rows;
    if (Date.now() > until)
      throw new Error(
        `runs not finished: ${JSON.stringify(rows.map((r) => [r.name, r.status, r.error]))}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}
