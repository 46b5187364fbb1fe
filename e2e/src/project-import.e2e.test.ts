import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { isValidCreditCode } from '@xiangmu/contracts';
import {
  DEMO_PASSWORD,
  REPO_ROOT,
  launchBrowser,
  login,
  pageOverflow,
  requireWebBuild,
  screenshot,
  startServer,
  watchErrors,
  type RunningServer,
} from './harness';

const contextOptions = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' } as const;

const CODE = '91350100M000100Y43';
const BAD_CODE = CODE.slice(0, 17) + (CODE.endsWith('3') ? '4' : '3');
const NAMES = ['导入测试氢能装备产业园', '导入测试冷链物流中心', '导入测试校验码错误项目'];

/** exceljs is a dependency of the server; load it from there (as bench/ does). */
async function loadExcel(): Promise<typeof ExcelJS> {
  const req = createRequire(join(REPO_ROOT, 'apps/server/package.json'));
  const mod = (await import(pathToFileURL(req.resolve('exceljs')).href)) as {
    default: typeof ExcelJS;
  };
  return mod.default;
}

/**
 * A ledger the way a district keeps one: a title row, a two-row header with a
 * merged "投资情况（亿元）" group, three projects (the third with a wrong check
 * character in its credit code, Excel row 6) and a 合计 row.
 */
async function districtLedger(): Promise<Buffer> {
  const Excel = await loadExcel();
  const wb = new Excel.Workbook();
  const ws = wb.addWorksheet('重点项目');
  const rows: unknown[][] = [
    ['郑州经济技术开发区2026年重点项目台账'],
    ['序号', '项目名称', '建设单位', '统一社会信用代码', '投资情况（亿元）', null, '计划开工'],
    [null, null, null, null, '总投资', '年度计划投资', null],
    [1, NAMES[0], '郑州氢能装备有限公司', CODE, 18.6, 4.2, '2026.03'],
    [2, NAMES[1], '郑州国际冷链有限公司', CODE, 7.5, 2, '2026年5月'],
    [3, NAMES[2], '郑州测试科技有限公司', BAD_CODE, 3, 1, '2026.06'],
    ['合计', null, null, null, 29.1, 7.2, null],
  ];
  for (const r of rows) ws.addRow(r);
  for (const m of ['A1:G1', 'A2:A3', 'B2:B3', 'C2:C3', 'D2:D3', 'E2:F2', 'G2:G3']) ws.mergeCells(m);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
}

describe('项目导入', () => {
  let server: RunningServer;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    requireWebBuild();
    expect(isValidCreditCode(CODE)).toBe(true);
    expect(isValidCreditCode(BAD_CODE)).toBe(false);
    dir = mkdtempSync(join(tmpdir(), 'xiangmu-import-'));
    server = await startServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('区县管理员上传区县台账，查看校验结果并确认导入', async () => {
    const file = join(dir, '经开区重点项目台账.xlsx');
    writeFileSync(file, await districtLedger());
    const wrong = join(dir, '台账.xls');
    writeFileSync(wrong, 'not a workbook');

    const context = await browser.newContext({
      ...contextOptions,
      viewport: { width: 1440, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const errors = watchErrors(page);
    try {
      await login(page, server.url, 'jk_admin', DEMO_PASSWORD);
      await page.waitForURL(`${server.url}/`);
      await page.goto(`${server.url}/projects`);
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

      await input.setInputFiles(file);
      await page.waitForURL(/\/projects\/import\/\d+$/);
      const validated = page.getByTestId('import-validated');
      await validated.waitFor({ timeout: 30_000 });

      const count = async (key: string) =>
        (
          (await page
            .getByTestId(`import-count-${key}`)
            .locator('.ant-statistic-content')
            .textContent()) ?? ''
        ).trim();
      expect(await count('create')).toBe('2个');
      expect(await count('update')).toBe('0个');
      expect(await count('rejected')).toBe('1行');
      expect(await page.getByTestId('import-count-create').textContent()).toContain('新增');

      const rejected = page.getByTestId('import-errors').locator('tbody tr.ant-table-row');
      expect(await rejected.count()).toBe(1);
      const cells = rejected.first().locator('td');
      expect(((await cells.nth(0).textContent()) ?? '').trim()).toBe('6');
      expect(await rejected.first().textContent()).toContain('统一社会信用代码');
      expect(await validated.textContent()).toContain('尚未写入任何数据');
      const apply = page.getByTestId('import-apply');
      expect(((await apply.textContent()) ?? '').replace(/\s/g, '')).toBe('确认导入（2行）');
      await shot(page, 'import-02-validated');

      await apply.click();
      const done = page.getByTestId('import-applied');
      await done.waitFor();
      expect(await done.textContent()).toContain('新增 2 个项目');
      const recent = page.getByTestId('import-recent');
      await recent.getByText('已导入').waitFor();
      expect(await recent.textContent()).toContain('经开区重点项目台账.xlsx');
      await shot(page, 'import-03-applied');

      // back in 项目库: the imported project is there
      await done.getByRole('button', { name: '返回项目库' }).click();
      await page.waitForURL('**/projects');
      await page.getByLabel('搜索项目').fill('氢能装备');
      const link = page.getByTestId('project-link').filter({ hasText: NAMES[0] });
      await link.waitFor();
      expect(await page.getByTestId('project-link').filter({ hasText: NAMES[2] }).count()).toBe(0);

      // a phone: everything stacks and nothing overflows
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(page.url().replace(/\/projects.*$/, '/projects/import'));
      await recent.getByText('经开区重点项目台账.xlsx').waitFor();
      const overflow = await pageOverflow(page);
      expect(overflow.document).toBeLessThanOrEqual(overflow.viewport);
      await shot(page, 'import-04-phone');

      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
