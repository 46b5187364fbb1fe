import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  industryClusters,
  monthOf,
  percentOf,
  projectLevels,
  projectStages,
  sumDecimals,
} from '@xiangmu/contracts';
import { createTestContext, type Session, type TestContext } from '../../test/harness';
import { projectBody } from '../../test/route-specs';
import { previousMonthOf, snapshotLibraryJob } from './dashboard.jobs';

let ctx: TestContext;
let city: Session;
let jk: Session;
let js: Session;
const year = Number(monthOf(new Date()).slice(0, 4));
const through = monthOf(new Date());

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const regions = ['410171', '410171561', '410105', '410102', '410100'];

beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'city1', role: 'city_admin', region: '410100' });
  await ctx.createUser({ username: 'jk_admin', role: 'district_admin', region: '410171' });
  await ctx.createUser({ username: 'js_admin', role: 'district_admin', region: '410105' });
  city = await ctx.sessionFor('city1');
  jk = await ctx.sessionFor('jk_admin');
  js = await ctx.sessionFor('js_admin');

  // 300 projects over five regions (the city's own level, a district, one of
  // its streets, two more districts), every stage, level and some clusters,
  // with reports over this year and last year written in bulk, as an import would
  const rnd = random(20261201);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const projects = Array.from({ length: 300 }, (_, i) => ({
    name: `驾驶舱测试项目${i}`,
    name_initials: 'jsc',
    owner_name: '测试企业',
    owner_credit_code: '91410100MA9GL8K3XA',
    region_code: pick(regions),
    industry_cluster: pick(industryClusters.slice(0, 5)),
    level: pick(projectLevels),
    total_investment: (Math.floor(rnd() * 5_000_000) / 100).toFixed(2),
    annual_plan: (Math.floor(rnd() * 1_000_000) / 100).toFixed(2),
    plan_year: rnd() < 0.8 ? year : year - 1,
    stage: pick(projectStages),
  }));
  const ids = await ctx.db.insertInto('projects').values(projects).returning('id').execute();
  const months = [
    ...Array.from({ length: 12 }, (_, i) => `${year - 1}-${String(i + 1).padStart(2, '0')}`),
    ...Array.from(
      { length: Number(through.slice(5, 7)) },
      (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`,
    ),
  ];
  const reports = ids.flatMap(({ id }) =>
    months
      .filter(() => rnd() < 0.6)
      .map((month) => ({
        project_id: id,
        region_code: '410171',
        month,
        invested: (Math.floor(rnd() * 100_000) / 100).toFixed(2),
        progress: '施工',
        late: rnd() < 0.2,
        source: 'import' as const,
        reporter_name: '测试',
      })),
  );
  for (let i = 0; i < reports.length; i += 1000)
    await ctx.db
      .insertInto('monthly_reports')
      .values(reports.slice(i, i + 1000))
      .execute();
});
afterAll(() => ctx?.close());

/** The figures recomputed here from the base rows, for the regions under `path`. */
async function expected(path: string) {
  const ps = await ctx.db
    .selectFrom('projects as p')
    .innerJoin('regions as r', 'r.code', 'p.region_code')
    .select([
      'p.id',
      'p.stage',
      'p.level',
      'p.industry_cluster',
      'p.total_investment',
      'p.annual_plan',
      'p.plan_year',
      'r.path',
    ])
    .where('r.path', 'like', `${path}%`)
    .execute();
  const rs = await ctx.db
    .selectFrom('monthly_reports')
    .select(['project_id', 'month', 'invested', 'late'])
    .where('project_id', 'in', ps.length ? ps.map((p) => p.id) : [0])
    .execute();
  const invested = (from: string, to: string) =>
    sumDecimals(rs.filter((r) => r.month >= from && r.month <= to).map((r) => r.invested));
  const plan = sumDecimals(ps.filter((p) => p.plan_year === year).map((p) => p.annual_plan));
  const ytd = invested(`${year}-01`, through);
  return {
    projects: ps,
    plan,
    ytd,
    lastYtd: invested(`${year - 1}-01`, `${year - 1}${through.slice(4)}`),
    late: rs.filter((r) => r.late && r.month >= `${year}-01` && r.month <= through).length,
    sumOf: (f: (p: (typeof ps)[number]) => boolean) => ({
      projects: ps.filter(f).length,
      totalInvestment: sumDecimals(ps.filter(f).map((p) => p.total_investment)),
    }),
    invested,
  };
}

const get = async (as: Session, url: string) => {
  const res = await ctx.request('GET', url, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

const same = (a: string, b: string) => expect(sumDecimals([a])).toBe(sumDecimals([b]));

describe('驾驶舱 figures', () => {
  it.each([
    ['the city', () => city, '410100/'],
    ['a district', () => jk, '410100/410171/'],
  ])('%s: every figure equals a recomputation from the base tables', async (_, as, path) => {
    const d = await get(as(), `/api/dashboard?year=${year}`);
    const e = await expected(path);
    expect(d.library.projects).toBe(e.projects.length);
    same(d.library.totalInvestment, e.sumOf(() => true).totalInvestment);
    for (const s of d.library.byStage) {
      const x = e.sumOf((p) => p.stage === s.key);
      expect([s.key, s.projects]).toEqual([s.key, x.projects]);
      same(s.totalInvestment, x.totalInvestment);
    }
    for (const s of d.library.byLevel)
      expect(s.projects).toBe(e.sumOf((p) => p.level === s.key).projects);
    for (const s of d.library.byCluster)
      expect(s.projects).toBe(e.sumOf((p) => p.industry_cluster === s.key).projects);
    expect(
      d.library.byCluster.reduce((a: number, s: { projects: number }) => a + s.projects, 0),
    ).toBe(e.projects.length);
    for (const s of d.library.byRegion) {
      const sub = s.key === d.regionCode ? null : s.key;
      const x = e.sumOf((p) => (sub ? p.path.split('/').includes(sub) : p.path === path));
      expect([s.key, s.projects]).toEqual([s.key, x.projects]);
    }
    expect(
      d.library.byRegion.reduce((a: number, s: { projects: number }) => a + s.projects, 0),
    ).toBe(e.projects.length);

    same(d.investment.annualPlan, e.plan);
    same(d.investment.invested, e.ytd);
    same(d.investment.lastYearInvested, e.lastYtd);
    expect(d.investment.completion).toBe(percentOf(e.ytd, e.plan));
    expect(d.investment.growth).toBe(percentOf(sumDecimals([e.ytd, `-${e.lastYtd}`]), e.lastYtd));
    expect(d.investment.months).toHaveLength(Number(through.slice(5, 7)));
    for (const m of d.investment.months) {
      same(m.invested, e.invested(m.month, m.month));
      same(m.cumulative, e.invested(`${year}-01`, m.month));
      const last = `${year - 1}${m.month.slice(4)}`;
      same(m.lastYear, e.invested(last, last));
    }
    expect(d.warnings.lateReports).toBe(e.late);
  });

  it('a write shows in the figures at once (the rollups follow it)', async () => {
    const before = await get(jk, `/api/dashboard?year=${year}`);
    const res = await ctx.request('POST', '/api/projects', {
      as: city,
      body: {
        ...projectBody('驾驶舱新增项目'),
        regionCode: '410171',
        level: 'city',
        totalInvestment: '10000',
        annualPlan: '2000',
        planYear: year,
        stage: 'building',
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const report = await ctx.request('POST', `/api/projects/${res.body.id}/reports`, {
      as: jk,
      body: { month: through, invested: '321.5', progress: '开工' },
    });
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    const after = await get(jk, `/api/dashboard?year=${year}`);
    expect(after.library.projects).toBe(before.library.projects + 1);
    same(after.library.totalInvestment, sumDecimals([before.library.totalInvestment, '10000']));
    same(after.investment.invested, sumDecimals([before.investment.invested, '321.5']));
    same(after.investment.annualPlan, sumDecimals([before.investment.annualPlan, '2000']));
    const building = (d: typeof before) =>
      d.library.byStage.find((s: { key: string }) => s.key === 'building').projects;
    expect(building(after)).toBe(building(before) + 1);
  });

  it('a district sees only its own region; another region is refused', async () => {
    const d = await get(js, `/api/dashboard?year=${year}`);
    expect(d.regionCode).toBe('410105');
    const e = await expected('410100/410105/');
    expect(d.library.projects).toBe(e.projects.length);
    const res = await ctx.request('GET', '/api/dashboard?regionCode=410171', { as: js });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('REGION_OUT_OF_SCOPE');
  });

  it('the city looks at a district by choosing it, with the same figures as the district', async () => {
    // a "三个一批" period with a signed project in 经开区 and one in 金水区
    const campaign = await ctx.request('POST', '/api/campaigns', {
      as: city,
      body: { number: 9, startsOn: `${year}-01-01`, endsOn: `${year}-12-31` },
    });
    expect(campaign.status, JSON.stringify(campaign.body)).toBe(200);
    for (const region of ['410171', '410105']) {
      const p = await ctx.request('POST', '/api/projects', {
        as: city,
        body: { ...projectBody(`驾驶舱签约项目${region}`), regionCode: region, stage: 'signed' },
      });
      expect(p.status, JSON.stringify(p.body)).toBe(200);
      const entry = await ctx.request('POST', `/api/campaigns/${campaign.body.id}/entries`, {
        as: city,
        body: { projectId: p.body.id, kind: 'sign' },
      });
      expect(entry.status, JSON.stringify(entry.body)).toBe(200);
    }
    const signed = (d: {
      campaigns: Array<{ id: number; batches: Array<{ kind: string; count: number }> }>;
    }) =>
      d.campaigns.find((c) => c.id === campaign.body.id)!.batches.find((b) => b.kind === 'sign')!
        .count;
    expect(signed(await get(city, `/api/dashboard?year=${year}`))).toBe(2);
    expect(signed(await get(jk, `/api/dashboard?year=${year}`))).toBe(1);

    const a = await get(city, `/api/dashboard?year=${year}&regionCode=410171`);
    const b = await get(jk, `/api/dashboard?year=${year}`);
    expect(a).toEqual(b);
  });

  it('counts reports up to a chosen month; a month not yet begun is refused in Chinese', async () => {
    const d = await get(jk, `/api/dashboard?year=${year}&month=1`);
    const e = await expected('410100/410171/');
    expect(d.throughMonth).toBe(`${year}-01`);
    expect(d.investment.months).toHaveLength(1);
    same(d.investment.invested, e.invested(`${year}-01`, `${year}-01`));
    same(d.investment.lastYearInvested, e.invested(`${year - 1}-01`, `${year - 1}-01`));
    const r = await get(city, `/api/dashboard/ranking?indicator=invested&year=${year}&month=1`);
    expect(r.throughMonth).toBe(`${year}-01`);
    expect(r.previousMonth).toBeNull();
    const future = await ctx.request('GET', `/api/dashboard?year=${year + 1}&month=1`, { as: jk });
    expect(future.status).toBe(400);
    expect(future.body.message).toContain('尚未到来');
  });

  it('an empty year has zeros and no percentages, not errors', async () => {
    const d = await get(city, '/api/dashboard?year=2001');
    expect(d.investment.invested).toBe('0');
    expect(d.investment.completion).toBeNull();
    expect(d.investment.growth).toBeNull();
    expect(d.investment.months).toHaveLength(12);
  });
});

describe('map points', () => {
  it('the largest located projects of the region, in investment order, with the count located', async () => {
    const located = await ctx.db
      .selectFrom('projects')
      .select(['id', 'region_code'])
      .where('region_code', 'in', ['410171', '410105'])
      .orderBy('id')
      .limit(12)
      .execute();
    for (const [i, p] of located.entries())
      await ctx.db
        .updateTable('projects')
        .set({ lng: 113.7 + i / 100, lat: 34.7 })
        .where('id', '=', p.id)
        .execute();
    const jkPoints = (await get(jk, '/api/dashboard/points')).points as Array<{
      id: number;
      regionCode: string;
      totalInvestment: string;
      lng: number;
    }>;
    const jkIds = located.filter((p) => p.region_code === '410171').map((p) => p.id);
    expect(jkPoints.map((p) => p.id).sort()).toEqual([...jkIds].sort());
    const amounts = jkPoints.map((p) => Number(p.totalInvestment));
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    expect(jkPoints.every((p) => typeof p.lng === 'number')).toBe(true);
    const all = await get(city, '/api/dashboard/points');
    expect(all.located).toBe(located.length);
    expect(all.points).toHaveLength(located.length);
  });
});

describe('targets and the ranking', () => {
  it('the city sets targets; the dashboard shows completion of the target; others may not set them', async () => {
    const res = await ctx.request('PUT', '/api/dashboard/targets', {
      as: city,
      body: {
        year,
        targets: [
          { regionCode: '410171', amount: '500000' },
          { regionCode: '410105', amount: '300000' },
        ],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.find((t: { regionCode: string }) => t.regionCode === '410171').amount).toBe(
      '500000.00',
    );
    const d = await get(jk, `/api/dashboard?year=${year}`);
    expect(d.investment.target).toBe('500000.00');
    expect(d.investment.targetCompletion).toBe(percentOf(d.investment.invested, '500000'));

    const refused = await ctx.request('PUT', '/api/dashboard/targets', {
      as: jk,
      body: { year, targets: [{ regionCode: '410171', amount: '1' }] },
    });
    expect(refused.status).toBe(403);

    for (const [body, path] of [
      [{ year, targets: [{ regionCode: '410171561', amount: '10' }] }, 'targets.0.regionCode'],
      [{ year, targets: [{ regionCode: '410171', amount: '0' }] }, 'targets.0.amount'],
      [{ year, targets: [{ regionCode: '410171', amount: '-5' }] }, 'targets.0.amount'],
    ] as const) {
      const bad = await ctx.request('PUT', '/api/dashboard/targets', { as: city, body });
      expect(bad.status, JSON.stringify(bad.body)).toBe(400);
      expect(JSON.stringify(bad.body.issues)).toContain(path);
    }
    // nothing of the refused writes landed
    const t = await get(city, `/api/dashboard/targets?year=${year}`);
    expect(t.find((x: { regionCode: string }) => x.regionCode === '410171').amount).toBe(
      '500000.00',
    );
    expect(t.find((x: { regionCode: string }) => x.regionCode === '410171561')).toBeUndefined();

    const cleared = await ctx.request('PUT', '/api/dashboard/targets', {
      as: city,
      body: { year, targets: [{ regionCode: '410105', amount: null }] },
    });
    expect(cleared.status).toBe(200);
    expect(
      cleared.body.find((x: { regionCode: string }) => x.regionCode === '410105').amount,
    ).toBeNull();
  });

  it('ranks the districts on reported investment, with the rank of the month before', async () => {
    const r = await get(city, `/api/dashboard/ranking?indicator=invested&year=${year}`);
    const districts = await ctx.db
      .selectFrom('regions')
      .select('code')
      .where('parent_code', '=', '410100')
      .where('level', '=', 'district')
      .execute();
    expect(r.rows).toHaveLength(districts.length);
    const value = async (code: string, to: string) =>
      (await expected(`410100/${code}/`)).invested(`${year}-01`, to);
    const m = Number(through.slice(5, 7));
    const prev = m > 1 ? `${year}-${String(m - 1).padStart(2, '0')}` : null;
    for (const row of r.rows) {
      same(row.value, await value(row.regionCode, through));
      const higher = r.rows.filter(
        (o: { value: string }) => Number(o.value) > Number(row.value),
      ).length;
      expect(row.rank).toBe(higher + 1);
    }
    if (prev) {
      const before = await Promise.all(
        r.rows.map((row: { regionCode: string }) => value(row.regionCode, prev)),
      );
      r.rows.forEach((row: { previousRank: number; change: number; rank: number }, i: number) => {
        const higher = before.filter((v) => Number(v) > Number(before[i])).length;
        expect(row.previousRank).toBe(higher + 1);
        expect(row.change).toBe(row.previousRank - row.rank);
      });
    }
    // sorted by rank
    const rankList = r.rows.map((x: { rank: number }) => x.rank);
    expect(rankList).toEqual([...rankList].sort((a, b) => a - b));
  });

  it('the library indicators compare with last month-end snapshot, taken once by the job; a bad indicator is refused', async () => {
    // no snapshot yet: nothing to compare with
    let r = await get(city, `/api/dashboard/ranking?indicator=projects&year=${year}`);
    expect(r.previousMonth).toBeNull();
    expect(r.rows.every((x: { previousRank: null }) => x.previousRank === null)).toBe(true);
    const jkRow = r.rows.find((x: { regionCode: string }) => x.regionCode === '410171');
    expect(Number(jkRow.value)).toBe((await expected('410100/410171/')).projects.length);

    // the job keeps the library as last month's end figures, once
    const run = () => snapshotLibraryJob.handler({ db: ctx.db, payload: null, jobId: 0 });
    const first = (await run()) as { month: string; rows: number };
    expect(first.month).toBe(previousMonthOf(through));
    expect(first.rows).toBeGreaterThan(0);
    expect(((await run()) as { rows: number }).rows).toBe(0);

    // 20 new projects in 金水区 since then: it moves up, the others keep or lose places
    const js0 = (
      await get(city, `/api/dashboard/ranking?indicator=projects&year=${year}`)
    ).rows.find((x: { regionCode: string }) => x.regionCode === '410105');
    await ctx.db
      .insertInto('projects')
      .values(
        Array.from({ length: 20 }, (_, i) => ({
          name: `排名变化项目${i}`,
          name_initials: 'pm',
          owner_name: '测试企业',
          owner_credit_code: '91410100MA9GL8K3XA',
          region_code: '410105',
          industry_cluster: '汽车',
          level: 'district',
          total_investment: '100',
          annual_plan: '10',
          plan_year: year,
          stage: 'planned',
        })),
      )
      .execute();
    r = await get(city, `/api/dashboard/ranking?indicator=projects&year=${year}`);
    expect(r.previousMonth).toBe(previousMonthOf(through));
    const js1 = r.rows.find((x: { regionCode: string }) => x.regionCode === '410105');
    expect(Number(js1.value)).toBe(Number(js0.value) + 20);
    expect(js1.previousRank).toBe(js0.rank);
    expect(js1.change).toBe(js1.previousRank - js1.rank);
    expect(js1.rank).toBeLessThanOrEqual(js0.rank);
    for (const row of r.rows) expect(row.previousRank).not.toBeNull();

    const bad = await ctx.request('GET', '/api/dashboard/ranking?indicator=drop', { as: city });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('the rollups behind all this match a full recomputation', async () => {
    const { verifyRollups } = await import('../rollups');
    expect(await verifyRollups(ctx.db)).toEqual([]);
    // and the figures are not recomputed from projects: a wrong rollup shows
    await sql`update rollup_projects set projects = projects + 1000
      where (region_code, stage, level, industry_cluster, plan_year) =
        (select region_code, stage, level, industry_cluster, plan_year from rollup_projects
         where region_code = '410105' limit 1)`.execute(ctx.db);
    const d = await get(js, `/api/dashboard?year=${year}`);
    expect(d.library.projects).toBe((await expected('410100/410105/')).projects.length + 1000);
    const { rebuildRollups } = await import('../rollups');
    await rebuildRollups(ctx.db);
  });
});
