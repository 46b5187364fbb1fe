import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Session, type TestContext } from '../../test/harness';
import { projectBody } from '../../test/route-specs';

let ctx: TestContext;
let city: Session;
let jk: Session;
let js: Session;
let campaignId: number;
const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'city1', role: 'city_admin', region: '410100' });
  await ctx.createUser({ username: 'jk_admin', role: 'district_admin', region: '410171' });
  await ctx.createUser({ username: 'js_admin', role: 'district_admin', region: '410105' });
  city = await ctx.sessionFor('city1');
  jk = await ctx.sessionFor('jk_admin');
  js = await ctx.sessionFor('js_admin');
  const res = await ctx.request('POST', '/api/campaigns', {
    as: city,
    body: { number: 8, startsOn: '2026-01-01', endsOn: '2026-12-31' },
  });
  expect(res.status).toBe(200);
  expect(res.body.name).toBe('第8期"三个一批"');
  campaignId = res.body.id;
});
afterAll(() => ctx?.close());

async function project(as: Session, name: string, stage?: string, region = '410171') {
  const res = await ctx.request('POST', '/api/projects', {
    as,
    body: {
      ...projectBody(name),
      regionCode: region,
      totalInvestment: '100000',
      annualPlan: '30000',
      ...(stage ? { stage } : {}),
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { id: number; version: number };
}
const add = (as: Session, projectId: number, kind: string) =>
  ctx.request('POST', `/api/campaigns/${campaignId}/entries`, { as, body: { projectId, kind } });
const detail = async (as: Session) =>
  (await ctx.request('GET', `/api/campaigns/${campaignId}`, { as })).body;

describe('periods', () => {
  it('only the city opens a period; numbers are unique; dates in order', async () => {
    expect(
      (
        await ctx.request('POST', '/api/campaigns', {
          as: jk,
          body: { number: 9, startsOn: '2026-01-01', endsOn: '2026-12-31' },
        })
      ).status,
    ).toBe(403);
    const dup = await ctx.request('POST', '/api/campaigns', {
      as: city,
      body: { number: 8, startsOn: '2026-01-01', endsOn: '2026-12-31' },
    });
    expect(dup.body.code).toBe('CAMPAIGN_NUMBER_TAKEN');
    const order = await ctx.request('POST', '/api/campaigns', {
      as: city,
      body: { number: 9, startsOn: '2026-06-01', endsOn: '2026-01-01' },
    });
    expect(order.body.code).toBe('CAMPAIGN_DATES_OUT_OF_ORDER');
  });
});

describe('presenting batches and tracking them', () => {
  it('a district presents its projects; stages must fit the batch; a project is in one batch only', async () => {
    const sign = await project(jk, '签约项目甲');
    const start = await project(jk, '开工项目乙', 'preparing');
    const start2 = await project(jk, '开工项目丙', 'signed');
    expect((await add(jk, sign.id, 'sign')).status).toBe(200);
    expect((await add(jk, start.id, 'start')).status).toBe(200);
    expect((await add(jk, start2.id, 'start')).status).toBe(200);
    const wrong = await add(jk, (await project(jk, '阶段不符项目')).id, 'produce');
    expect(wrong.body.code).toBe('BATCH_STAGE_MISMATCH');
    expect(wrong.body.message).toContain('谋划');
    expect((await add(jk, sign.id, 'start')).body.code).toBe('ENTRY_EXISTS');
    // another district cannot present 经开区's project
    expect((await add(js, sign.id, 'sign')).body.code).toBe('REGION_OUT_OF_SCOPE');

    const d = await detail(jk);
    expect(d.regions.map((r: { regionCode: string }) => r.regionCode)).toEqual([
      '410171',
      '410171',
    ]);
    const startBatch = d.regions[1].batches.find((b: { kind: string }) => b.kind === 'start');
    expect([
      startBatch.count,
      startBatch.totalInvestment,
      startBatch.achieved,
      startBatch.rate,
    ]).toEqual([2, '200000', 0, 0]);

    // one of the two starts construction: 开工率 50%
    await ctx.request('POST', `/api/projects/${start.id}/stage`, {
      as: jk,
      body: { to: 'building', occurredOn: today, evidence: '开工仪式', version: start.version },
    });
    const after = (await detail(jk)).regions[1].batches.find(
      (b: { kind: string }) => b.kind === 'start',
    );
    expect([after.achieved, after.rate]).toEqual([1, 0.5]);
    const entries = (
      await ctx.request('GET', `/api/campaigns/${campaignId}/entries?kind=start`, { as: jk })
    ).body;
    expect(
      entries
        .map((e: { projectName: string; achieved: boolean }) => [e.projectName, e.achieved])
        .sort(),
    ).toEqual([
      ['开工项目丙', false],
      ['开工项目乙', true],
    ]);
  });

  it('the city sees every district; after its review lock the batch cannot change', async () => {
    const d = await detail(city);
    expect(d.regions).toHaveLength(17); // 郑州市合计 + 16 county-level units
    expect(d.regions[0].regionName).toBe('郑州市（合计）');
    const lock = await ctx.request('POST', `/api/campaigns/${campaignId}/lock`, {
      as: city,
      body: { regionCode: '410171', kind: 'sign' },
    });
    expect(lock.status).toBe(200);
    expect(
      (
        await ctx.request('POST', `/api/campaigns/${campaignId}/lock`, {
          as: jk,
          body: { regionCode: '410171', kind: 'sign' },
        })
      ).status,
    ).toBe(403);
    const late = await add(jk, (await project(jk, '迟到项目')).id, 'sign');
    expect(late.body.code).toBe('BATCH_LOCKED');
    const entries = (
      await ctx.request('GET', `/api/campaigns/${campaignId}/entries?kind=sign`, { as: jk })
    ).body;
    const removal = await ctx.request(
      'DELETE',
      `/api/campaigns/${campaignId}/entries/${entries[0].projectId}`,
      { as: jk },
    );
    expect(removal.body.code).toBe('BATCH_LOCKED');
    expect(entries[0].locked).toBe(true);
    const jingkai = (await detail(city)).regions.find(
      (r: { regionCode: string }) => r.regionCode === '410171',
    );
    expect(jingkai.batches.find((b: { kind: string }) => b.kind === 'sign').locked).toBe(true);
    // the start batch is still open: a project can leave it
    const starts = (
      await ctx.request('GET', `/api/campaigns/${campaignId}/entries?kind=start`, { as: jk })
    ).body;
    expect(
      (
        await ctx.request('DELETE', `/api/campaigns/${campaignId}/entries/${starts[0].projectId}`, {
          as: jk,
        })
      ).status,
    ).toBe(200);
  });
});
