import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inBackground, requestStarted } from './background';
import { pgliteDialect } from './pglite-dialect';

// A bare in-memory PGlite: this is about who gets the one connection next.
const pglite = new PGlite();
const db = new Kysely<Record<string, never>>({
  dialect: pgliteDialect(pglite, { backgroundMaxWaitMs: 200 }),
});
beforeAll(() => sql`select 1`.execute(db)); // PGlite starts up on its first query
afterAll(() => db.destroy());

const select = (label: string) => sql<{ label: string }>`select ${label} as label`.execute(db);

describe('the PGlite pool', () => {
  it('hands the connection to waiting queries before waiting background work', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const order: string[] = [];
    // a job's batch holds the connection…
    const batch = inBackground(() =>
      db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        held();
        await gate;
      }),
    );
    await holding;
    // …its next batch queues first, then two other queries
    const next = inBackground(() => select('job').then(() => order.push('job')));
    const others = ['query 1', 'query 2'].map((l) => select(l).then(() => order.push(l)));
    open();
    await Promise.all([batch, next, ...others]);
    expect(order).toEqual(['query 1', 'query 2', 'job']);
  });

  it('keeps background work waiting while a request is in flight, between its queries too', async () => {
    const order: string[] = [];
    const ended = requestStarted();
    await select('request, first query');
    // the connection is free now, but the request is not answered yet
    const job = inBackground(() => select('job').then(() => order.push('job')));
    await new Promise((r) => setTimeout(r, 50));
    await select('request, second query').then(() => order.push('request'));
    ended();
    await job;
    expect(order).toEqual(['request', 'job']);
  });

  it('still lets background work through after its longest wait, under requests that never stop', async () => {
    let loadRunning = true;
    const load = [1, 2, 3].map(async () => {
      const until = performance.now() + 3_000;
      while (performance.now() < until) {
        const ended = requestStarted();
        await sql`select pg_sleep(0.005)`.execute(db);
        ended();
      }
    });
    // queued at once: PGlite answers within the process, so the load's
    // loop of queries never lets a timer run until it ends
    let doneWhileLoaded: boolean | undefined;
    const job = inBackground(() => select('job')).then(() => (doneWhileLoaded = loadRunning));
    await Promise.all(load);
    loadRunning = false;
    await job;
    expect(doneWhileLoaded).toBe(true);
  });
});
