import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/harness';
import { vacuumDueTables } from './pglite-autovacuum';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx?.close());

const deadRows = async (table: string) => {
  // a backend sends its table counts at most once a second: flush them now,
  // or the count (and the vacuum's own reading) may lag behind the updates
  await sql`select pg_stat_force_next_flush()`.execute(ctx.db);
  const { rows } = await sql<{ dead: number }>`
    select n_dead_tup::int as dead from pg_stat_user_tables where relname = ${table}`.execute(
    ctx.db,
  );
  return rows[0]?.dead ?? 0;
};

describe('PGlite, which has no autovacuum of its own', () => {
  it('vacuums and analyzes the tables past autovacuum thresholds, and only those', async () => {
    await vacuumDueTables(ctx.db); // start from clean tables
    // below the thresholds (50 changed rows + a share of the table)
    await sql`create table quiet (id int primary key, v int)`.execute(ctx.db);
    await sql`insert into quiet select g, 0 from generate_series(1, 10) g`.execute(ctx.db);
    await sql`update quiet set v = 1`.execute(ctx.db);
    const { id } = await ctx.db
      .insertInto('departments')
      .values({ name: '反复修改', region_code: '410171' })
      .returning('id')
      .executeTakeFirstOrThrow();
    // a changed indexed column (name, as updated_at on projects): no HOT
    // update, so page pruning leaves the index entries and dead versions
    for (let i = 0; i < 300; i++)
      await ctx.db
        .updateTable('departments')
        .set({ name: `反复修改${i}` })
        .where('id', '=', id)
        .execute();
    // nothing else cleans them up: the dead row versions stay
    expect(await deadRows('departments')).toBeGreaterThan(100);

    const done = await vacuumDueTables(ctx.db);
    expect(done).toContain('departments');
    expect(done).not.toContain('quiet');
    expect(await deadRows('departments')).toBe(0);
    expect(await vacuumDueTables(ctx.db)).not.toContain('departments');
  });
});
