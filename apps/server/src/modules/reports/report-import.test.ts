import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthOf } from '@xiangmu/contracts';
import { createTestContext, type Session, type TestContext } from '../../test/harness';
import { uploadAndMap, xlsx } from '../../test/ledgers';
import { projectBody } from '../../test/route-specs';
import { parseMonth } from './report.import';

let ctx: TestContext;
let city: Session;
let jk: Session;
const cur = monthOf(new Date());

beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'city1', role: 'city_admin', region: '410100' });
  await ctx.createUser({ username: 'jk_admin', role: 'district_admin', region: '410171' });
  city = await ctx.sessionFor('city1');
  jk = await ctx.sessionFor('jk_admin');
  for (const [name, stage, region] of [
    ['一汽解放新能源商用车郑州基地', 'building', '410171'],
    ['中欧班列(郑州)智慧物流甩挂中心', 'building', '410171'],
    ['瞪羚产业园二期', 'preparing', '410171'],
    ['盒子智行科技新能源整车项目', 'signed', '410171'],
    ['同名项目', 'building', '410171'],
    ['同名项目', 'building', '410105'],
  ] as const) {
    const res = await ctx.request('POST', '/api/projects', {
      as: city,
      body: { ...projectBody(name), regionCode: region, totalInvestment: '400000', stage },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
});
afterAll(() => ctx?.close());

/** upload, then the proposed mapping with the month chosen in the wizard (`&month=…`) */
async function upload(file: Buffer, query = '', as = jk) {
  const month = /month=([\d-]+)/.exec(query)?.[1];
  return uploadAndMap(ctx, as, '/api/reports/imports', file, {
    filename: 't.xlsx',
    mapping: { columns: [], ...(month ? { month } : {}) },
  });
}
/** upload only: the import waiting for its mapping */
async function uploadOnly(file: Buffer) {
  const res = await ctx.request('POST', '/api/reports/imports?filename=t.xlsx', {
    as: jk,
    upload: file,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}
const apply = (id: number, as = jk) =>
  ctx.request('POST', `/api/reports/imports/${id}/apply`, { as });
const reportOf = (name: string, month: string) =>
  ctx.db
    .selectFrom('monthly_reports')
    .innerJoin('projects', 'projects.id', 'monthly_reports.project_id')
    .select([
      'monthly_reports.invested',
      'monthly_reports.progress',
      'monthly_reports.problems',
      'monthly_reports.source',
      'monthly_reports.late',
      'monthly_reports.version',
    ])
    .where('projects.name', '=', name)
    .where('monthly_reports.month', '=', month)
    .execute();

describe('reading report ledgers as districts keep them', () => {
  it('title rows, a 单位 line, a merged "投资完成情况（万元）" heading, a 合计 row; the month chosen at upload', async () => {
    const file = await xlsx(
      [
        ['郑州经济技术开发区重点项目月度调度表'],
        ['填报单位：经开区项目办', null, null, null, null, null, null, '单位：万元'],
        ['序号', '项目名称', '投资完成情况', null, null, null, '形象进度', '存在问题'],
        [null, null, '年度计划投资', '本月完成投资', '1-10月累计完成投资', '完成率', null, null],
        [
          1,
          '一汽解放新能源商用车郑州基地',
          120000,
          '12,500.5',
          98000,
          '81.7%',
          '主体完工',
          '电力增容',
        ],
        [2, '中欧班列(郑州)智慧物流甩挂中心', 50000, 3000, 20000, '40%', '钢结构吊装', null],
        [3, '瞪羚产业园二期', 30000, 800.126, 800, '2.7%', '土地平整', null],
        [null, null, null, null, null, null, null, null],
        ['合计', null, 200000, 16300.626, 118800, null, null, null],
      ],
      ['A1:H1', 'A3:A4', 'B3:B4', 'C3:F3', 'G3:G4', 'H3:H4'],
    );
    const imp = await upload(file, `&month=${cur}`);
    expect(imp.failure).toBeNull();
    expect(imp.errors).toEqual([]);
    expect([imp.status, imp.totalRows, imp.createRows, imp.rejectedRows]).toEqual([
      'validated',
      3,
      3,
      0,
    ]);
    expect(await reportOf('一汽解放新能源商用车郑州基地', cur)).toEqual([]); // nothing before apply
    const done = await apply(imp.id);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.status).toBe('applied');
    expect(await reportOf('一汽解放新能源商用车郑州基地', cur)).toEqual([
      {
        invested: '12500.50',
        progress: '主体完工',
        problems: '电力增容',
        source: 'import',
        late: false,
        version: 1,
      },
    ]);
    expect((await reportOf('瞪羚产业园二期', cur))[0]!.invested).toBe('800.13'); // half-up
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('entity_type', '=', 'report_import')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'report.import_uploaded',
      'report.import_mapped',
      'report.imported',
    ]);
    expect(audit[2]!.after).toMatchObject({ created: 3, updated: 0, rejected: 0 });
    // and each report its own row, naming it
    const perReport = await ctx.db
      .selectFrom('audit_log')
      .innerJoin('monthly_reports as m', (j) =>
        j.on(sql`m.id::text`, '=', sql.ref('audit_log.entity_id')),
      )
      .select(['audit_log.action', 'audit_log.before', 'audit_log.after', 'm.project_id'])
      .where('audit_log.entity_type', '=', 'monthly_report')
      .where('m.month', '=', cur)
      .execute();
    expect(perReport).toHaveLength(3);
    expect(perReport.every((a) => a.action === 'report.submitted' && a.before === null)).toBe(true);
    expect(perReport.map((a) => (a.after as { invested: string }).invested).sort()).toEqual(
      ['12500.50', '3000.00', '800.13'].sort(),
    );
    // a second upload of the same month changes what differs and leaves the rest
    const again = await upload(
      await xlsx([
        ['项目名称', '月份', '本月完成投资（亿元）', '形象进度', '存在问题'],
        ['一汽解放新能源商用车郑州基地', cur, 1.25005, '主体完工', '电力增容'],
        ['中欧班列(郑州)智慧物流甩挂中心', cur, 0.31, '钢结构吊装完成', ''],
      ]),
    );
    expect([again.createRows, again.updateRows, again.unchangedRows]).toEqual([0, 1, 1]);
    expect((await apply(again.id)).status).toBe(200);
    expect(await reportOf('中欧班列(郑州)智慧物流甩挂中心', cur)).toMatchObject([
      { invested: '3100.00', progress: '钢结构吊装完成', version: 2 },
    ]);
    // the changed report: its own audit row, before → after; the unchanged one: none
    const changes = await ctx.db
      .selectFrom('audit_log')
      .select(['entity_id', 'before', 'after'])
      .where('action', '=', 'report.updated')
      .execute();
    expect(changes).toHaveLength(1);
    expect(changes[0]!.before).toMatchObject({ invested: '3000.00', month: cur });
    expect(changes[0]!.after).toMatchObject({
      invested: '3100.00',
      progress: '钢结构吊装完成',
      source: expect.stringContaining('批量导入'),
    });
  });

  it('says per row and column why a row is refused, in Chinese, and imports the valid ones', async () => {
    const file = await xlsx([
      ['项目名称', '所属区域', '月份', '本月完成投资（万元）', '形象进度', '存在问题'],
      ['不存在的项目', null, '2025-03', 10, '施工', null], // 2
      ['盒子智行科技新能源整车项目', null, '2025-03', 10, '施工', null], // 3: signed
      ['一汽解放新能源商用车郑州基地', null, '2025-03', '十万', '施工', null], // 4
      ['一汽解放新能源商用车郑州基地', null, '2025-03', 10, null, null], // 5
      ['一汽解放新能源商用车郑州基地', null, 2026.1, 10, '施工', null], // 6
      ['一汽解放新能源商用车郑州基地', null, '2099-01', 10, '施工', null], // 7
      ['同名项目', null, '2025-03', 10, '施工', null], // 8: other district's same name is out of scope
      ['一汽解放新能源商用车郑州基地', null, '2025年3月', 10, '<script>', null], // 9
      ['一汽解放新能源商用车郑州基地', null, new Date(Date.UTC(2025, 2, 1)), 10, '施工', null], // 10
      ['一汽解放新能源商用车郑州基地', null, '2025.03', 20, '施工', null], // 11: duplicate
      ['一汽解放新能源商用车郑州基地', '金水区', '2025-04', 20, '施工', null], // 12
      ['中欧班列(郑州)智慧物流甩挂中心', null, '2025-03', 500000, '施工', null], // 13
    ]);
    const imp = await upload(file);
    expect([imp.totalRows, imp.createRows, imp.rejectedRows]).toEqual([12, 2, 10]);
    const by = (row: number) =>
      imp.errors
        .filter((e: { row: number }) => e.row === row)
        .map((e: { field: string; message: string }) => `${e.field}：${e.message}`);
    expect(by(2)[0]).toContain('找不到项目"不存在的项目"');
    expect(by(3)[0]).toMatch(/^项目名称：项目处于"签约"阶段/);
    expect(by(4)).toEqual(['本月完成投资："十万"不是有效的金额']);
    expect(by(5)).toEqual(['形象进度：请填写形象进度']);
    expect(by(6)[0]).toContain('无法区分1月还是10月');
    expect(by(7)[0]).toMatch(/^月份：2099-01尚未到来/);
    expect(by(9)).toEqual(['形象进度：不能包含尖括号 < >']);
    expect(by(11)[0]).toContain('同一项目同一月份只能有一行');
    expect(by(12)[0]).toContain('"金水区"没有名为');
    expect(by(13)[0]).toContain('超过项目总投资');
    // 同名项目: only 经开区's is in scope, so the name is enough
    expect(by(8)).toEqual([]);
    expect(by(10)).toEqual([]);
    expect((await apply(imp.id)).status).toBe(200);
    expect((await reportOf('一汽解放新能源商用车郑州基地', '2025-03'))[0]).toMatchObject({
      invested: '10.00',
      late: true, // reported long after the 5th of April 2025
    });
  });

  it('same names in two districts need 所属区域 for the city', async () => {
    const imp = await upload(
      await xlsx([
        ['项目名称', '所属区域', '本月完成投资', '形象进度'],
        ['同名项目', null, 1, '施工'],
        ['同名项目', '金水区', 2, '施工'],
      ]),
      `&month=${cur}`,
      city,
    );
    expect(imp.errors).toEqual([
      { row: 2, field: '所属区域', message: '多个区域有名为"同名项目"的项目，请填写所属区域' },
    ]);
    expect(imp.createRows).toBe(1);
  });

  it('a file without a header, without required columns, or without a month fails as a whole', async () => {
    const noHeader = await upload(await xlsx([['随便写点什么'], ['abc']]), `&month=${cur}`);
    expect([noHeader.status, noHeader.failure]).toEqual([
      'failed',
      '未找到表头：前15行中没有"项目名称"列',
    ]);
    // the mapping step refuses what cannot be imported, and the import waits for a better one
    const noProgress = await uploadOnly(
      await xlsx([
        ['项目名称', '本月完成投资'],
        ['瞪羚产业园二期', 1],
      ]),
    );
    const refused = await ctx.request('POST', `/api/reports/imports/${noProgress.id}/mapping`, {
      as: jk,
      body: { columns: [], month: cur },
    });
    expect([refused.status, refused.body.code, refused.body.message]).toEqual([
      400,
      'IMPORT_MAPPING_INVALID',
      '列映射有误：必需的列未映射：形象进度',
    ]);
    const noMonth = await uploadOnly(
      await xlsx([
        ['项目名称', '本月完成投资', '形象进度'],
        ['瞪羚产业园二期', 1, '施工'],
      ]),
    );
    const noMonthRes = await ctx.request('POST', `/api/reports/imports/${noMonth.id}/mapping`, {
      as: jk,
      body: { columns: [] },
    });
    expect(noMonthRes.body.message).toBe('文件中没有"月份"列，请选择这些行的月份');
    const still = await ctx.request('GET', `/api/reports/imports/${noMonth.id}`, { as: jk });
    expect(still.body.status).toBe('mapping');
    expect((await apply(noMonth.id)).body.code).toBe('IMPORT_NOT_READY');
  });
});

