import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/harness';
import { JobRunner } from './runner';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'city1', role: 'city_admin', region: '410100' });
  await ctx.createUser({ username: 'viewer1', role: 'viewer', region: '410171' });
});
afterAll(() => ctx?.close());

const silent = pino({ level: 'silent' });

describe('job runner', () => {
  it('runs the scheduled session purge: expired sessions go, live ones stay, and it is audited', async () => {
    const live = await ctx.sessionFor('viewer1');
    await ctx.sessionFor('viewer1');
    await ctx.sessionFor('viewer1');
    await ctx.db
      .updateTable('sessions')
      .set({ expires_at: sql<Date>`now() - interval '1 minute'` })
      .where(
        'id',
        '<>',
        (await ctx.db.selectFrom('sessions').select('id').orderBy('id').executeTakeFirstOrThrow())
          .id,
      )
      .execute();
    const before = await ctx.countRows('sessions');
    // the schedule was created at start-up and is due now
    await ctx.xm.jobs.tick();
    const run = await ctx.db
      .selectFrom('jobs')
      .selectAll()
      .where('name', '=', 'sessions.purge')
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('succeeded');
    expect(run.result).toEqual({ deleted: before - 1 });
    expect(await ctx.countRows('sessions')).toBe(1);
    void live;
    const audit = await ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'job.sessions_purged')
      .execute();
    expect(audit).toHaveLength(1);
    // the schedule moved an hour ahead: another tick runs it no more (other scheduled jobs may run)
    await ctx.xm.jobs.tick();
    const purges = await ctx.db
      .selectFrom('jobs')
      .select('id')
      .where('name', '=', 'sessions.purge')
      .execute();
    expect(purges).toHaveLength(1);
  });

  it('an admin runs a job by hand and sees the run', async () => {
    const admin = await ctx.sessionFor('city1');
    const defs = await ctx.request('GET', '/api/jobs', { as: admin });
    expect(defs.body.map((d: { name: string }) => d.name)).toContain('sessions.purge');
    expect(defs.body[0].title).toBe('清理过期登录会话');

    const queued = await ctx.request('POST', '/api/jobs/sessions.purge/run', { as: admin });
    expect(queued.status).toBe(200);
    await ctx.xm.jobs.drain();
    const runs = await ctx.request('GET', '/api/jobs/runs?name=sessions.purge', { as: admin });
    const mine = runs.body.items.find((r: { id: number }) => r.id === queued.body.id);
    expect(mine.status).toBe('succeeded');
    expect(mine.result).toEqual({ deleted: 0 });

    const unknown = await ctx.request('POST', '/api/jobs/no.such.job/run', { as: admin });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('JOB_NOT_FOUND');
  });

  it('retries a failing job, then marks it failed with its error', async () => {
    const runner = new JobRunner(ctx.db, silent);
    let calls = 0;
    runner.register({
      name: 'test.flaky',
      title: '测试',
      maxAttempts: 2,
      handler: async () => {
        calls++;
        throw new Error('模拟失败');
      },
    });
    const id = await runner.enqueue('test.flaky');
    await runner.drain();
    let row = await ctx.db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('queued');
    expect(row.attempts).toBe(1);
    expect(row.run_at.getTime()).toBeGreaterThan(Date.now());
    await ctx.db.updateTable('jobs').set({ run_at: new Date() }).where('id', '=', id).execute();
    await runner.drain();
    row = await ctx.db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('failed');
    expect(row.error).toBe('模拟失败');
    expect(calls).toBe(2);
  });

  it('requeues a job whose worker died while running it, and runs it once', async () => {
    const runner = new JobRunner(ctx.db, silent);
    let calls = 0;
    runner.register({ name: 'test.once', title: '测试', handler: async () => ++calls });
    const id = await runner.enqueue('test.once');
    await ctx.db
      .updateTable('jobs')
      .set({ status: 'running', attempts: 1, started_at: sql<Date>`now() - interval '1 hour'` })
      .where('id', '=', id)
      .execute();
    expect(await runner.drain()).toBe(1);
    expect(await runner.drain()).toBe(0);
    expect(calls).toBe(1);
  });

  it('start/stop runs the loop and stops cleanly', async () => {
    const runner = new JobRunner(ctx.db, silent, 20);
    let calls = 0;
    runner.register({ name: 'test.loop', title: '测试', handler: async () => ++calls });
    await runner.enqueue('test.loop');
    runner.start();
    for (let i = 0; i < 100 && calls === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await runner.stop();
    expect(calls).toBe(1);
  });
});
