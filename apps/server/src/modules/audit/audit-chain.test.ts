import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/harness';
import { verifyAndCheckpoint, verifyAuditChain } from './audit.verify';

// The tampering below is done as the database superuser the tests connect
// as (PGlite's only user; postgres on the server): it disables the
// append-only triggers, as an attacker with full database rights would.

let ctx: TestContext | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

/** A database with a few dozen audit rows written through the API. */
async function world(departments = 12) {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'city1', role: 'city_admin', region: '410100' });
  const admin = await ctx.sessionFor('city1');
  for (let i = 0; i < departments; i++) {
    const res = await ctx.request('POST', '/api/departments', {
      as: admin,
      body: { name: `链测试局${i}`, regionCode: '410171' },
    });
    expect(res.status).toBe(200);
  }
  return { ctx, admin };
}

const ids = async (c: TestContext) =>
  (await c.db.selectFrom('audit_log').select('id').orderBy('id').execute()).map((r) => r.id);

const seqOf = async (c: TestContext, auditId: number) =>
  (
    await c.db
      .selectFrom('audit_chain')
      .select('seq')
      .where('audit_id', '=', auditId)
      .executeTakeFirstOrThrow()
  ).seq;

/** runs statements with the append-only triggers off, as a superuser can */
async function asSuperuser(c: TestContext, ...statements: Array<ReturnType<typeof sql>>) {
  await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete`.execute(c.db);
  await sql`ALTER TABLE audit_chain DISABLE TRIGGER audit_chain_no_update_delete`.execute(c.db);
  try {
    for (const s of statements) await s.execute(c.db);
  } finally {
    await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete`.execute(c.db);
    await sql`ALTER TABLE audit_chain ENABLE TRIGGER audit_chain_no_update_delete`.execute(c.db);
  }
}