describe('all or nothing', () => {
  it('a month closed or a report edited meanwhile stops the whole import', async () => {
    const rows = [
      ['项目名称', '月份', '本月完成投资', '形象进度'],
      ['一汽解放新能源商用车郑州基地', '2025-05', 7, '施工'],
      ['中欧班列(郑州)智慧物流甩挂中心', '2025-06', 8, '施工'],
    ];
    const imp = await upload(await xlsx(rows));
    expect(imp.createRows).toBe(2);
    await ctx.request('POST', '/api/reports/closures', {
      as: jk,
      body: { regionCode: '410171', month: '2025-06' },
    });
    const refused = await apply(imp.id);
    expect([refused.status, refused.body.code]).toEqual([409, 'REPORT_MONTH_CLOSED']);
    expect(refused.body.message).toContain('2025-06');
    expect(await reportOf('一汽解放新能源商用车郑州基地', '2025-05')).toEqual([]);
    expect(
      (await ctx.request('GET', `/api/reports/imports/${imp.id}`, { as: jk })).body.status,
    ).toBe('validated');

    // someone reports the same month by hand in between
    const second = await upload(await xlsx(rows.slice(0, 2)));
    const p = await ctx.db
      .selectFrom('projects')
      .select('id')
      .where('name', '=', '一汽解放新能源商用车郑州基地')
      .executeTakeFirstOrThrow();
    await ctx.request('POST', `/api/projects/${p.id}/reports`, {
      as: jk,
      body: { month: '2025-05', invested: '99', progress: '手工填报' },
    });
    const clash = await apply(second.id);
    expect(clash.body.code).toBe('IMPORT_CHANGED_MEANWHILE');
    expect(await reportOf('一汽解放新能源商用车郑州基地', '2025-05')).toMatchObject([
      { invested: '99.00', progress: '手工填报' },
    ]);
    const imports = (await ctx.request('GET', '/api/reports/imports', { as: jk })).body;
    expect(imports.map((i: { id: number }) => i.id)).toContain(second.id);
    // the project imports' list does not show report imports
    const projectImports = (await ctx.request('GET', '/api/projects/imports', { as: jk })).body;
    expect(projectImports.map((i: { id: number }) => i.id)).not.toContain(second.id);
    expect(
      (await ctx.request('GET', `/api/projects/imports/${second.id}`, { as: jk })).body.code,
    ).toBe('IMPORT_NOT_FOUND');
  });
});

