import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, hasChinese, type Session, type TestContext } from '../../test/harness';
import { simpleLedger, uploadAndMap, xlsx } from '../../test/ledgers';
import { parseAmount, parseDate } from '../imports';

let ctx: TestContext;
let jk: Session;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'jk_admin', role: 'district_admin', region: '410171' });
  jk = await ctx.sessionFor('jk_admin');
  await ctx.request('POST', '/api/departments', {
    as: jk,
    body: { name: '经开区建设局', regionCode: '410171' },
  });
});
afterAll(() => ctx?.close());

const upload = (file: Buffer, filename = '台账.xlsx') =>
  uploadAndMap(ctx, jk, '/api/projects/imports', file, { filename });

const apply = (id: number) => ctx.request('POST', `/api/projects/imports/${id}/apply`, { as: jk });
const CODE = '91350100M000100Y43';

describe('reading ledgers as districts keep them', () => {
  it('title rows, a merged two-row header with units in 万元, a 合计 row, Chinese dates', async () => {
    const file = await xlsx(
      [
        ['郑州经济技术开发区2023年重点项目台账'],
        ['填报单位：经开区项目办', null, null, null, null, null, null, null, '单位：万元'],
        [
          '序号',
          '项目名称',
          '建设单位',
          '统一社会信用代码',
          '项目阶段',
          '投资情况',
          null,
          '计划工期',
          null,
          '责任单位',
        ],
        [null, null, null, null, null, '总投资', '年度计划投资', '开工时间', '竣工时间', null],
        [
          1,
          '一汽解放新能源商用车郑州基地',
          '一汽解放汽车有限公司',
          CODE,
          '在建',
          400000,
          '120000.5',
          '2023.03',
          '2025年6月',
          '经开区建设局',
        ],
        [
          2,
          '中欧班列(郑州)智慧物流甩挂中心',
          '郑州国际陆港有限公司',
          CODE,
          '签约',
          '150,000',
          50000,
          new Date(Date.UTC(2023, 4, 15)),
          '2024/12/31',
          null,
        ],
        [null, null, null, null, null, null, null, null, null, null],
        ['合计', null, null, null, null, 550000, 170000.5, null, null, null],
      ],
      ['A1:J1', 'A3:A4', 'B3:B4', 'C3:C4', 'D3:D4', 'E3:E4', 'F3:G3', 'H3:I3', 'J3:J4'],
    );
    const imp = await upload(file);
    expect(imp.failure).toBeNull();
    expect(imp.errors).toEqual([]);
    expect([imp.status, imp.totalRows, imp.createRows, imp.rejectedRows]).toEqual([
      'validated',
      2,
      2,
      0,
    ]);
    const done = await apply(imp.id);
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('applied');
    const list = await ctx.request('GET', '/api/projects?sort=totalInvestment&order=desc', {
      as: jk,
    });
    expect(
      list.body.items.map((p: Record<string, unknown>) => [
        p.name,
        p.totalInvestment,
        p.annualPlan,
        p.stage,
        p.plannedStart,
        p.plannedEnd,
        p.departmentName,
      ]),
    ).toEqual([
      [
        '一汽解放新能源商用车郑州基地',
        '400000.00',
        '120000.50',
        'building',
        '2023-03-01',
        '2025-06-01',
        '经开区建设局',
      ],
      [
        '中欧班列(郑州)智慧物流甩挂中心',
        '150000.00',
        '50000.00',
        'signed',
        '2023-05-15',
        '2024-12-31',
        null,
      ],
    ]);
    const timeline = await ctx.request('GET', `/api/projects/${list.body.items[0].id}/stages`, {
      as: jk,
    });
    expect(timeline.body[0].evidence).toContain('批量导入');
  });

  it('reads amounts in 亿元 from the header and converts them exactly', async () => {
    const imp = await upload(
      await xlsx([
        ['项目名称', '建设单位', '统一社会信用代码', '总投资(亿元)', '年度计划投资(亿元)'],
        ['安图生物体外诊断产业园', '安图实业集团股份有限公司', CODE, 39.9, 12.345678],
      ]),
    );
    expect(imp.errors).toEqual([]);
    await apply(imp.id);
    const p = (
      await ctx.request('GET', `/api/projects?q=${encodeURIComponent('安图')}`, { as: jk })
    ).body.items[0];
    expect([p.totalInvestment, p.annualPlan]).toEqual(['399000.00', '123456.78']);
  });

  it('parses the dates and amounts ledgers use', () => {
    expect(parseDate('2023.03')).toEqual({ ok: true, value: '2023-03-01' });
    expect(parseDate('2023年3月')).toEqual({ ok: true, value: '2023-03-01' });
    expect(parseDate('2023年3月15日')).toEqual({ ok: true, value: '2023-03-15' });
    expect(parseDate(2023.12)).toEqual({ ok: true, value: '2023-12-01' });
    expect(parseDate('2023-02-30').ok).toBe(false);
    expect(parseDate('明年').ok).toBe(false);
    expect(parseAmount('1,234.5', 'wan')).toEqual({ ok: true, value: '1234.5' });
    expect(parseAmount(216.8, 'yi')).toEqual({ ok: true, value: '2168000' });
    expect(parseAmount('-3', 'yi').ok).toBe(false);
  });
});

