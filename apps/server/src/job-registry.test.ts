import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Session, type TestContext } from './test/harness';
import { deadlinesDone, dueTicket, finished } from './test/job-modes';
import { jobResultLabels } from '@xiangmu/contracts';
import { jobDefinitions } from './job-registry';

// Jobs run inside the API process (XIANGMU_WORKER=on, and always on PGlite).
// The standalone worker: entrypoints/worker.postgres.test.ts.
let ctx: TestContext;
let admin: Session;
let grid: Session;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'city', role: 'city_admin', region: '410100' });
  await ctx.createUser({ username: 'grid', role: 'grid_worker', region: '410171561' });
  admin = await ctx.sessionFor('city');
  grid = await ctx.sessionFor('grid');
});
afterAll(() => ctx?.close());

describe('jobs in the API process', () => {
  it('lists every job of the registry, and "run now" runs each of them', async () => {
    const defs = await ctx.request('GET', '/api/jobs', { as: admin });
    expect(defs.body.map((d: { name: string }) => d.name).sort()).toEqual(
      jobDefinitions.map((d) => d.name).sort(),
    );
    const ticket = await dueTicket(ctx, grid);
    const ids: number[] = [];
    for (const d of jobDefinitions) {
      const res = await ctx.request('POST', `/api/jobs/${d.name}/run`, { as: admin });
      expect(res.status, d.name).toBe(200);
      ids.push(res.body.id);
    }
    await ctx.xm.jobs.drain();
    const runs = await finished(ctx, ids);
    expect(runs.map((r) => [r.name, r.status, r.error, r.owner]).sort()).toEqual(
      jobDefinitions.map((d) => [d.name, 'succeeded', null, ctx.xm.jobs.owner]).sort(),
    );
    // the 后台任务 page says what each figure of a result is (issue 15.2)
    for (const r of runs)
      for (const key of Object.keys((r.result ?? {}) as object))
        expect(jobResultLabels[r.name]?.[key], `${r.name}: ${key}`).toBeDefined();
    expect(await deadlinesDone(ctx, ticket)).toEqual({
      level: 'district',
      escalations: 1,
      reminded: true,
      events: ['remind', 'escalate'],
    });
  });
});