describe('the template', () => {
  it('lists the projects still owing the month; filled in, it imports', async () => {
    const month = cur;
    const res = await ctx.request('GET', `/api/reports/import-template?month=${month}`, { as: jk });
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('月度调度导入模板'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.raw as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(String(ws.getCell('A1').value)).toContain('月重点项目月度调度表');
    expect(ws.getRow(3).values).toContain('本月完成投资（万元）*');
    const names: string[] = [];
    ws.eachRow((row, i) => {
      if (i > 3) names.push(String(row.getCell(2).value));
    });
    // under construction since today and not yet reported this month; 瞪羚 (前期) owes nothing
    expect(names).toContain('同名项目');
    expect(names).not.toContain('瞪羚产业园二期');
    expect(names).not.toContain('一汽解放新能源商用车郑州基地'); // reported by the first import
    ws.eachRow((row, i) => {
      if (i > 3) {
        row.getCell(5).value = 66.6;
        row.getCell(6).value = '基础施工';
      }
    });
    const imp = await upload(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(imp.errors).toEqual([]);
    expect(imp.createRows).toBe(names.length);
    expect((await apply(imp.id)).status).toBe(200);
    expect((await reportOf('同名项目', month))[0]!.invested).toBe('66.60');
  });
});

describe('parseMonth', () => {
  it.each([
    ['2026-10', '2026-10'],
    ['2026.10', '2026-10'],
    ['2026年10月', '2026-10'],
    ['2026/3', '2026-03'],
    [202610, '2026-10'],
    [2026.03, '2026-03'],
    ['2026-10-15', '2026-10'],
  ])('%s → %s', (cell, month) => {
    expect(parseMonth(cell)).toEqual({ ok: true, value: month });
  });
  it.each([['2026-13'], [2026.1], ['十月'], ['2026']])('%s is refused', (cell) => {
    expect(parseMonth(cell).ok).toBe(false);
  });
});

describe('the dashboard rollups after these imports', () => {
  it('match a full recomputation (the imports wrote through the triggers)', async () => {
    const { verifyRollups } = await import('../rollups');
    const kept = await ctx.db.selectFrom('rollup_reports').select('region_code').execute();
    expect(kept.length).toBeGreaterThan(0);
    expect(await verifyRollups(ctx.db)).toEqual([]);
  });
});