describe('the audit hash chain', () => {
  it('chains every row, the migration chained the rows before it, and verifies untampered', async () => {
    const { ctx } = await world();
    const report = await verifyAuditChain(ctx.db);
    expect(report.problems).toEqual([]);
    expect(report.entries).toBe(await ctx.countRows('audit_log'));
    // the rows the bootstrap wrote (official regions, admin) were chained by the migration too
    const first = await ctx.db
      .selectFrom('audit_chain')
      .selectAll()
      .orderBy('seq')
      .executeTakeFirstOrThrow();
    expect(first.seq).toBe(1);
    expect(first.prev_hash).toBe('0'.repeat(64));
  });

  it('stays one chain under concurrent writers (no fork, no gap), in commit order', async () => {
    const { ctx, admin } = await world(1);
    const before = await ctx.countRows('audit_log');
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        ctx.request('POST', '/api/departments', {
          as: admin,
          body: { name: `并发局${i}`, regionCode: '410171' },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    // transactions that write audit rows, sleep, and write more: interleaved on PostgreSQL
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        ctx!.db.transaction().execute(async (trx) => {
          for (let k = 0; k < 3; k++) {
            await trx
              .insertInto('audit_log')
              .values({
                actor_id: null,
                actor_name: '系统',
                action: 'test.concurrent',
                entity_type: 'test',
                entity_id: `${i}-${k}`,
                region_code: null,
                before: null,
                after: JSON.stringify({ i, k }),
                ip: null,
              })
              .execute();
            await sql`select pg_sleep(0.01)`.execute(trx);
          }
        }),
      ),
    );
    const report = await verifyAuditChain(ctx.db);
    expect(report.problems).toEqual([]);
    expect(report.entries).toBe(before + 24 + 18);
    // one transaction's rows sit together in the chain: it is appended at commit
    const chain = await ctx.db
      .selectFrom('audit_chain as c')
      .innerJoin('audit_log as a', 'a.id', 'c.audit_id')
      .select(['c.seq', 'a.entity_id'])
      .where('a.action', '=', 'test.concurrent')
      .orderBy('c.seq')
      .execute();
    for (let j = 0; j < chain.length; j += 3) {
      const tx = chain.slice(j, j + 3).map((r) => r.entity_id!.split('-')[0]);
      expect(new Set(tx).size, JSON.stringify(chain)).toBe(1);
      expect(chain[j + 2]!.seq - chain[j]!.seq).toBe(2);
    }
  });

  it('chains every row a transaction wrote, at commit, and none a savepoint rolled back', async () => {
    const { ctx } = await world(1);
    const row = (entity_id: string) => ({
      actor_id: null,
      actor_name: '系统',
      action: 'test.batch',
      entity_type: 'test',
      entity_id,
      region_code: null,
      before: null,
      after: JSON.stringify({ entity_id }),
      ip: null,
    });
    await ctx.db.transaction().execute(async (trx) => {
      // a mark left for the session (not this transaction's) must not switch the chain off
      await sql`select set_config('xiangmu.audit_chain_mark', '1', false)`.execute(trx);
      await trx.insertInto('audit_log').values(row('first')).execute();
      await trx
        .insertInto('audit_log')
        .values(Array.from({ length: 300 }, (_, i) => row(`many-${i}`)))
        .execute();
      await sql`savepoint s`.execute(trx);
      await trx
        .insertInto('audit_log')
        .values([row('undone-1'), row('undone-2')])
        .execute();
      await sql`rollback to savepoint s`.execute(trx);
      await trx.insertInto('audit_log').values(row('last')).execute();
      // nothing is chained before commit
      expect(
        await trx
          .selectFrom('audit_chain as c')
          .innerJoin('audit_log as a', 'a.id', 'c.audit_id')
          .where('a.action', '=', 'test.batch')
          .select('c.seq')
          .execute(),
      ).toEqual([]);
    });
    const report = await verifyAuditChain(ctx.db);
    expect(report.problems).toEqual([]);
    const chained = await ctx.db
      .selectFrom('audit_chain as c')
      .innerJoin('audit_log as a', 'a.id', 'c.audit_id')
      .select(['c.seq', 'a.id', 'a.entity_id'])
      .where('a.action', '=', 'test.batch')
      .orderBy('c.seq')
      .execute();
    expect(chained.map((c) => c.entity_id)).toEqual([
      'first',
      ...Array.from({ length: 300 }, (_, i) => `many-${i}`),
      'last',
    ]);
    // in id order, seq without holes, ending at the head
    expect(chained.map((c) => c.id)).toEqual([...chained.map((c) => c.id)].sort((a, b) => a - b));
    expect(chained.at(-1)!.seq - chained[0]!.seq).toBe(301);
    expect(report.head!.seq).toBe(chained.at(-1)!.seq);
  });

  it('names the row a superuser edited', async () => {
    const { ctx } = await world();
    const target = (await ids(ctx))[5]!;
    await asSuperuser(
      ctx,
      sql`UPDATE audit_log SET after = '{"name":"伪造"}'::jsonb WHERE id = ${target}`,
    );
    const report = await verifyAuditChain(ctx.db);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'edited', auditId: target, seq: await seqOf(ctx, target) }),
    ]);
    expect(report.problems[0]!.message).toContain(`审计记录 ${target}`);
    expect(report.problems[0]!.message).toContain('已被修改');
  });

  it('an edit of the actor or the time is caught too', async () => {
    const { ctx } = await world();
    const [a, b] = (await ids(ctx)).slice(2, 4) as [number, number];
    await asSuperuser(
      ctx,
      sql`UPDATE audit_log SET actor_name = '别人' WHERE id = ${a}`,
      sql`UPDATE audit_log SET at = at + interval '1 microsecond' WHERE id = ${b}`,
    );
    const report = await verifyAuditChain(ctx.db);
    expect(report.problems.map((p) => [p.kind, p.auditId])).toEqual([
      ['edited', a],
      ['edited', b],
    ]);
  });

  it('names a row deleted in the middle, with or without its chain entry', async () => {
    const { ctx } = await world();
    const all = await ids(ctx);
    const [alone, withChain] = [all[3]!, all[7]!];
    const gapSeq = await seqOf(ctx, withChain);
    const aloneSeq = await seqOf(ctx, alone);
    await asSuperuser(
      ctx,
      sql`DELETE FROM audit_log WHERE id IN (${alone}, ${withChain})`,
      sql`DELETE FROM audit_chain WHERE audit_id = ${withChain}`,
    );
    const report = await verifyAuditChain(ctx.db);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'deleted', auditId: alone, seq: aloneSeq }),
      expect.objectContaining({ kind: 'gap', seq: gapSeq }),
    ]);
    expect(report.problems[1]!.message).toContain(`第${gapSeq}条记录已被删除`);
  });

  it('a deleted tail is caught by the checkpoint kept outside the database', async () => {
    const { ctx } = await world();
    const dir = await mkdtemp(join(tmpdir(), 'xm-anchor-'));
    const anchor = join(dir, 'audit-anchor.json');
    try {
      const first = await verifyAndCheckpoint(ctx.db, anchor);
      expect(first.checkpoint).toBeNull();
      expect(first.report.problems).toEqual([]);
      const saved = JSON.parse(await readFile(anchor, 'utf8'));
      expect(saved.seq).toBe(first.report.head!.seq);

      const tail = (await ids(ctx)).slice(-3);
      await asSuperuser(
        ctx,
        sql`DELETE FROM audit_log WHERE id IN (${sql.join(tail)})`,
        sql`DELETE FROM audit_chain WHERE audit_id IN (${sql.join(tail)})`,
      );
      // the chain alone cannot see it: what is left is a valid, shorter chain
      expect((await verifyAuditChain(ctx.db)).problems).toEqual([]);
      const second = await verifyAndCheckpoint(ctx.db, anchor);
      expect(second.report.problems).toEqual([
        expect.objectContaining({ kind: 'tail', seq: saved.seq }),
      ]);
      expect(second.report.problems[0]!.message).toContain(`现在只到第${saved.seq - 3}条`);
      // a failed verification keeps the old checkpoint
      expect(second.written).toBeNull();
      expect(JSON.parse(await readFile(anchor, 'utf8')).seq).toBe(saved.seq);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an edit with the chain recomputed after it is caught by the checkpoint', async () => {
    const { ctx } = await world();
    const dir = await mkdtemp(join(tmpdir(), 'xm-anchor-'));
    const anchor = join(dir, 'audit-anchor.json');
    try {
      const { written } = await verifyAndCheckpoint(ctx.db, anchor);
      const target = (await ids(ctx))[4]!;
      const from = await seqOf(ctx, target);
      await asSuperuser(
        ctx,
        sql`UPDATE audit_log SET after = '{"name":"伪造"}'::jsonb WHERE id = ${target}`,
        sql`DO $$
            DECLARE r record; h text;
            BEGIN
              SELECT prev_hash INTO h FROM audit_chain WHERE seq = ${sql.lit(from)};
              FOR r IN SELECT c.seq, a FROM audit_chain c JOIN audit_log a ON a.id = c.audit_id
                       WHERE c.seq >= ${sql.lit(from)} ORDER BY c.seq LOOP
                h := encode(sha256(convert_to(h || audit_log_content(r.a), 'UTF8')), 'hex');
                UPDATE audit_chain SET hash = h WHERE seq = r.seq;
                UPDATE audit_chain SET prev_hash = h WHERE seq = r.seq + 1;
              END LOOP;
            END $$`,
      );
      expect((await verifyAuditChain(ctx.db)).problems).toEqual([]);
      const { report } = await verifyAndCheckpoint(ctx.db, anchor);
      expect(report.problems).toEqual([
        expect.objectContaining({ kind: 'rewritten', seq: written!.seq }),
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a row inserted with the chain trigger disabled is named', async () => {
    const { ctx } = await world(1);
    await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_chain`.execute(ctx.db);
    const { id } = await ctx.db
      .insertInto('audit_log')
      .values({
        actor_id: null,
        actor_name: '系统',
        action: 'forged.entry',
        entity_type: 'test',
        entity_id: null,
        region_code: null,
        before: null,
        after: null,
        ip: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_chain`.execute(ctx.db);
    const report = await verifyAuditChain(ctx.db);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'unchained', auditId: id })]);
  });

  it('the chain refuses UPDATE, DELETE and TRUNCATE like the log', async () => {
    const { ctx } = await world(1);
    for (const statement of [
      sql`UPDATE audit_chain SET hash = prev_hash`,
      sql`DELETE FROM audit_chain`,
      sql`TRUNCATE audit_chain`,
    ])
      await expect(statement.execute(ctx.db)).rejects.toThrow(/append-only/);
    expect((await verifyAuditChain(ctx.db)).problems).toEqual([]);
  });
});
