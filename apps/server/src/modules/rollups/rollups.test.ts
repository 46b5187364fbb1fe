import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthOf } from '@xiangmu/contracts';
import { createTestContext, type Session, type TestContext } from '../../test/harness';
import { projectBody } from '../../test/route-specs';
import { rebuildRollups, verifyRollups } from '.';

let ctx: TestContext;
let city: Session;
const cur = monthOf(new Date());
/** today in Beijing */
const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'city1', role: 'city_admin', region: '410100' });
  city = await ctx.sessionFor('city1');
});
afterAll(() => ctx?.close());

async function project(name: string, region = '410171', annualPlan = '30000') {
  const res = await ctx.request('POST', '/api/projects', {
    as: city,
    body: {
      ...projectBody(name),
      regionCode: region,
      totalInvestment: '100000',
      annualPlan,
      planYear: 2026,
      stage: 'building',
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { id: number; version: number };
}

/** The rollup's figures for one region, read straight from the table. */
const projectsRollup = (region: string) =>
  ctx.db
    .selectFrom('rollup_projects')
    .select([
      sql<number>`sum(projects)::int`.as('n'),
      sql<string>`sum(total_investment)::text`.as('total'),
      sql<string>`sum(annual_plan)::text`.as('plan'),
    ])
    .where('region_code', '=', region)
    .executeTakeFirstOrThrow();

const reportsRollup = (region: string, month: string) =>
  ctx.db
    .selectFrom('rollup_reports')
    .selectAll()
    .where('region_code', '=', region)
    .where('month', '=', month)
    .executeTakeFirst();

describe('rollups kept by the database', () => {
  it('follow creates, edits, stage changes, moves, reports and bulk SQL, and match a recomputation', async () => {
    const a = await project('汇总测试项目甲');
    const b = await project('汇总测试项目乙', '410171', '10000.50');
    expect(await projectsRollup('410171')).toEqual({ n: 2, total: '200000.00', plan: '40000.50' });

    // an edit of a rolled-up column moves the figures; other columns do not touch them
    let res = await ctx.request('PATCH', `/api/projects/${b.id}`, {
      as: city,
      body: { annualPlan: '20000', contactName: '张三', version: b.version },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await projectsRollup('410171')).toEqual({ n: 2, total: '200000.00', plan: '50000.00' });

    // a report, then its correction
    res = await ctx.request('POST', `/api/projects/${a.id}/reports`, {
      as: city,
      body: { month: cur, invested: '1234.56', progress: '主体施工' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const report = res.body as { id: number; version: number };
    expect(await reportsRollup('410171', cur)).toMatchObject({
      reports: 1,
      late: 0,
      invested: '1234.56',
    });
    res = await ctx.request('PATCH', `/api/reports/${report.id}`, {
      as: city,
      body: { invested: '1000', version: report.version },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await reportsRollup('410171', cur)).toMatchObject({ reports: 1, invested: '1000.00' });

    // moving the project to 金水区 takes its reports' sums along and leaves no empty row behind
    const moved = (await ctx.request('GET', `/api/projects/${a.id}`, { as: city })).body;
    res = await ctx.request('PATCH', `/api/projects/${a.id}`, {
      as: city,
      body: { regionCode: '410105', version: moved.version },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await reportsRollup('410171', cur)).toBeUndefined();
    expect(await reportsRollup('410105', cur)).toMatchObject({ reports: 1, invested: '1000.00' });
    expect(await projectsRollup('410105')).toEqual({ n: 1, total: '100000.00', plan: '30000.00' });

    // a stage change moves the project between stage rows
    const bNow = (await ctx.request('GET', `/api/projects/${b.id}`, { as: city })).body;
    res = await ctx.request('POST', `/api/projects/${b.id}/stage`, {
      as: city,
      body: { to: 'completed', occurredOn: today, evidence: '竣工验收', version: bNow.version },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const stages = await ctx.db
      .selectFrom('rollup_projects')
      .select(['stage', 'projects'])
      .where('region_code', '=', '410171')
      .execute();
    expect(stages).toEqual([{ stage: 'completed', projects: 1 }]);

    // many rows in one statement (as an import writes them), and their deletion
    await sql`
      insert into monthly_reports (project_id, region_code, month, invested, progress, late, source, reporter_name)
      select ${b.id}, '410171', to_char(d, 'YYYY-MM'), 10.5, '批量', true, 'import', '测试'
      from generate_series('2025-01-01'::date, '2025-12-01'::date, interval '1 month') d`.execute(
      ctx.db,
    );
    const year2025 = await ctx.db
      .selectFrom('rollup_reports')
      .select([
        sql<number>`sum(reports)::int`.as('n'),
        sql<number>`sum(late)::int`.as('late'),
        sql<string>`sum(invested)::text`.as('invested'),
      ])
      .where('month', 'like', '2025-%')
      .executeTakeFirstOrThrow();
    expect(year2025).toEqual({ n: 12, late: 12, invested: '126.00' });
    await sql`delete from monthly_reports where month like '2025-%'`.execute(ctx.db);
    expect(
      await ctx.db
        .selectFrom('rollup_reports')
        .select('month')
        .where('month', 'like', '2025-%')
        .execute(),
    ).toEqual([]);

    expect(await verifyRollups(ctx.db)).toEqual([]);
  });

  it('the check finds a changed, a missing and an extra rollup row, and a rebuild repairs them', async () => {
    await project('汇总测试项目丙', '410102');
    await sql`update rollup_projects set projects = projects + 1 where region_code = '410105'`.execute(
      ctx.db,
    );
    await sql`delete from rollup_projects where region_code = '410102'`.execute(ctx.db);
    await sql`insert into rollup_reports values ('410103', '2020-01', 1, 0, 5)`.execute(ctx.db);

    const diffs = await verifyRollups(ctx.db);
    expect(diffs).toHaveLength(3);
    expect(diffs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          rollup: 'rollup_projects',
          key: expect.objectContaining({ region_code: '410105' }),
          kept: expect.objectContaining({ projects: '2' }),
          recomputed: expect.objectContaining({ projects: '1' }),
        }),
        expect.objectContaining({
          rollup: 'rollup_projects',
          key: expect.objectContaining({ region_code: '410102' }),
          kept: null,
        }),
        expect.objectContaining({
          rollup: 'rollup_reports',
          key: { region_code: '410103', month: '2020-01' },
          recomputed: null,
        }),
      ]),
    );

    await rebuildRollups(ctx.db);
    expect(await verifyRollups(ctx.db)).toEqual([]);
  });
});
