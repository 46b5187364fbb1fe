import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../test/harness';
import { seedDemoTickets } from './demo-tickets';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ demoSeed: true });
});
afterAll(() => ctx?.close());

describe('demo tickets', () => {
  it('a registry of the demo owners and tickets in every state, their histories ending where they are', async () => {
    const tickets = await ctx.db.selectFrom('tickets').selectAll().execute();
    // 150 here, and the problem ledger's (with a 整改期限) from demo-reports.ts
    expect(tickets.filter((t) => t.rectify_by === null)).toHaveLength(150);
    expect(tickets.filter((t) => t.rectify_by !== null).length).toBeGreaterThanOrEqual(6);
    const statuses = new Set(tickets.map((t) => t.status));
    for (const s of ['submitted', 'accepted', 'dispatched', 'handling', 'replied', 'closed'])
      expect(statuses, s).toContain(s);
    expect(new Set(tickets.map((t) => t.source))).toEqual(
      new Set(['enterprise', 'request', 'grid', 'project']),
    );
    const events = await ctx.db.selectFrom('ticket_events').selectAll().orderBy('id').execute();
    for (const t of tickets) {
      const mine = events.filter((e) => e.ticket_id === t.id);
      expect(mine[0]!.kind).toBe('create');
      expect(mine.at(-1)!.to_status, `ticket ${t.id}`).toBe(t.status);
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.at >= mine[i - 1]!.at).toBe(true);
      // the states the engine itself keeps consistent
      expect(t.closed_at === null).toBe(t.status !== 'closed');
      if (t.status === 'closed') expect(t.resolved_level).toBe(t.level);
      if (['dispatched', 'handling', 'replied', 'closed'].includes(t.status))
        expect(t.department_id).not.toBeNull();
      expect(t.due_at > t.created_at).toBe(true);
    }
    // some were late, some escalated; the closed mostly on time
    const closed = tickets.filter((t) => t.status === 'closed');
    const onTime = closed.filter((t) => t.closed_on_time).length;
    expect(onTime / closed.length).toBeGreaterThan(0.6);
    expect(onTime).toBeLessThan(closed.length);
    expect(tickets.some((t) => t.escalations > 0)).toBe(true);
    expect(await seedDemoTickets(ctx.db)).toBe(0); // idempotent
  });

  it('the demo enterprise sees its company’s demands and has one to rate; the cadre his enterprises’', async () => {
    const ent = await ctx.sessionFor('jk_ent');
    const list = await ctx.request('GET', '/api/tickets?pageSize=200', { as: ent });
    expect(list.body.total).toBeGreaterThan(0);
    expect(list.body.items.every((t: { source: string }) => t.source === 'enterprise')).toBe(true);
    const todo = await ctx.request('GET', '/api/tickets/queue?tab=todo', { as: ent });
    expect(todo.body.counts.todo).toBeGreaterThan(0);
    const leader = await ctx.sessionFor('jk_leader');
    const mine = await ctx.request('GET', '/api/enterprises?mine=true&pageSize=200', {
      as: leader,
    });
    expect(mine.body.total).toBeGreaterThan(0);
    const stats = await ctx.request('GET', '/api/tickets/stats', {
      as: await ctx.sessionFor('jk_admin'),
    });
    expect(stats.body.units.length).toBeGreaterThanOrEqual(5);
    const district = await ctx.db
      .selectFrom('tickets')
      .select('id')
      .where('region_path', 'like', '410100/410171/%')
      .execute();
    expect(stats.body.totals.received).toBe(district.length);
  });
});
