import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaToday } from '../platform/calendar/today';
import { createTestContext, type TestContext } from '../test/harness';
import { loadWorkCalendar } from '../modules/calendar';
import { lightOf, yellowUntil } from '../modules/milestones/milestone.service';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ demoSeed: true });
});
afterAll(() => ctx?.close());

describe('demo milestones', () => {
  it('gives 经开区 leader nodes of his own and the region a real mix of lights', async () => {
    const leader = await ctx.sessionFor('jk_leader');
    const mine = await ctx.request('GET', '/api/milestones?mine=true&pageSize=200', {
      as: leader,
    });
    expect(mine.status).toBe(200);
    expect(mine.body.total).toBeGreaterThan(0);
    expect(mine.body.items.every((m: { regionCode: string }) => m.regionCode === '410171')).toBe(
      true,
    );
    const jk = await ctx.sessionFor('jk_admin');
    const all = await ctx.request('GET', '/api/milestones?pageSize=1', { as: jk });
    expect(all.body.counts.done).toBeGreaterThan(0);
    expect(all.body.counts.green + all.body.counts.yellow + all.body.counts.red).toBeGreaterThan(0);
  });

  it('rates every open node by the same rule as the daily job', async () => {
    const calendar = await loadWorkCalendar(ctx.db);
    const today = chinaToday();
    const until = yellowUntil(calendar, today);
    const open = await ctx.db
      .selectFrom('milestones')
      .select(['due_on', 'status'])
      .where('status', '<>', 'done')
      .execute();
    expect(open.length).toBeGreaterThan(0);
    for (const m of open) expect(m.status).toBe(lightOf(m.due_on, today, until));
  });
});
