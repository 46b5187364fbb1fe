import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, hasChinese, type Session, type TestContext } from '../../test/harness';
import { projectBody } from '../../test/route-specs';
import { nameInitials, stageMoveAllowed } from './project.service';

let ctx: TestContext;
let jk: Session;
let js: Session;
let viewer: Session;
const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'jk_admin', role: 'district_admin', region: '410171' });
  await ctx.createUser({ username: 'js_admin', role: 'district_admin', region: '410105' });
  await ctx.createUser({ username: 'jk_view', role: 'viewer', region: '410171' });
  jk = await ctx.sessionFor('jk_admin');
  js = await ctx.sessionFor('js_admin');
  viewer = await ctx.sessionFor('jk_view');
});
afterAll(() => ctx?.close());

const create = (as: Session, body: Record<string, unknown>) =>
  ctx.request('POST', '/api/projects', { as, body });

describe('creating projects', () => {
  it('stores money exactly and returns the whole record', async () => {
    const res = await create(jk, {
      ...projectBody('海尔压缩机项目'),
      totalInvestment: '216800.10',
      annualPlan: '50000.05',
      tags: ['三个一批', '第七期'],
      plannedStart: '2026-03-01',
      plannedEnd: '2027-12-31',
      lng: 113.72,
      lat: 34.68,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      name: '海尔压缩机项目',
      totalInvestment: '216800.10',
      annualPlan: '50000.05',
      stage: 'planned',
      regionName: '郑州经济技术开发区',
      tags: ['三个一批', '第七期'],
      lng: 113.72,
      lat: 34.68,
    });
  });

  it('refuses a duplicate name in the same region, allows it elsewhere', async () => {
    const dup = await create(jk, projectBody('海尔压缩机项目'));
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('PROJECT_NAME_TAKEN');
    const elsewhere = await create(js, { ...projectBody('海尔压缩机项目'), regionCode: '410105' });
    expect(elsewhere.status).toBe(200);
  });

  it.each([
    ['negative amount', { totalInvestment: '-5' }, 'totalInvestment'],
    ['float-style amount', { totalInvestment: '1e9' }, 'totalInvestment'],
    ['three decimals', { annualPlan: '1.234' }, 'annualPlan'],
    ['bad credit code', { ownerCreditCode: '91410100MA9GL8K3X0' }, 'ownerCreditCode'],
    ['unknown cluster', { industryCluster: '区块链' }, 'industryCluster'],
    ['bad industry code', { industryCode: 'C3' }, 'industryCode'],
    ['bad date', { plannedStart: '2026-02-30' }, 'plannedStart'],
    ['unknown region', { regionCode: '419999' }, null],
  ])('refuses %s with a Chinese message, writing nothing', async (_name, patch, field) => {
    const before = await ctx.countRows('audit_log');
    const res = await create(jk, { ...projectBody('坏数据项目'), ...patch });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(hasChinese(res.body.message)).toBe(true);
    if (field) expect(res.body.issues.map((i: { path: string }) => i.path)).toContain(field);
    expect(await ctx.countRows('audit_log')).toBe(before);
  });

  it('refuses dates out of order and an annual plan above the total', async () => {
    const dates = await create(jk, {
      ...projectBody('日期项目'),
      plannedStart: '2026-05-01',
      plannedEnd: '2026-04-01',
    });
    expect(dates.body.code).toBe('PROJECT_DATES_OUT_OF_ORDER');
    expect(dates.body.issues[0].path).toBe('plannedEnd');
    const plan = await create(jk, {
      ...projectBody('计划项目'),
      totalInvestment: '100',
      annualPlan: '100.01',
    });
    expect(plan.body.code).toBe('PROJECT_PLAN_EXCEEDS_TOTAL');
  });

  it('a viewer reads but cannot create; another district cannot create here', async () => {
    expect((await create(viewer, projectBody('只读项目'))).status).toBe(403);
    expect((await create(js, projectBody('越界项目'))).body.code).toBe('REGION_OUT_OF_SCOPE');
  });
});

