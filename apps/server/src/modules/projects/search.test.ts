import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, engine, type Session, type TestContext } from '../../test/harness';
import { projectBody } from '../../test/route-specs';

let ctx: TestContext;
let jk: Session;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'jk_admin', role: 'district_admin', region: '410171' });
  jk = await ctx.sessionFor('jk_admin');
  for (const name of ['海尔压缩机项目', '安图生物体外诊断产业园', '盒子智行新能源整车项目']) {
    const res = await ctx.request('POST', '/api/projects', { as: jk, body: projectBody(name) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
});
afterAll(() => ctx?.close());

const names = async (q: string) => {
  const res = await ctx.request('GET', `/api/projects?q=${encodeURIComponent(q)}`, { as: jk });
  expect(res.status).toBe(200);
  return (res.body.items as Array<{ name: string }>).map((p) => p.name).sort();
};

describe(`project name search on ${engine}`, () => {
  it('finds names containing the text, also in the middle, in any case', async () => {
    expect(await names('压缩机')).toEqual(['海尔压缩机项目']);
    expect(await names('整车')).toEqual(['盒子智行新能源整车项目']);
    expect(await names('项目')).toEqual(['海尔压缩机项目', '盒子智行新能源整车项目']);
    expect(await names('heysj')).toEqual(['海尔压缩机项目']); // pinyin initials
    expect(await names('100%')).toEqual([]); // LIKE wildcards match literally
  });

  it('can answer name contains (3+ characters) from the trigram index', async () => {
    // the table is tiny, so the planner would scan it: forbid that to see the index is usable
    const plan = await ctx.db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      const { rows } = await sql<{ 'QUERY PLAN': string }>`
        explain select id from projects where name ilike ${'%压缩机%'}`.execute(trx);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('projects_name_trgm_idx');
  });
});
