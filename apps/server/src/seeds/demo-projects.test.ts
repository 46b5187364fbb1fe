import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sumDecimals, wanToYi } from '@xiangmu/contracts';
import { createTestContext, type Session, type TestContext } from '../test/harness';
import { split } from './demo-projects';

let ctx: TestContext;
let jk: Session;
beforeAll(async () => {
  ctx = await createTestContext({ demoSeed: true });
  jk = await ctx.sessionFor('jk_admin');
});
afterAll(() => ctx?.close());

const list = async (query: string) => {
  const res = await ctx.request('GET', `/api/projects?pageSize=200&${query}`, { as: jk });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as {
    total: number;
    sums: { totalInvestment: string; annualPlan: string };
    items: { name: string }[];
  };
};
const tag = (t: string) => `tag=${encodeURIComponent(t)}`;

describe('demo data reproduces 郑州经开区\'s "三个一批" figures (seed 004)', () => {
  it('52 projects, 604.4 亿 in all, 211.5 亿 this year', async () => {
    const all = await list(tag('三个一批'));
    expect(all.total).toBe(52);
    expect(wanToYi(all.sums.totalInvestment)).toBe('604.4');
    expect(wanToYi(all.sums.annualPlan)).toBe('211.5');
  });

  it.each([
    ['签约一批', 'signed', 17, '315.1', '110.3'],
    ['开工一批', 'building', 20, '204.6', '71.6'],
    ['投产一批', 'operating', 15, '84.7', '29.6'],
  ])('%s: %s, %i projects, %s 亿, annual %s 亿', async (batch, stage, count, total, annual) => {
    const b = await list(`${tag(batch)}&stage=${stage}`);
    expect(b.total).toBe(count);
    expect(wanToYi(b.sums.totalInvestment)).toBe(total);
    expect(wanToYi(b.sums.annualPlan)).toBe(annual);
  });

  it('第七期: 16 projects, 216.8 亿 (3 + 6 + 7; 85 + 91.9 + 39.9)', async () => {
    const seventh = await list(tag('第七期'));
    expect(seventh.total).toBe(16);
    expect(wanToYi(seventh.sums.totalInvestment)).toBe('216.8');
    const signed = await list(`${tag('第七期')}&stage=signed`);
    expect([signed.total, wanToYi(signed.sums.totalInvestment)]).toEqual([3, '85']);
  });

  it('has the projects the newspaper names, in the right stage', async () => {
    const names = (await list(`${tag('三个一批')}&stage=building`)).items.map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining([
        '一汽解放新能源商用车郑州基地',
        '中欧班列(郑州)智慧物流甩挂中心',
        '瞪羚产业园二期',
      ]),
    );
    const found = await list(`q=${encodeURIComponent('海尔压缩机')}`);
    expect(found.items.map((p) => p.name)).toEqual(['海尔压缩机项目']);
  });

  it('other regions have projects too, and seeding twice adds nothing', async () => {
    const city = await ctx.sessionFor('city_office');
    const all = await ctx.request('GET', '/api/projects?pageSize=1', { as: city });
    expect(all.body.total).toBeGreaterThan(52 + 100);
    const { seedDemoProjects } = await import('./demo-projects');
    expect(await seedDemoProjects(ctx.db)).toBe(0);
  });
});

describe('第七期 "三个一批" as a campaign', () => {
  it('presents 3 + 6 + 7 projects (85 + 91.9 + 39.9 亿) for 经开区, 开工率 100%', async () => {
    const list = await ctx.request('GET', '/api/campaigns', { as: jk });
    const seventh = list.body.find((c: { number: number }) => c.number === 7);
    const detail = await ctx.request('GET', `/api/campaigns/${seventh.id}`, { as: jk });
    expect(detail.status).toBe(200);
    const jingkai = detail.body.regions.find(
      (r: { regionCode: string }) => r.regionCode === '410171',
    );
    const figures = jingkai.batches.map(
      (b: { kind: string; count: number; totalInvestment: string; rate: number }) => [
        b.kind,
        b.count,
        wanToYi(b.totalInvestment),
        b.rate,
      ],
    );
    expect(figures).toEqual([
      ['sign', 3, '85', 0],
      ['start', 6, '91.9', 1],
      ['produce', 7, '39.9', 1],
    ]);
    // the scope total row comes first and adds up to 216.8 亿
    const total = detail.body.regions[0].batches.map(
      (b: { totalInvestment: string }) => b.totalInvestment,
    );
    expect(wanToYi(sumDecimals(total))).toBe('216.8');
  });
});

describe('split', () => {
  it('always adds up exactly with positive parts', () => {
    let seed = 1;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (const [total, n] of [
      [850, 3],
      [919, 6],
      [399, 7],
      [20, 20],
      [3151, 17],
    ] as const) {
      const parts = split(total, n, random);
      expect(parts).toHaveLength(n);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.min(...parts)).toBeGreaterThanOrEqual(1);
    }
  });
});

describe("the dashboard and the briefing reproduce 经开区's seed figures", () => {
  it('驾驶舱: 52 projects, 604.4 亿, 211.5 亿 planned; by stage 17 / 20 / 15; 第7期 3 / 6 / 7', async () => {
    const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
    const res = await ctx.request('GET', `/api/dashboard?year=${year}`, { as: jk });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const d = res.body;
    // 经开区 holds exactly the 52 seed projects
    expect(d.library.projects).toBe(52);
    expect(wanToYi(d.library.totalInvestment)).toBe('604.4');
    if (year === 2026) expect(wanToYi(d.investment.annualPlan)).toBe('211.5');
    const stage = (k: string) => d.library.byStage.find((s: { key: string }) => s.key === k);
    expect([
      stage('signed').projects,
      stage('building').projects,
      stage('operating').projects,
    ]).toEqual([17, 20, 15]);
    expect(wanToYi(stage('signed').totalInvestment)).toBe('315.1');
    const seventh = d.campaigns.find((c: { title: string }) => c.title.includes('第7期'));
    expect(seventh.batches.map((b: { count: number }) => b.count)).toEqual([3, 6, 7]);
    expect(
      seventh.batches.map((b: { totalInvestment: string }) => wanToYi(b.totalInvestment)),
    ).toEqual(['85', '91.9', '39.9']);

    const brief = await ctx.request('GET', `/api/briefings?year=${year}`, { as: jk });
    expect(brief.status, JSON.stringify(brief.body)).toBe(200);
    const text = JSON.stringify(brief.body.sections);
    expect(text).toContain('52个');
    expect(text).toContain('604.4亿元');
  });
});
