import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, engine, type TestContext } from '../../test/harness';
import { migrateToLatest } from './migrate';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx?.close());

describe(`database on ${engine}`, () => {
  it('runs the engine the test project asked for', () => {
    expect(ctx.xm.engine).toBe(engine);
  });

  it('returns the same JS types on both engines: exact numerics, dates as text, bigints as numbers', async () => {
    const { rows } = await sql<{ n: unknown; d: unknown; t: unknown; b: unknown }>`
      select 216.8::numeric + 0.1 as n, '2023-03-01'::date as d, now() as t, 9007199254740::bigint as b`.execute(
      ctx.db,
    );
    expect(rows[0]).toMatchObject({ n: '216.9', d: '2023-03-01', b: 9007199254740 });
    expect(rows[0]!.t).toBeInstanceOf(Date);
  });

  it('rolls a failed transaction back whole', async () => {
    const before = await ctx.countRows('departments');
    await expect(
      ctx.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('departments')
          .values({ name: '回滚测试', region_code: '410171' })
          .execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await ctx.countRows('departments')).toBe(before);
  });

  it('keeps concurrent transactions apart (PGlite: one at a time)', async () => {
    const { id } = await ctx.db
      .insertInto('departments')
      .values({ name: '计数', region_code: '410171' })
      .returning('id')
      .executeTakeFirstOrThrow();
    // Each transaction reads, waits, then writes: interleaving would lose updates.
    await Promise.all(
      Array.from({ length: 8 }, () =>
        ctx.db.transaction().execute(async (trx) => {
          const row = await trx
            .selectFrom('departments')
            .select('version')
            .where('id', '=', id)
            .forUpdate()
            .executeTakeFirstOrThrow();
          await new Promise((r) => setTimeout(r, 5));
          await trx
            .updateTable('departments')
            .set({ version: row.version + 1 })
            .where('id', '=', id)
            .execute();
        }),
      ),
    );
    const row = await ctx.db
      .selectFrom('departments')
      .select('version')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.version).toBe(9);
  });

  it('migrations are idempotent', async () => {
    expect(await migrateToLatest(ctx.db)).toEqual([]);
  });
});
