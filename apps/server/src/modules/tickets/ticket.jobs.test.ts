import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Session, type TestContext } from '../../test/harness';
import { escalateOverdueTickets, remindDueTickets } from './ticket.jobs';

let ctx: TestContext;
let grid: Session;
let categoryId: number;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'grid', role: 'grid_worker', region: '410171561' });
  grid = await ctx.sessionFor('grid');
  const cats = await ctx.request('GET', '/api/tickets/categories', { as: grid });
  categoryId = cats.body.find((c: { name: string }) => c.name === '占道经营').id;
});
afterAll(() => ctx?.close());

/** One grid event through the API, then `n - 1` copies of it in one statement. */
async function tickets(n: number): Promise<number[]> {
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
  const first = res.body.id as number;
  if (n > 1) {
    const { rows } = await sql<{ column_name: string }>`
      select column_name from information_schema.columns
      where table_name = 'tickets' and table_schema = current_schema() and column_name <> 'id'
      order by ordinal_position`.execute(ctx.db);
    const cols = sql.join(rows.map((r) => sql.ref(r.column_name)));
    await sql`insert into tickets (${cols}) select ${cols} from tickets, generate_series(2, ${n})
      where id = ${first}`.execute(ctx.db);
  }
  const ids = await ctx.db
    .selectFrom('tickets')
    .select('id')
    .where('id', '>=', first)
    .orderBy('id')
    .execute();
  return ids.map((r) => r.id);
}

describe('ticket deadlines at the microsecond', () => {
  it('escalates tickets whose escalation time has microseconds, once, and leaves none due', async () => {
    const ids = await tickets(3);
    // now() in SQL keeps microseconds, as rows written by the database do
    await ctx.db
      .updateTable('tickets')
      .set({
        next_escalation_at: sql<Date>`now() - interval '1 minute' + interval '123 microseconds'`,
        remind_at: sql<Date>`now() - interval '2 minutes' + interval '7 microseconds'`,
      })
      .where('id', 'in', ids)
      .execute();
    expect(await remindDueTickets(ctx.db)).toBe(3);
    expect(await escalateOverdueTickets(ctx.db)).toBe(3);
    const rows = await ctx.db
      .selectFrom('tickets')
      .select(['level', 'escalations', 'next_escalation_at', 'reminded_at'])
      .where('id', 'in', ids)
      .execute();
    for (const r of rows) {
      expect([r.level, r.escalations]).toEqual(['district', 1]);
      expect(r.next_escalation_at!.getTime()).toBeGreaterThan(Date.now());
      expect(r.reminded_at).not.toBeNull();
    }
    // nothing left to rescan a minute later
    expect(await escalateOverdueTickets(ctx.db)).toBe(0);
    expect(await remindDueTickets(ctx.db)).toBe(0);
  });
});

describe('a long deadlines run lets other requests in', () => {
  it('an HTTP request sent as the job starts is answered before the job ends', async () => {
    const ids = await tickets(400);
    await ctx.db
      .updateTable('tickets')
      .set({ next_escalation_at: new Date(Date.now() - 60_000) })
      .where('id', 'in', ids)
      .execute();
    // a real socket: a request only gets in when the event loop polls for I/O
    await ctx.xm.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = ctx.xm.app.server.address() as AddressInfo;
    let batches = 0;
    let batchesWhenAnswered = -1;
    const answered = new Promise<number>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
          res.resume();
          res.on('end', () => {
            batchesWhenAnswered = batches;
            resolve(res.statusCode ?? 0);
          });
        })
        .on('error', reject);
    });
    const escalated = await escalateOverdueTickets(ctx.db, {
      batchSize: 10,
      afterBatch: () => batches++,
    });
    expect(escalated).toBe(400);
    expect(await answered).toBe(200);
    // answered between two batches, not after the last of the 40
    expect(batchesWhenAnswered).toBeGreaterThanOrEqual(0);
    expect(batchesWhenAnswered).toBeLessThan(batches);
  });
});
