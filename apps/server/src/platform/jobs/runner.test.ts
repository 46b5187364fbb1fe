import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/harness';
import { BatchSizer, JobRunner } from './runner';

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
    expect(run.result).toMatchObject({ deleted: before - 1 });
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
    expect(mine.result).toMatchObject({ deleted: 0 });

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

  const jobRow = (id: number) =>
    ctx.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const beatAgo = (id: number, seconds: number, extra: Record<string, unknown> = {}) =>
    ctx.db
      .updateTable('jobs')
      .set({
        status: 'running',
        attempts: 1,
        owner: 'elsewhere:1:dead',
        started_at: sql<Date>`now() - interval '2 hours'`,
        heartbeat_at: sql<Date>`now() - make_interval(secs => ${seconds})`,
        ...extra,
      })
      .where('id', '=', id)
      .execute();

  it('a run whose owner stopped beating is taken over within seconds; a beating one is left alone', async () => {
    const runner = new JobRunner(ctx.db, silent);
    const calls: string[] = [];
    runner.register({ name: 'test.dead', title: '测试', handler: async () => calls.push('dead') });
    runner.register({
      name: 'test.alive',
      title: '测试',
      handler: async () => calls.push('alive'),
    });
    const dead = await runner.enqueue('test.dead');
    const alive = await runner.enqueue('test.alive');
    await beatAgo(dead, 40); // killed 40 s ago: past the 30 s without a heartbeat
    await beatAgo(alive, 2); // started two hours ago, but its owner still beats
    expect(await runner.drain()).toBe(1);
    expect(calls).toEqual(['dead']);
    const [d, a] = [await jobRow(dead), await jobRow(alive)];
    expect([d.status, d.attempts, d.owner]).toEqual(['succeeded', 2, runner.owner]);
    expect([a.status, a.owner]).toEqual(['running', 'elsewhere:1:dead']);
    await ctx.db.updateTable('jobs').set({ status: 'succeeded' }).where('id', '=', alive).execute();
  });

  it('a dead run that used its last attempt fails with the reason instead of looping', async () => {
    const runner = new JobRunner(ctx.db, silent);
    let calls = 0;
    runner.register({
      name: 'test.killer',
      title: '测试',
      maxAttempts: 2,
      handler: async () => ++calls,
    });
    const id = await runner.enqueue('test.killer');
    await beatAgo(id, 60, { attempts: 2 });
    expect(await runner.drain()).toBe(0);
    const row = await jobRow(id);
    expect([row.status, calls]).toEqual(['failed', 0]);
    expect(row.error).toBe('执行任务的进程已中断（30 秒无心跳），已达最多尝试次数');
    expect(row.finished_at).not.toBeNull();
  });

  it('the owner beats while its job runs, and a run taken over from it is not overwritten', async () => {
    const runner = new JobRunner(ctx.db, silent, 5_000, { heartbeatMs: 20, deadAfterMs: 1_000 });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    runner.register({
      name: 'test.slow',
      title: '测试',
      handler: async () => {
        started();
        await released;
        return 'first';
      },
    });
    const id = await runner.enqueue('test.slow');
    const first = runner.drain();
    await running;
    const t0 = (await jobRow(id)).heartbeat_at!.getTime();
    let beat = t0;
    for (let i = 0; i < 200 && beat === t0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      beat = (await jobRow(id)).heartbeat_at!.getTime();
    }
    expect(beat).toBeGreaterThan(t0);
    expect((await jobRow(id)).owner).toBe(runner.owner);

    // the first worker hangs (as if killed: no more beats); another takes the run over
    const other = new JobRunner(ctx.db, silent);
    other.register({ name: 'test.slow', title: '测试', handler: async () => 'second' });
    await beatAgo(id, 40, { owner: runner.owner });
    expect(await other.drain()).toBe(1);
    // the first one comes back to life: its outcome is no longer recorded
    release();
    await first;
    const row = await jobRow(id);
    expect([row.status, row.result, row.owner]).toEqual(['succeeded', 'second', other.owner]);
  });

  it('sizes batches to take about the target time', async () => {
    const sizer = new BatchSizer({ targetMs: 50, min: 10, max: 400, start: 100 });
    // a batch four times too slow: the next is a quarter of it
    await sizer.time(() => new Promise((r) => setTimeout(r, 200)));
    expect(sizer.size).toBeLessThanOrEqual(30);
    expect(sizer.size).toBeGreaterThanOrEqual(10);
    // fast batches grow it by half at most each time, up to the maximum
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) await sizer.time(async (n) => seen.push(n));
    for (let i = 1; i < seen.length; i++)
      expect(seen[i]!).toBeLessThanOrEqual(Math.ceil(seen[i - 1]! * 1.5));
    expect(sizer.size).toBe(400);
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
