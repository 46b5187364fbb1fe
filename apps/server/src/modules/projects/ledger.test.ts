import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Session, type TestContext } from '../../test/harness';
import { projectBody } from '../../test/route-specs';
import { unescapeCellText } from '../../platform/spreadsheets/safe-text';

let ctx: TestContext;
let jk: Session;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'jk_admin', role: 'district_admin', region: '410171' });
  jk = await ctx.sessionFor('jk_admin');
  const rows: Array<[string, string, string, string?]> = [
    ['盒子智行科技新能源整车项目', '850000', '300000'],
    ['海尔压缩机项目', '919000.55', '100000', '=HYPERLINK("http://evil","点我")'],
    ['安图生物体外诊断产业园', '399000', '50000', '+cmd|calc'],
  ];
  for (const [name, total, annual, content] of rows) {
    const res = await ctx.request('POST', '/api/projects', {
      as: jk,
      body: {
        ...projectBody(name),
        totalInvestment: total,
        annualPlan: annual,
        ...(content ? { content } : {}),
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
});
afterAll(() => ctx?.close());

async function download(query = '') {
  const res = await ctx.request('GET', `/api/projects/export${query}`, { as: jk });
  expect(res.status).toBe(200);
  expect(String(res.headers['content-type'])).toContain('spreadsheetml');
  expect(decodeURIComponent(String(res.headers['content-disposition']))).toContain(
    '郑州经济技术开发区重点项目台账',
  );
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.raw as unknown as ArrayBuffer);
  return wb.worksheets[0]!;
}

describe('project ledger export', () => {
  it('is laid out as offices print it: title, two header rows, rows, 合计 in 亿元', async () => {
    const ws = await download('?sort=name&order=asc');
    expect(ws.getCell('A1').value).toBe('郑州经济技术开发区重点项目台账');
    expect(ws.getCell('A1').isMerged).toBe(true);
    expect(String(ws.getCell('A2').value)).toContain('金额单位：亿元');
    expect(ws.getCell('J3').value).toBe('投资情况（亿元）');
    expect(ws.getCell('K3').isMerged).toBe(true); // the group heading spans 总投资 and 年度计划投资
    expect([ws.getCell('J4').value, ws.getCell('K4').value]).toEqual(['总投资', '年度计划投资']);
    expect(ws.getCell('B4').isMerged).toBe(true); // 项目名称 spans both header rows

    const data = [5, 6, 7].map((r) => ws.getRow(r));
    expect(data.map((r) => r.getCell(2).value).sort()).toEqual(
      ['安图生物体外诊断产业园', '海尔压缩机项目', '盒子智行科技新能源整车项目'].sort(),
    );
    const haier = data.find((r) => r.getCell(2).value === '海尔压缩机项目')!;
    expect(haier.getCell(10).value).toBe(91.900055);
    expect(haier.getCell(9).value).toBe('谋划');
    const sum = ws.getRow(8);
    expect(sum.getCell(1).value).toBe('合计');
    expect(sum.getCell(2).value).toBe('共3个项目');
    expect(sum.getCell(10).value).toBe(216.800055); // 85 + 91.900055 + 39.9
    expect(sum.getCell(11).value).toBe(45);
  });

  it('boxes every cell of the table and shows amounts as 0.00##', async () => {
    const ws = await download('?sort=name&order=asc');
    const thin = { style: 'thin' };
    const boxed = { top: thin, left: thin, bottom: thin, right: thin };
    for (const r of [3, 4, 5, 6, 7])
      for (let c = 1; c <= 20; c++) expect(ws.getCell(r, c).border, `${r}/${c}`).toEqual(boxed);
    // the 合计 row is boxed up to its last amount (年度计划投资)
    for (let c = 1; c <= 11; c++) expect(ws.getCell(8, c).border, `8/${c}`).toEqual(boxed);
    for (const r of [5, 6, 7, 8]) {
      expect([ws.getCell(r, 10).numFmt, ws.getCell(r, 11).numFmt]).toEqual(['0.00##', '0.00##']);
      expect(ws.getCell(r, 12).numFmt).toBeUndefined(); // 计划年度 is a plain number
    }
    expect(ws.getCell(5, 15).text).toBe(''); // no 包保领导: an empty cell, still boxed
    expect(ws.getCell(8, 1).font).toMatchObject({ bold: true });
    expect(ws.getCell(5, 1).font?.bold).toBeFalsy();
    expect(ws.getCell(3, 1).fill).toMatchObject({
      pattern: 'solid',
      fgColor: { argb: 'FFE8EEF7' },
    });
    expect(ws.getCell(5, 1).fill).not.toMatchObject({ pattern: 'solid' });
  });

  it('never turns user text into a formula', async () => {
    const ws = await download();
    const contents: ExcelJS.Cell[] = [];
    ws.eachRow((row, i) => {
      if (i > 4) contents.push(row.getCell(19));
    });
    const risky = contents.filter((c) => String(c.value ?? '').length > 0);
    expect(risky).toHaveLength(2);
    for (const cell of risky) {
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(String(cell.value)).toMatch(/^'[=+]/);
      expect(cell.formula).toBeUndefined();
    }
    expect(
      unescapeCellText(String(risky.find((c) => String(c.value).includes('HYPERLINK'))!.value)),
    ).toBe('=HYPERLINK("http://evil","点我")');
  });

  it('applies the list filters', async () => {
    const ws = await download(`?q=${encodeURIComponent('海尔')}`);
    expect(ws.getRow(5).getCell(2).value).toBe('海尔压缩机项目');
    expect(ws.getRow(6).getCell(1).value).toBe('合计');
  });
});

describe('a ledger of several batches', () => {
  it('holds every project once, in id order, and sums them all', async () => {
    // 2 100 projects in 金水区: the export reads them 1 000 at a time
    await ctx.createUser({ username: 'js_admin', role: 'district_admin', region: '410105' });
    const js = await ctx.sessionFor('js_admin');
    await sql`
      insert into projects (name, name_initials, owner_name, owner_credit_code, region_code,
        industry_cluster, level, total_investment, annual_plan, plan_year, stage)
      select '金水批量项目' || g, 'jsplxm' || g, '郑州测试科技有限公司', '91410100MA9GL8K3X1',
        '410105', '汽车', 'district', 10000, 100.5, 2026, 'planned'
      from generate_series(1, 2100) g`.execute(ctx.db);
    const res = await ctx.request('GET', '/api/projects/export', { as: js });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.raw as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const rows = Array.from({ length: 2100 }, (_, i) => ws.getRow(5 + i));
    expect(rows.map((r) => r.getCell(1).value)).toEqual(rows.map((_, i) => i + 1));
    expect(rows.map((r) => r.getCell(2).value)).toEqual(rows.map((_, i) => `金水批量项目${i + 1}`));
    const sum = ws.getRow(5 + 2100);
    expect([sum.getCell(1).value, sum.getCell(2).value]).toEqual(['合计', '共2100个项目']);
    expect([sum.getCell(10).value, sum.getCell(11).value]).toEqual([2100, 21.105]);
  });
});
