import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Project } from '@xiangmu/contracts';
import { loadExcel } from './harness';
import { DESKTOP, choose, expectNoOverflow, selected, shot, useE2e } from './fixtures';

const NAMES = ['导入测试氢能装备产业园', '导入测试冷链物流中心', '导入测试汽车零部件产业园'];
const NEXT_NAMES = ['导入测试二批智能传感器项目', '导入测试二批数据中心'];
/** a 责任单位 the demo data does not have */
const NEW_DEPARTMENT = '经开区重点项目服务中心';
/** the column no synonym knows, mapped by hand to 建设内容 (J = column 10) */
const PROGRESS_COLUMN = 10;

/**
 * A ledger the way a district keeps one: a title naming the year and the
 * "三个一批" campaign, a 金额单位 row, a merged two-row header (投资情况 over
 * 总投资 / 2023年计划投资, no unit in the heading), no 统一社会信用代码
 * column, a 项目类别 column with the three batches, a 责任单位 that is not in
 * the database, a 项目进度 column the synonyms do not know, and a 合计 row.
 */
async function districtLedger(names: string[]): Promise<Buffer> {
  const Excel = await loadExcel();
  const wb = new Excel.Workbook();
  const ws = wb.addWorksheet('三个一批');
  const kinds = ['签约一批', '开工一批', '投产一批'];
  const rows: unknown[][] = [
    ['郑州经济技术开发区2023年“三个一批”项目台账（截至2023年12月底）'],
    ['金额单位：亿元'],
    [
      '序号',
      '项目名称',
      '项目类别',
      '建设单位',
      '投资情况',
      null,
      '计划开工',
      '责任单位',
      '包保领导',
      '项目进度',
    ],
    [null, null, null, null, '总投资', '2023年计划投资', null, null, null, null],
    ...names.map((name, i) => [
      i + 1,
      name,
      kinds[i % 3],
      `郑州导入测试${i + 1}号有限公司`,
      [18.6, 13.5, 8.8][i % 3],
      [4.2, 3.2, 2.2][i % 3],
      `2023.0${i + 3}`,
      i === 2 ? '经开区建设局' : NEW_DEPARTMENT,
      '张明远',
      `进度说明${i + 1}：主体结构施工`,
    ]),
    ['合计', null, null, null, null, null, null, null, null, null],
  ];
  for (const r of rows) ws.addRow(r);
  for (const m of ['A1:J1', 'A2:J2', 'A3:A4', 'B3:B4', 'C3:C4', 'D3:D4', 'E3:F3']) ws.mergeCells(m);
  for (const m of ['G3:G4', 'H3:H4', 'I3:I4', 'J3:J4']) ws.mergeCells(m);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Maps a column of the file to `field` in the mapping step, typing to filter the long list. */
const mapTo = (page: Page, select: Locator, field: string) =>
  choose(page, select, field, field.slice(0, 4));

const count = async (page: Page, key: string) =>
  (
    (await page
      .getByTestId(`import-count-${key}`)
      .locator('.ant-statistic-content')
      .textContent()) ?? ''
  ).trim();

// A server of its own: the import adds projects and a 责任单位, and remembers its mapping.
describe('项目导入', () => {
  const e2e = useE2e();
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'xiangmu-import-'));
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('区县管理员上传区县台账：核对列映射、预览、确认导入，再次上传沿用上次的映射', async () => {
    const file = join(dir, '经开区2023年三个一批台账.xlsx');
    writeFileSync(file, await districtLedger(NAMES));
    const next = join(dir, '经开区三个一批台账（续）.xlsx');
    writeFileSync(next, await districtLedger(NEXT_NAMES));
    const wrong = join(dir, '台账.xls');
    writeFileSync(wrong, 'not a workbook');

    const { page, errors } = await e2e.open(
      'jk_admin',
      { ...DESKTOP, acceptDownloads: true },
      '/projects',
    );
    const apiGet = async <T>(path: string): Promise<T> => {
      const res = await page.request.get(e2e.url(path));
      expect(res.status()).toBe(200);
      return (await res.json()) as T;
    };
    await page.getByTestId('project-import').click();
    await page.waitForURL('**/projects/import');
    await page.getByText('下载导入模板').waitFor();

    // the template downloads as an .xlsx
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('import-template').click(),
    ]);
    expect(download.suggestedFilename()).toBe('重点项目导入模板.xlsx');
    await shot(page, 'import-01-upload');

    const input = page.locator('[data-testid="import-dragger"] input[type="file"]');
    // other formats are refused before anything is sent
    await input.setInputFiles(wrong);
    await page.getByText('仅支持 Excel 2007 及以上格式（.xlsx）').waitFor();
    expect(page.url()).toMatch(/\/projects\/import$/);

    // ------------------------------------------------------------ 列映射
    await input.setInputFiles(file);
    await page.waitForURL(/\/projects\/import\/\d+$/);
    const mapping = page.getByTestId('import-mapping');
    await mapping.waitFor();
    expect(await page.getByTestId('import-mapping-remembered').count()).toBe(0);
    // every column of the file is listed, the unknown ones as 不导入
    const rows = mapping.locator('[data-testid^="import-mapping-row-"]');
    expect(await rows.count()).toBe(10);
    const field = (index: number) => page.getByTestId(`import-field-${index}`);
    expect(await selected(field(1))).toBe('不导入'); // 序号
    expect(await selected(field(2))).toContain('项目名称');
    expect(await selected(field(3))).toContain('项目类别');
    expect(await selected(field(5))).toContain('总投资');
    expect(await selected(field(6))).toContain('年度计划投资');
    expect(await selected(field(8))).toContain('责任单位');
    expect(await selected(field(PROGRESS_COLUMN))).toBe('不导入');
    const progressRow = page.getByTestId(`import-mapping-row-${PROGRESS_COLUMN}`);
    expect(await progressRow.textContent()).toContain('项目进度');
    expect(await progressRow.textContent()).toContain('进度说明1：主体结构施工');
    expect(await page.getByTestId('import-mapping-row-5').textContent()).toContain(
      '投资情况 / 总投资',
    );
    // what the title rows say: 亿元 and the plan year
    expect(await mapping.textContent()).toContain('金额单位：亿元');
    expect(
      await page
        .getByTestId('import-unit')
        .locator('.ant-radio-button-wrapper-checked')
        .textContent(),
    ).toBe('亿元');
    expect(await mapping.getByLabel('计划年度').inputValue()).toBe('2023');
    await page.getByTestId('import-campaign').waitFor(); // 项目类别 is mapped
    expect(await mapping.textContent()).not.toContain('以下必填字段还没有对应的列');

    // a required field left out blocks the next step, with the reason
    const nextStep = page.getByTestId('import-mapping-next');
    await mapTo(page, field(2), '不导入');
    await page.getByTestId('import-mapping-missing').getByText('项目名称').waitFor();
    expect(await nextStep.isDisabled()).toBe(true);
    await mapTo(page, field(2), '项目名称');
    await page.getByTestId('import-mapping-missing').waitFor({ state: 'detached' });

    // by hand: 项目进度 → 建设内容及规模
    await mapTo(page, field(PROGRESS_COLUMN), '建设内容及规模');
    expect(await selected(field(PROGRESS_COLUMN))).toBe('建设内容及规模');
    await shot(page, 'import-02-mapping');
    expect(await nextStep.isEnabled()).toBe(true);
    await nextStep.click();

    // ------------------------------------------------------------ 校验预览
    const validated = page.getByTestId('import-validated');
    await validated.waitFor({ timeout: 30_000 });
    expect(await count(page, 'create')).toBe('3个');
    expect(await count(page, 'update')).toBe('0个');
    expect(await count(page, 'rejected')).toBe('0行');
    expect(await validated.textContent()).toContain('尚未写入任何数据');
    const newDepartments = page.getByTestId('import-new-departments');
    expect(await newDepartments.textContent()).toContain(NEW_DEPARTMENT);
    expect(await newDepartments.textContent()).toContain('将新建');
    expect(await newDepartments.textContent()).not.toContain('经开区建设局');
    await page.getByTestId(`import-new-department-${NEW_DEPARTMENT}`).waitFor();
    expect(await page.getByTestId('import-missing-credit').textContent()).toContain(
      '3 个项目缺少统一社会信用代码，将标记为「待补充」',
    );
    expect(await page.getByTestId('import-stages').textContent()).toContain('在建 1 个');
    const apply = page.getByTestId('import-apply');
    expect(((await apply.textContent()) ?? '').replace(/\s/g, '')).toBe('确认导入（3行）');
    await shot(page, 'import-03-preview');

    // back to the mapping: it shows what was confirmed; confirming checks the file again
    await page.getByTestId('import-back-to-mapping').click();
    await mapping.waitFor();
    expect(await selected(field(PROGRESS_COLUMN))).toBe('建设内容及规模');
    await nextStep.click();
    await validated.waitFor({ timeout: 30_000 });
    expect(await count(page, 'create')).toBe('3个');

    // ------------------------------------------------------------ 导入
    await apply.click();
    const done = page.getByTestId('import-applied');
    await done.waitFor({ timeout: 30_000 });
    expect(await done.textContent()).toContain('新增 3 个项目');
    const recent = page.getByTestId('import-recent');
    await recent.getByText('已导入').waitFor();
    expect(await recent.textContent()).toContain('经开区2023年三个一批台账.xlsx');

    // what was written, through the API: 开工一批 → 在建, the hand-mapped column as 建设内容
    const list = await apiGet<{ items: Project[] }>(
      `/api/projects?page=1&pageSize=20&q=${encodeURIComponent('导入测试')}`,
    );
    const byName = new Map(list.items.map((p) => [p.name, p]));
    expect([...byName.keys()].sort()).toEqual([...NAMES].sort());
    expect(byName.get(NAMES[0]!)!.stage).toBe('signed');
    expect(byName.get(NAMES[1]!)!.stage).toBe('building');
    expect(byName.get(NAMES[2]!)!.stage).toBe('operating');
    expect(byName.get(NAMES[1]!)!.content).toBe('进度说明2：主体结构施工');
    expect(byName.get(NAMES[1]!)!.ownerCreditCode).toBeNull();
    expect(byName.get(NAMES[1]!)!.planYear).toBe(2023);
    expect(Number(byName.get(NAMES[0]!)!.totalInvestment)).toBe(186_000); // 18.6 亿元 in 万元
    // the new 责任单位 was created on apply
    expect(byName.get(NAMES[0]!)!.departmentName).toBe(NEW_DEPARTMENT);
    expect(byName.get(NAMES[2]!)!.departmentName).toBe('经开区建设局');

    // back in 项目库: the imported project is there
    await done.getByRole('button', { name: '返回项目库' }).click();
    await page.waitForURL('**/projects');
    await page.getByLabel('搜索项目').fill('氢能装备');
    await page.getByTestId('project-link').filter({ hasText: NAMES[0] }).waitFor();

    // ------------------------------------------------------------ again, same header
    await page.goto(e2e.url('/projects/import'));
    await input.setInputFiles(next);
    await page.waitForURL(/\/projects\/import\/\d+$/);
    await page.getByTestId('import-mapping-remembered').waitFor();
    expect(await selected(field(PROGRESS_COLUMN))).toBe('建设内容及规模');
    expect(await selected(field(1))).toBe('不导入');

    // a phone: the wizard stacks and only the table scrolls sideways
    await page.setViewportSize({ width: 390, height: 844 });
    await mapping.waitFor();
    await expectNoOverflow(page);
    await shot(page, 'import-04-phone-mapping');

    expect(errors).toEqual([]);
  });
});
