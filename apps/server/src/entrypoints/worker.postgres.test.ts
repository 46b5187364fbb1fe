import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Session, type TestContext } from '../test/harness';
import { deadlinesDone, dueTicket, finished } from '../test/job-modes';
import { jobDefinitions } from '../job-registry';

// The standalone worker (`npm run worker`, XIANGMU_WORKER=off on the API)
// against a PostgreSQL server: a real process beside the API of the test.
const serverDir = fileURLToPath(new URL('../..', import.meta.url));
let ctx: TestContext;
let admin: Session;
let grid: Session;
let worker: ChildProcess;
let output = '';
let exited: Promise<number | null>;

beforeAll(async () => {
  ctx = await createTestContext(); // runWorker: false — the API runs no job
  await ctx.createUser({ username: 'city', role: 'city_admin', region: '410100' });
  await ctx.createUser({ username: 'grid', role: 'grid_worker', region: '410171561' });
  admin = await ctx.sessionFor('city');
  grid = await ctx.sessionFor('grid');
  const { rows } = await sql<{ db: string }>`select current_database() as db`.execute(ctx.db);
  const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  url.pathname = `/${rows[0]!.db}`;
  worker = spawn(process.execPath, ['--import', 'tsx', 'src/entrypoints/worker.ts'], {
    cwd: serverDir,
    env: { ...process.env, DATABASE_URL: url.toString(), XIANGMU_WORKER: 'off', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  worker.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  exited = new Promise((resolve) => worker.once('exit', (code) => resolve(code)));
});
afterAll(async () => {
  if (worker && worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  await ctx?.close();
});

const owner = () => new RegExp(`:${worker.pid}:[0-9a-f]{6}$`);

describe('the standalone worker', () => {
  it('runs every job of the registry when asked from the API, tickets.deadlines included', async () => {
    // its first pass: the schedules, all due since the API created them
    const scheduled = await ctx.db.selectFrom('job_schedules').select('name').execute();
    expect(scheduled.map((s) => s.name).sort()).toEqual(
      jobDefinitions
        .filter((d) => d.intervalSeconds)
        .map((d) => d.name)
        .sort(),
    );
    const until = Date.now() + 90_000;
    for (;;) {
      const firstPass = await ctx.db
        .selectFrom('jobs')
        .select(['name', 'status'])
        .where('status', '=', 'succeeded')
        .execute();
      if (firstPass.length >= scheduled.length) break;
      if (Date.now() > until || worker.exitCode !== null)
        throw new Error(`the worker ran no schedule: ${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    // then "run now" from the API for each job
    const ticket = await dueTicket(ctx, grid);
    const ids: number[] = [];
    for (const d of jobDefinitions) {
      const res = await ctx.request('POST', `/api/jobs/${d.name}/run`, { as: admin });
      expect(res.status, d.name).toBe(200);
      ids.push(res.body.id);
    }
    const runs = await finished(ctx, ids);
    for (const r of runs) {
      expect([r.name, r.status, r.error]).toEqual([r.name, 'succeeded', null]);
      expect(r.owner).toMatch(owner());
    }
    expect(runs.map((r) => r.name).sort()).toEqual(jobDefinitions.map((d) => d.name).sort());
    expect(await deadlinesDone(ctx, ticket)).toEqual({
      level: 'district',
      escalations: 1,
      reminded: true,
      events: ['remind', 'escalate'],
    });
  }, 240_000);

  it('stops cleanly on SIGTERM', async () => {
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