describe('bad rows are listed with their reasons, and nothing is written until all is well', () => {
  it('rejects each bad row with a Chinese reason and applies only the valid ones', async () => {
    const before = await ctx.countRows('projects');
    const imp = await upload(
      await xlsx([
        [
          '项目名称',
          '建设单位',
          '统一社会信用代码',
          '总投资（亿元）',
          '年度计划投资（亿元）',
          '计划开工',
          '计划竣工',
          '所属区域',
        ],
        ['好项目甲', '甲公司', CODE, 10, 2, '2026-01-01', '2027-01-01', '郑州经济技术开发区'],
        ['坏代码项目', '乙公司', '91350100M000100Y44', 10, 2, null, null, null],
        ['负金额项目', '丙公司', CODE, -1, 0, null, null, null],
        ['倒序日期项目', '丁公司', CODE, 10, 2, '2026-05-01', '2026-01-01', null],
        ['越界项目', '戊公司', CODE, 10, 2, null, null, '金水区'],
        ['计划超总投资', '己公司', CODE, 1, 2, null, null, null],
        ['好项目甲', '重复公司', CODE, 10, 2, null, null, null],
        ['<script>alert(1)</script>', '庚公司', CODE, 10, 2, null, null, null],
        ['公式项目', '辛公司', CODE, { formula: 'B2*2', result: 20 }, 2, null, null, null],
        ['好项目乙', '壬公司', CODE, 5, 1, '2026.3', '2026年12月', null],
      ]),
    );
    expect([imp.totalRows, imp.validRows, imp.rejectedRows]).toEqual([10, 2, 8]);
    const byRow = new Map<number, string>(
      imp.errors.map((e: { row: number; field: string; message: string }) => [
        e.row,
        `${e.field}:${e.message}`,
      ]),
    );
    expect(byRow.get(3)).toMatch(/^统一社会信用代码:/);
    expect(byRow.get(4)).toMatch(/^总投资:金额不能为负数/);
    expect(byRow.get(5)).toMatch(/^计划竣工（投产）时间:/);
    expect(byRow.get(6)).toMatch(/^所属区域:.*金水区/);
    expect(byRow.get(7)).toMatch(/^年度计划投资:/);
    expect(byRow.get(8)).toMatch(/^项目名称:.*重名/);
    expect(byRow.get(9)).toMatch(/^项目名称:/);
    expect(byRow.get(10)).toMatch(/^总投资:.*公式/);
    for (const e of imp.errors) expect(hasChinese(e.message)).toBe(true);
    // validating wrote nothing to the project library
    expect(await ctx.countRows('projects')).toBe(before);
    expect((await apply(imp.id)).status).toBe(200);
    expect(await ctx.countRows('projects')).toBe(before + 2);
    // and it cannot be applied twice
    expect((await apply(imp.id)).body.code).toBe('IMPORT_NOT_READY');
  });

  it('a project edited by someone between validation and apply: nothing is written', async () => {
    const one = await upload(await simpleLedger(['并发导入项目']));
    await apply(one.id);
    const p = (
      await ctx.request('GET', `/api/projects?q=${encodeURIComponent('并发导入')}`, { as: jk })
    ).body.items[0];
    const changed = await xlsx([
      [
        '项目名称',
        '建设单位',
        '统一社会信用代码',
        '产业集群',
        '总投资（亿元）',
        '年度计划投资（亿元）',
      ],
      ['并发导入项目', '新建设单位', CODE, '汽车', 12.5, 3],
      ['并发导入新项目', '某公司', CODE, '汽车', 1, 1],
    ]);
    const imp = await upload(changed);
    expect(imp.failure).toBeNull();
    expect(imp.errors).toEqual([]);
    expect([imp.updateRows, imp.createRows]).toEqual([1, 1]);
    await ctx.request('PATCH', `/api/projects/${p.id}`, {
      as: jk,
      body: { content: '他人修改', version: p.version },
    });
    const before = await ctx.countRows('projects');
    const res = await apply(imp.id);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('IMPORT_CHANGED_MEANWHILE');
    expect(await ctx.countRows('projects')).toBe(before);
    expect((await ctx.request('GET', `/api/projects/${p.id}`, { as: jk })).body.ownerName).not.toBe(
      '新建设单位',
    );
  });

  it.each([
    ['a file that is not xlsx', Buffer.from('这不是Excel文件'), /无法读取/],
    ['a sheet without a header', null, /未找到表头/],
  ])('fails %s with a clear message', async (_name, content, message) => {
    const file =
      content === null ? await xlsx([['随便写点什么'], ['没有表头']]) : (content as Buffer);
    const imp = await upload(file);
    expect(imp.status).toBe('failed');
    expect(imp.failure).toMatch(message);
    expect((await apply(imp.id)).body.code).toBe('IMPORT_NOT_READY');
  });

  it('refuses a file over 20 MB while it streams in', async () => {
    const res = await ctx.request('POST', '/api/projects/imports?filename=big.xlsx', {
      as: jk,
      upload: Buffer.alloc(21 * 1024 * 1024, 1),
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('IMPORT_TOO_LARGE');
  });
});

describe('export and re-import', () => {
  it('a ledger exported and imported again changes nothing', async () => {
    const exported = await ctx.request('GET', '/api/projects/export', { as: jk });
    const count = await ctx.countRows('projects');
    const versions = await ctx.db
      .selectFrom('projects')
      .select(['id', 'version'])
      .orderBy('id')
      .execute();
    const imp = await upload(exported.raw, '导出的台账.xlsx');
    expect(imp.failure).toBeNull();
    expect(imp.errors).toEqual([]);
    expect([imp.createRows, imp.updateRows, imp.unchangedRows]).toEqual([0, 0, count]);
    expect((await apply(imp.id)).body.code).toBe('IMPORT_NOTHING_VALID');
    expect(
      await ctx.db.selectFrom('projects').select(['id', 'version']).orderBy('id').execute(),
    ).toEqual(versions);
  });
});

describe('every project an import changes is audited on its own', () => {
  it('a changed owner and investment: one project.updated row, before → after', async () => {
    const first = await upload(await simpleLedger(['审计导入项目甲', '审计导入项目乙']));
    expect((await apply(first.id)).status).toBe(200);
    const idOf = async (name: string) =>
      (
        await ctx.db
          .selectFrom('projects')
          .select(['id'])
          .where('name', '=', name)
          .executeTakeFirstOrThrow()
      ).id;
    const a = { id: await idOf('审计导入项目甲') };
    const b = { id: await idOf('审计导入项目乙') };
    const created = await ctx.db
      .selectFrom('audit_log')
      .select(['entity_id', 'after'])
      .where('action', '=', 'project.created')
      .where('entity_id', 'in', [String(a.id), String(b.id)])
      .execute();
    expect(created).toHaveLength(2);

    const file = await xlsx([
      ['重点项目导入'],
      [
        '项目名称',
        '建设单位',
        '统一社会信用代码',
        '产业集群',
        '总投资（亿元）',
        '年度计划投资（亿元）',
      ],
      ['审计导入项目甲', '郑州新东家有限公司', CODE, '汽车', 20, 3],
      ['审计导入项目乙', '郑州测试科技有限公司', CODE, '汽车', 12.5, 3],
    ]);
    const second = await upload(file);
    expect([second.updateRows, second.unchangedRows]).toEqual([1, 1]);
    expect((await apply(second.id)).status).toBe(200);
    const updated = await ctx.db
      .selectFrom('audit_log')
      .select(['entity_type', 'entity_id', 'before', 'after'])
      .where('action', '=', 'project.updated')
      .where('entity_id', 'in', [String(a.id), String(b.id)])
      .execute();
    expect(updated).toEqual([
      {
        entity_type: 'project',
        entity_id: String(a.id),
        before: expect.objectContaining({
          ownerName: '郑州测试科技有限公司',
          totalInvestment: '125000.00',
        }),
        after: expect.objectContaining({
          ownerName: '郑州新东家有限公司',
          totalInvestment: '200000.00',
          source: '批量导入（台账.xlsx）',
        }),
      },
    ]);
  });
});

describe('the dashboard rollups after these imports', () => {
  it('match a full recomputation (the imports wrote through the triggers)', async () => {
    const { verifyRollups } = await import('../rollups');
    const kept = await ctx.db.selectFrom('rollup_projects').select('region_code').execute();
    expect(kept.length).toBeGreaterThan(0);
    expect(await verifyRollups(ctx.db)).toEqual([]);
  });
});
