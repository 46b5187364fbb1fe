import { access, mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Session, type TestContext } from '../../test/harness';
import { simpleLedger, uploadAndMap } from '../../test/ledgers';
import { uploadDir } from './import-kit';
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
/** the import's last sign of life `seconds` ago, in `status` (a process that died then) */
const age = (id: number, seconds: number, status?: 'validating' | 'applying' | 'failed') =>
  ctx.db
    .updateTable('project_imports')
    .set({ updated_at: new Date(Date.now() - seconds * 1000), ...(status ? { status } : {}) })
    .where('id', '=', id)
    .execute();
const staged = async (id: number) =>
  (
    await ctx.db
      .selectFrom('project_import_rows')
      .select('row_number')
      .where('import_id', '=', id)
      .execute()
  ).length;
const settledAudits = (id: number) =>
  ctx.db
    .selectFrom('audit_log')
    .select(['action', 'after'])
    .where('entity_type', '=', 'project_import')
    .where('entity_id', '=', String(id))
    .where('action', 'like', 'import.%_%')
    .where('actor_name', '=', '系统')
    .execute();
const nothing = { validationsInterrupted: 0, appliesInterrupted: 0, expired: 0, stagedRows: 0 };

describe('imports nobody works on any more are settled', () => {
  it('a validation whose process died goes back to the mapping step, its staged rows swept; a live one is left alone', async () => {
    const a = await uploadAndMap(ctx, jk, base, await simpleLedger(['中断校验项目', '另一项目']));
    const b = await uploadAndMap(ctx, jk, base, await simpleLedger(['正在校验项目']));
    expect(await staged(a.id)).toBe(2);
    // a crash mid-validation: "校验中", some rows staged, no heartbeat for two minutes
    await age(a.id, 120, 'validating');
    await age(b.id, 10, 'validating'); // its process still beats
    const figures = await settleImports(ctx.db);
    expect(figures).toEqual({
      ...nothing,
      validationsInterrupted: 1,
      stagedRows: 2,
      orphanFiles: figures.orphanFiles,
    });
    const [ra, rb] = [await row(a.id), await row(b.id)];
    expect([ra.status, ra.failure]).toEqual([
      'mapping',
      '校验因服务重启而中断，未写入任何数据，请重新确认列映射',
    ]);
    expect(await staged(a.id)).toBe(0);
    expect(rb.status).toBe('validating');
    expect(await staged(b.id)).toBe(1);
    // the user sees why, and can confirm the mapping again
    const seen = await ctx.request('GET', `${base}/${a.id}`, { as: jk });
    expect(seen.body.failure).toMatch(/校验因服务重启而中断/);
    const again = await ctx.request('POST', `${base}/${a.id}/mapping`, {
      as: jk,
      body: { columns: [] },
    });
    expect(again.status).toBe(200);
    expect((await settledAudits(a.id)).map((x) => [x.action, x.after])).toEqual([
      [
        'import.validation_interrupted',
        { status: 'mapping', failure: '校验因服务重启而中断，未写入任何数据，请重新确认列映射' },
      ],
    ]);
    await ctx.db
      .updateTable('project_imports')
      .set({ status: 'failed' })
      .where('id', '=', b.id)
      .execute();
  });

  it('an interrupted apply is ready again and wrote nothing; an upload left a day loses its file', async () => {
    const a = await uploadAndMap(ctx, jk, base, await simpleLedger(['中断导入项目']));
    await age(a.id, 31 * 60, 'applying');
    const old = await uploadAndMap(ctx, jk, base, await simpleLedger(['过期未导入项目']));
    const path = (await row(old.id)).file_path!;
    expect(await exists(path)).toBe(true);
    await age(old.id, 25 * 3600);
    const before = await ctx.countRows('projects');
    const figures = await settleImports(ctx.db);
    expect(figures).toMatchObject({ appliesInterrupted: 1, expired: 1, validationsInterrupted: 0 });
    expect((await row(a.id)).status).toBe('validated');
    const gone = await row(old.id);
    expect([gone.status, gone.file_path]).toEqual(['failed', null]);
    expect(gone.failure).toMatch(/超过24小时未确认导入/);
    expect(await exists(path)).toBe(false);
    expect(await staged(old.id)).toBe(0);
    expect(await ctx.countRows('projects')).toBe(before);
    // the interrupted one applies from its staged rows, which stay as its record
    const applied = await ctx.request('POST', `${base}/${a.id}/apply`, { as: jk });
    expect(applied.body.status).toBe('applied');
    expect(await ctx.countRows('projects')).toBe(before + 1);
    expect(await staged(a.id)).toBe(1);
    // settling again changes nothing
    expect(await settleImports(ctx.db)).toEqual({ ...nothing, orphanFiles: 0 });
  });

  it('sweeps the staged rows of a failed import and upload files no import names', async () => {
    const f = await uploadAndMap(ctx, jk, base, await simpleLedger(['失败导入项目']));
    await age(f.id, 5, 'failed');
    const kept = await uploadAndMap(ctx, jk, base, await simpleLedger(['待导入项目']));
    const keptFile = (await row(kept.id)).file_path!;
    // a crash between an apply's commit and the file's removal, and an upload still streaming in
    await mkdir(uploadDir(), { recursive: true });
    const leftover = join(uploadDir(), `0-0-leftover-${process.pid}.xlsx`);
    const inFlight = join(uploadDir(), `0-0-inflight-${process.pid}.xlsx`);
    await writeFile(leftover, 'x');
    await writeFile(inFlight, 'x');
    const dayAndMore = new Date(Date.now() - 26 * 3600_000);
    await utimes(leftover, dayAndMore, dayAndMore);
    await utimes(keptFile, dayAndMore, dayAndMore);
    const figures = await settleImports(ctx.db);
    expect(figures.stagedRows).toBe(1);
    expect(figures.orphanFiles).toBeGreaterThanOrEqual(1);
    expect(await staged(f.id)).toBe(0);
    expect(await staged(kept.id)).toBe(1);
    expect(await exists(leftover)).toBe(false);
    expect(await exists(inFlight)).toBe(true);
    expect(await exists(keptFile)).toBe(true);
    const swept = await ctx.db
      .selectFrom('audit_log')
      .select('after')
      .where('action', '=', 'job.imports_swept')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(swept.after).toMatchObject({ stagedRows: 1 });
  });

  it('is due at every start of a worker, whatever its schedule said', async () => {
    await ctx.db
      .updateTable('job_schedules')
      .set({ next_run_at: new Date(Date.now() + 3600_000) })
      .where('name', '=', 'imports.settle')
      .execute();
    await ctx.xm.jobs.ensureSchedules();
    const s = await ctx.db
      .selectFrom('job_schedules')
      .selectAll()
      .where('name', '=', 'imports.settle')
      .executeTakeFirstOrThrow();
    expect(s.next_run_at.getTime()).toBeLessThanOrEqual(Date.now());
    expect(s.interval_seconds).toBe(60);
  });
});
