import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMessages } from '@xiangmu/contracts';
import { createTestContext, engine, type Session, type TestContext } from '../../test/harness';
import { isDatabaseUnavailable } from './unavailable';

let ctx: TestContext;
let admin: Session;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.db.updateTable('users').set({ must_change_password: false }).execute();
  admin = await ctx.sessionFor('admin');
});
afterAll(() => ctx?.close());

const caught = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe(`a database that goes away, on ${engine}`, () => {
  it('a session killed inside a transaction fails that transaction only; the process and the next request live on', async () => {
    // On PostgreSQL the backend dies under a checked-out client (57P01, then
    // the socket closes): without a listener on that client its 'error'
    // event would be uncaught, and vitest fails the run on it. PGlite is one
    // session in this process: it ignores the kill and goes on.
    const err = await caught(
      ctx.db.transaction().execute(async (trx) => {
        await sql`select pg_terminate_backend(pg_backend_pid())`.execute(trx);
        await sql`select 1`.execute(trx);
      }),
    );
    if (engine === 'postgres') expect(isDatabaseUnavailable(err), String(err)).toBe(true);
    else expect(err).toBeUndefined();
    await new Promise((r) => setTimeout(r, 50)); // let the socket's end arrive
    const res = await ctx.request('GET', '/api/departments', { as: admin });
    expect(res.status).toBe(200);
  });

  it('a statement the database refuses inside a request fails that request only (a 500, not an outage)', async () => {
    await sql`alter table departments rename to departments_away`.execute(ctx.db);
    try {
      const res = await ctx.request('GET', '/api/departments', { as: admin });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ code: 'INTERNAL_ERROR', message: errorMessages.INTERNAL_ERROR });
    } finally {
      await sql`alter table departments_away rename to departments`.execute(ctx.db);
    }
    expect((await ctx.request('GET', '/api/departments', { as: admin })).status).toBe(200);
  });
});

describe('which errors mean "the database is not there"', () => {
  it('knows a refused connection', async () => {
    const refused = await caught(
      new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:1/x' }).connect(),
    );
    expect(isDatabaseUnavailable(refused), String(refused)).toBe(true);
  });

  it('does not take a refused statement for an outage', async () => {
    const division = await caught(sql`select 1 / 0`.execute(ctx.db));
    expect((division as { code?: string }).code).toBe('22012');
    expect(isDatabaseUnavailable(division)).toBe(false);
    const duplicate = await caught(
      sql`insert into users (id, username) select id, username from users limit 1`.execute(ctx.db),
    );
    expect(duplicate).toBeDefined();
    expect(isDatabaseUnavailable(duplicate)).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });

  it('sees through causes and aggregates', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: refused }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([new Error('x'), refused]))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('starting'), { code: '57P03' }))).toBe(
      true,
    );
    // what PGlite throws once closed, and pg on a client whose socket died
    expect(isDatabaseUnavailable(new Error('PGlite is closed'))).toBe(true);
    expect(
      isDatabaseUnavailable(
        new Error('Client has encountered a connection error and is not queryable'),
      ),
    ).toBe(true);
  });
});