describe('the project list', () => {
  beforeAll(async () => {
    const rows: Array<[string, string, string, string]> = [
      ['一汽解放新能源商用车郑州基地', '汽车', '400000', 'city'],
      ['中欧班列(郑州)智慧物流甩挂中心', '现代服务业', '150000', 'district'],
      ['安图生物体外诊断产业园', '生物医药', '300000', 'province'],
    ];
    for (const [name, cluster, total, level] of rows) {
      const res = await create(jk, {
        ...projectBody(name),
        industryCluster: cluster,
        totalInvestment: total,
        annualPlan: '10000',
        level,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  });

  it('finds by pinyin initials and by text', async () => {
    expect(nameInitials('海尔压缩机项目')).toBe('heysjxm');
    const initials = await ctx.request('GET', '/api/projects?q=heys', { as: viewer });
    expect(initials.body.items.map((p: { name: string }) => p.name)).toEqual(['海尔压缩机项目']);
    const text = await ctx.request('GET', `/api/projects?q=${encodeURIComponent('新能源')}`, {
      as: viewer,
    });
    expect(text.body.items.map((p: { name: string }) => p.name)).toEqual([
      '一汽解放新能源商用车郑州基地',
    ]);
  });

  it('filters, sorts, pages and sums exactly over all matches', async () => {
    const all = await ctx.request(
      'GET',
      '/api/projects?sort=totalInvestment&order=desc&pageSize=2',
      { as: jk },
    );
    expect(all.body.total).toBe(4);
    expect(all.body.items.map((p: { totalInvestment: string }) => p.totalInvestment)).toEqual([
      '400000.00',
      '300000.00',
    ]);
    // 216800.10 + 400000 + 150000 + 300000
    expect(all.body.sums.totalInvestment).toBe('1066800.10');
    const page2 = await ctx.request(
      'GET',
      '/api/projects?sort=totalInvestment&order=desc&pageSize=2&page=2',
      { as: jk },
    );
    expect(page2.body.items.map((p: { totalInvestment: string }) => p.totalInvestment)).toEqual([
      '216800.10',
      '150000.00',
    ]);

    const filtered = await ctx.request(
      'GET',
      '/api/projects?level=city,province&industryCluster=汽车,生物医药&minInvestment=300000',
      { as: jk },
    );
    expect(filtered.body.items.map((p: { name: string }) => p.name).sort()).toEqual(
      ['一汽解放新能源商用车郑州基地', '安图生物体外诊断产业园'].sort(),
    );
    const tagged = await ctx.request('GET', `/api/projects?tag=${encodeURIComponent('第七期')}`, {
      as: jk,
    });
    expect(tagged.body.total).toBe(1);
  });

  it('a district sees only its own projects; a region filter outside scope is refused', async () => {
    const mine = await ctx.request('GET', '/api/projects', { as: js });
    expect(mine.body.items.every((p: { regionCode: string }) => p.regionCode === '410105')).toBe(
      true,
    );
    expect(mine.body.total).toBe(1);
    const outside = await ctx.request('GET', '/api/projects?regionCode=410171', { as: js });
    expect(outside.status).toBe(403);
  });

  it('refuses a bad filter in Chinese', async () => {
    const res = await ctx.request('GET', '/api/projects?stage=flying', { as: jk });
    expect(res.status).toBe(400);
    expect(hasChinese(res.body.issues[0].message)).toBe(true);
  });
});

describe('editing and the life cycle', () => {
  it('two officials editing: the second save gets 409 with the first one’s change', async () => {
    const p = (await create(jk, projectBody('并发编辑项目'))).body;
    const a = await ctx.request('PATCH', `/api/projects/${p.id}`, {
      as: jk,
      body: { content: '甲的修改', version: p.version },
    });
    expect(a.status).toBe(200);
    const b = await ctx.request('PATCH', `/api/projects/${p.id}`, {
      as: jk,
      body: { content: '乙的修改', version: p.version },
    });
    expect(b.status).toBe(409);
    expect(b.body.current.content).toBe('甲的修改');
    expect((await ctx.request('GET', `/api/projects/${p.id}`, { as: jk })).body.content).toBe(
      '甲的修改',
    );
  });

  it('knows the legal moves', () => {
    expect(stageMoveAllowed('planned', 'negotiating')).toBe('forward');
    expect(stageMoveAllowed('planned', 'preparing')).toBe('forward');
    expect(stageMoveAllowed('planned', 'building')).toBe(false);
    expect(stageMoveAllowed('signed', 'building')).toBe(false);
    expect(stageMoveAllowed('building', 'signed')).toBe('back');
  });

  it('moves through the stages with dates and evidence, keeps a timeline, sets the actual start', async () => {
    let p = (await create(jk, projectBody('生命周期项目'))).body;
    const move = async (to: string, extra: Record<string, unknown> = {}) => {
      const res = await ctx.request('POST', `/api/projects/${p.id}/stage`, {
        as: jk,
        body: { to, occurredOn: today, evidence: `${to}依据`, version: p.version, ...extra },
      });
      if (res.status === 200) p = res.body;
      return res;
    };
    expect((await move('signed')).status).toBe(200);
    expect((await move('preparing')).status).toBe(200);
    const jump = await move('completed');
    expect(jump.status).toBe(400);
    expect(jump.body.code).toBe('STAGE_JUMP_NOT_ALLOWED');
    expect((await move('building')).body.actualStart).toBe(today);
    const back = await move('preparing');
    expect(back.body.code).toBe('STAGE_BACK_NEEDS_REASON');
    expect((await move('preparing', { reason: '施工许可被撤回' })).status).toBe(200);
    const future = await move('building', { occurredOn: '2099-01-01' });
    expect(future.body.code).toBe('STAGE_DATE_INVALID');
    const none = await move('preparing');
    expect(none.body.code).toBe('STAGE_UNCHANGED');

    const timeline = await ctx.request('GET', `/api/projects/${p.id}/stages`, { as: viewer });
    expect(timeline.body.map((e: { toStage: string }) => e.toStage)).toEqual([
      'planned',
      'signed',
      'preparing',
      'building',
      'preparing',
    ]);
    expect(timeline.body[4]).toMatchObject({ fromStage: 'building', reason: '施工许可被撤回' });
    expect(timeline.body[1].actorName).toContain('jk_admin');
  });

  it('a stale stage change is refused', async () => {
    const p = (await create(jk, projectBody('过期版本项目'))).body;
    await ctx.request('PATCH', `/api/projects/${p.id}`, {
      as: jk,
      body: { content: '改过', version: p.version },
    });
    const res = await ctx.request('POST', `/api/projects/${p.id}/stage`, {
      as: jk,
      body: { to: 'signed', occurredOn: today, evidence: '合同', version: p.version },
    });
    expect(res.status).toBe(409);
  });
});
