import { access } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Session, type TestContext } from '../../test/harness';
import { simpleLedger, uploadAndMap } from '../../test/ledgers';
import { settleImports } from './import.jobs';

let ctx: TestContext;
let jk: Session;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'jk_admin', role: 'district_admin', region: '410171' });
  jk = await ctx.sessionFor('jk_admin');
});
afterAll(() => ctx?.close());

const base = '/api/projects/imports';
const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );
const row = (id: number) =>
  ctx.db.selectFrom('project_imports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const age = (id: number, minutes: number, status?: 'validating' | 'applying') =>
  ctx.db
    .updateTable('project_imports')
    .set({ updated_at: new Date(Date.now() - minutes * 60_000), ...(status ? { status } : {}) })
    .where('id', '=', id)
    .execute();

describe('imports nobody works on any more are settled', () => {
  it('an interrupted validation goes back to the mapping step; a fresh one is left alone', async () => {
    const a = await uploadAndMap(ctx, jk, base, await simpleLedger(['中断校验项目']));
    const b = await uploadAndMap(ctx, jk, base, await simpleLedger(['正在校验项目']));
    await age(a.id, 11, 'validating'); // a restart left it "校验中"
    await age(b.id, 2, 'validating'); // still alive
    const figures = await settleImports(ctx.db);
    expect(figures).toEqual({ validationsInterrupted: 1, appliesInterrupted: 0, expired: 0 });
    const [ra, rb] = [await row(a.id), await row(b.id)];
    expect([ra.status, ra.failure]).toEqual([
      'mapping',
      '校验因服务重启而中断，未写入任何数据，请重新确认列映射',
    ]);
    expect(rb.status).toBe('validating');
    // and the user can confirm the mapping again
    const again = await uploadAndMap(ctx, jk, base, await simpleLedger(['中断校验项目']));
    expect(again.status).toBe('validated');
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select('after')
      .where('action', '=', 'job.imports_settled')
      .execute();
    expect(audit.map((x) => x.after)).toEqual([figures]);
  });

  it('an interrupted apply is ready again and wrote nothing; an upload left a day loses its file', async () => {
    const a = await uploadAndMap(ctx, jk, base, await simpleLedger(['中断导入项目']));
    await age(a.id, 31, 'applying');
    const old = await uploadAndMap(ctx, jk, base, await simpleLedger(['过期未导入项目']));
    const path = (await row(old.id)).file_path!;
    expect(await exists(path)).toBe(true);
    await age(old.id, 25 * 60);
    const before = await ctx.countRows('projects');
    expect(await settleImports(ctx.db)).toEqual({
      validationsInterrupted: 0,
      appliesInterrupted: 1,
      expired: 1,
    });
    expect((await row(a.id)).status).toBe('validated');
    const gone = await row(old.id);
    expect([gone.status, gone.file_path]).toEqual(['failed', null]);
    expect(gone.failure).toMatch(/超过24小时未确认导入/);
    expect(await exists(path)).toBe(false);
    expect(await ctx.countRows('projects')).toBe(before);
    // the interrupted one applies from its staged rows
    const applied = await ctx.request('POST', `${base}/${a.id}/apply`, { as: jk });
    expect(applied.body.status).toBe('applied');
    expect(await ctx.countRows('projects')).toBe(before + 1);
    // settling again changes nothing
    expect(await settleImports(ctx.db)).toEqual({
      validationsInterrupted: 0,
      appliesInterrupted: 0,
      expired: 0,
    });
  });
});
