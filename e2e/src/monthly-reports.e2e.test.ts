import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { creditCodeCheckChar, monthOf } from '@xiangmu/contracts';
import { loadExcel, pageOverflow, screenshot, sitePhoto, watchErrors } from './harness';
import {
  DESKTOP,
  PHONE,
  apiWrite,
  button,
  choose,
  closed,
  expectNoOverflow,
  openMenu,
  shot,
  useE2e,
} from './fixtures';

/** The month being reported now (Beijing): last month; and this month. */
const THIS_MONTH = monthOf(new Date());
const LAST_MONTH = (() => {
  const [y, m] = THIS_MONTH.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
})();
const label = (month: string) => `${Number(month.slice(0, 4))}年${Number(month.slice(5))}月`;
const PLAN_YEAR = Number(LAST_MONTH.slice(0, 4));

/** One step of the ticket loop from the ticket page: its button, its form, OK. */
async function ticketStep(page: Page, step: string, fill?: (form: Locator) => Promise<unknown>) {
  await page.bringToFront();
  await page.getByTestId(`ticket-action-${step}`).click();
  const form = page.getByTestId(`ticket-action-form-${step}`);
  await form.waitFor();
  if (fill) await fill(form);
  await page.getByTestId('ticket-action-ok').click();
  await closed(page, form, 'detached');
}

/** Two projects of 经开区 under construction, made for this test (plan 5 000 万元 each). */
const PROJECT_A = '调度测试新能源装备产业园';
const PROJECT_B = '调度测试导入物流中心';
const CREDIT_FIRST17 = '91410100MA9XKW77B';
const CREDIT_CODE = CREDIT_FIRST17 + creditCodeCheckChar(CREDIT_FIRST17)!;

/**
 * A district's monthly ledger: a title row, a unit note, a two-row header
 * with a merged "投资完成情况（万元）" group, no 月份 column (the month is
 * chosen at upload), one good row (Excel row 5) and one naming a project that
 * does not exist (row 6), then 合计.
 */
async function monthlyLedger(): Promise<Buffer> {
  const Excel = await loadExcel();
  const wb = new Excel.Workbook();
  const ws = wb.addWorksheet('月度调度');
  const rows: unknown[][] = [
    [`经开区重点项目${label(LAST_MONTH)}调度表`],
    ['序号', '项目名称', '投资完成情况（万元）', null, '形象进度', '存在问题'],
    [null, null, '本月完成投资', '年度计划投资', null, null],
    [1, PROJECT_B, 860.25, 5000, '仓储区钢结构安装完成', ''],
    [2, '不存在的调度测试项目', 100, 800, '基础施工', ''],
    ['合计', null, 960.25, 5800, null, null],
  ];
  ws.addRow(rows[0]!);
  ws.addRow(['单位：万元']);
  for (const r of rows.slice(1)) ws.addRow(r);
  for (const m of ['A1:F1', 'A3:A4', 'B3:B4', 'C3:D3', 'E3:E4', 'F3:F4']) ws.mergeCells(m);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Creates a project under construction through the API, as the signed-in admin. */
async function createBuildingProject(page: Page, name: string): Promise<number> {
  const res = await apiWrite<{ id: number }>(page, 'POST', '/api/projects', {
    name,
    ownerName: '郑州调度测试有限公司',
    ownerCreditCode: CREDIT_CODE,
    regionCode: '410171',
    industryCluster: '装备制造',
    level: 'district',
    totalInvestment: '30000',
    annualPlan: '5000',
    planYear: PLAN_YEAR,
    stage: 'building',
  });
  if (res.status !== 200)
    throw new Error(`创建项目失败：${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** The year shown in the project's 月度调度 section: the one of `month`. */
async function showYearOf(page: Page, month: string) {
  const year = month.slice(0, 4);
  const select = page.getByTestId('reports-year');
  if (!((await select.textContent()) ?? '').includes(year))
    await choose(page, select.locator('input'), `${year}年`);
}

// A server of its own: the test closes last month of 经开区 and counts the month's reports.
describe('月度调度、问题台账与导入', () => {
  const e2e = useE2e();
  let dir: string;
  let projectA: number;
  let projectB: number;
  const photo = () => join(dir, '现场照片.png');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xiangmu-reports-'));
    writeFileSync(photo(), sitePhoto());
    writeFileSync(join(dir, `经开区${LAST_MONTH}调度.xlsx`), await monthlyLedger());
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('区县管理员填报本月（附照片）、提出问题并销号、导入调度台账、关闭月份后修改被拒', async () => {
    const { page, context, errors } = await e2e.open('jk_admin', {
      ...DESKTOP,
      acceptDownloads: true,
    });
    try {
      projectA = await createBuildingProject(page, PROJECT_A);
      projectB = await createBuildingProject(page, PROJECT_B);

      // ---------------------------------------------------------------- 填报本月
      await page.goto(e2e.url(`/projects/${projectA}`));
      const section = page.getByTestId('reports-section');
      await section.waitFor();
      await showYearOf(page, LAST_MONTH);
      await page.getByTestId('report-fill').click();
      const form = page.getByRole('dialog', { name: '填报月度调度' });
      await form.waitFor();
      // the month being collected is offered first
      expect(await form.getByTestId('report-month').textContent()).toContain(label(LAST_MONTH));
      // nothing filled in: the required fields say so
      await button(form, '提交').click();
      await form.getByText('请填写本月完成投资').waitFor();
      await form.getByText('请填写形象进度').waitFor();
      await form.getByLabel('本月完成投资（万元）').fill('12.345');
      await form.getByText('万元金额最多2位小数').waitFor();
      await form.getByLabel('本月完成投资（万元）').fill('1250.5');
      await form.getByLabel('形象进度').fill('1号厂房主体封顶，2号厂房钢结构吊装完成60%');
      await form.getByLabel('存在问题').fill('施工用电增容待批复');

      // photos: other formats and files over 10 MB are refused before anything is sent
      const input = form.locator('[data-testid="report-photos"] input[type="file"]');
      await input.setInputFiles({
        name: '扫描件.gif',
        mimeType: 'image/gif',
        buffer: Buffer.from('GIF89a'),
      });
      await form.getByText('“扫描件.gif”不是 JPEG、PNG 或 WebP 格式的图片').waitFor();
      await input.setInputFiles({
        name: '原图.jpg',
        mimeType: 'image/jpeg',
        buffer: Buffer.alloc(11 * 1024 * 1024, 1),
      });
      await form.getByText('超过10MB，请压缩后再上传').waitFor();
      expect(await form.getByTestId('photo-item').count()).toBe(0);
      await input.setInputFiles(photo());
      await form.getByTestId('photo-item').waitFor();
      await shot(page, 'reports-01-form', false);
      await button(form, '提交').click();
      await form.waitFor({ state: 'hidden' });

      // listed with the year's completion: 1 250.5 of 5 000 万元 = 25.0 %
      const row = page.locator(`[data-testid="reports-table"] tr[data-month="${LAST_MONTH}"]`);
      await row.waitFor();
      const rowText = (await row.textContent()) ?? '';
      expect(rowText).toContain('1,250.50');
      expect(rowText).toContain('25.0%');
      expect(rowText).toContain('1号厂房主体封顶');
      expect(rowText).toContain('施工用电增容待批复');
      expect(rowText).toContain('经开区项目办 李科长');
      expect(await row.getByTestId('photo-thumb').count()).toBe(1);
      expect(await page.getByTestId('reports-completion').textContent()).toContain('25.0%');
      // reported after the 5th of the next month: 逾期填报, else 已报
      const late =
        new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10) > `${THIS_MONTH}-05`;
      expect(rowText).toContain(late ? '逾期填报' : '已报');
      await section.scrollIntoViewIfNeeded();
      await screenshot(page, 'reports-02-listed', { fullPage: false });
      // the thumbnail opens large
      await row.getByTestId('photo-thumb').click();
      const preview = page.locator('.ant-image-preview-img');
      await preview.waitFor();
      await screenshot(page, 'reports-03-photo-large', { fullPage: false });
      await page.keyboard.press('Escape');
      await preview.waitFor({ state: 'hidden' });

      // ---------------------------------------------------------------- 问题台账
      // a project problem is a ticket (ADR 0015): raised here with its unit,
      // deadline and report, rectified and replied by the unit, 销号 by the office
      const problems = page.getByTestId('problems-section');
      await page.getByTestId('problem-raise').click();
      const raise = page.getByRole('dialog', { name: `提出问题 · ${PROJECT_A}` });
      await raise.waitFor();
      await raise.getByLabel('问题', { exact: true }).fill('施工用电增容未批复');
      await raise.getByLabel('问题描述').fill('二期用电负荷增至8000kVA，增容方案待供电公司批复。');
      await choose(page, raise.getByLabel('责任单位'), '经开区建设局');
      await choose(page, raise.getByLabel('来自月度调度'), `${label(LAST_MONTH)}调度`);
      await shot(page, 'reports-04-problem-raise', false);
      await button(raise, '提出').click();
      await raise.waitFor({ state: 'hidden' });
      const problemRow = problems.locator('tr.ant-table-row', { hasText: '施工用电增容未批复' });
      await problemRow.waitFor();
      expect(await problemRow.textContent()).toContain('经开区建设局');
      expect(await problemRow.textContent()).toContain(`${Number(LAST_MONTH.slice(5))}月调度`);
      expect(await problemRow.getByTestId('problem-status').textContent()).toBe('整改中');
      await problemRow.getByTestId('problem-detail').click();
      await page.waitForURL(/\/tickets\/\d+$/);
      const ticketUrl = page.url();
      await page.getByTestId('ticket-detail-report').waitFor();

      // the unit rectifies and replies; the office sends it back once (不满意)
      const unit = await e2e.open('jk_unit', DESKTOP, new URL(ticketUrl).pathname);
      await ticketStep(unit.page, 'start');
      await ticketStep(unit.page, 'reply', (f) =>
        f.getByTestId('ticket-action-text').fill('已报供电公司，郑电〔2026〕115号待批'),
      );
      await page.reload();
      await ticketStep(page, 'rate', (f) => f.getByTestId('ticket-rate-unsatisfied').click());
      await unit.page.reload();
      await ticketStep(unit.page, 'reply', (f) =>
        f.getByTestId('ticket-action-text').fill('增容线路已接通送电，郑电〔2026〕118号'),
      );
      await unit.context.close();
      // 销号 by the office, every step in the history
      await page.reload();
      await ticketStep(page, 'close');
      await page.getByTestId('ticket-status').filter({ hasText: '已办结' }).waitFor();
      const events = (await page.getByTestId('ticket-events').textContent()) ?? '';
      for (const step of ['登记', '派遣', '开始处置', '反馈', '评价', '办结'])
        expect(events).toContain(step);
      await shot(page, 'reports-05-problem-closed');
      // gone from the project's open problems, 已销号 among all with its evidence
      await page.goto(e2e.url(`/projects/${projectA}`));
      await problems.waitFor();
      await problems.getByTestId('problems-empty').waitFor();
      await problems.getByTestId('problems-show').getByText('全部').click();
      await problemRow.waitFor();
      expect(await problemRow.getByTestId('problem-status').textContent()).toBe('已销号');
      expect(await problemRow.textContent()).toContain('郑电〔2026〕118号');

      // ---------------------------------------------------------------- 导入月度调度
      await openMenu(page, '月度调度', '**/reports');
      await page.getByTestId('reports-summary').waitFor();
      await page.getByTestId('reports-import').click();
      await page.waitForURL(/\/reports\/import\?month=/);
      const [template] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('import-template').click(),
      ]);
      expect(template.suggestedFilename()).toBe(`月度调度导入模板（${LAST_MONTH}）.xlsx`);
      expect(await page.getByLabel('调度月份').inputValue()).toBe(label(LAST_MONTH));
      await page
        .locator('[data-testid="import-dragger"] input[type="file"]')
        .setInputFiles(join(dir, `经开区${LAST_MONTH}调度.xlsx`));
      await page.waitForURL(/\/reports\/import\/\d+/);
      // 列映射: the columns are recognised; the month chosen at upload is the default
      const mapping = page.getByTestId('import-mapping');
      await mapping.waitFor();
      expect(await mapping.getByLabel('调度月份').inputValue()).toBe(label(LAST_MONTH));
      await page.getByTestId('import-mapping-next').click();
      const validated = page.getByTestId('import-validated');
      await validated.waitFor({ timeout: 30_000 });
      const count = async (key: string) =>
        (
          (await page
            .getByTestId(`import-count-${key}`)
            .locator('.ant-statistic-content')
            .textContent()) ?? ''
        ).trim();
      expect(await count('create')).toBe('1份');
      expect(await count('rejected')).toBe('1行');
      const rejected = page.getByTestId('import-errors').locator('tbody tr.ant-table-row');
      expect(await rejected.count()).toBe(1);
      const cells = rejected.first().locator('td');
      expect(((await cells.nth(0).textContent()) ?? '').trim()).toBe('6');
      expect(((await cells.nth(1).textContent()) ?? '').trim()).toBe('项目名称');
      expect(await cells.nth(2).textContent()).toContain('找不到项目"不存在的调度测试项目"');
      expect(await validated.textContent()).toContain('尚未写入任何数据');
      await shot(page, 'reports-06-import-validated');
      await page.getByTestId('import-apply').click();
      const applied = page.getByTestId('import-applied');
      await applied.waitFor();
      expect(await applied.textContent()).toContain('新填报 1 份报告');
      expect(await applied.textContent()).toContain('1 行有问题未导入');

      // the imported report in the month's list
      await page.getByTestId('import-to-reports').click();
      await page.waitForURL(/\/reports\?month=/);
      await page.getByTestId('report-search').locator('input').fill('调度测试');
      await page.getByTestId('report-search').locator('input').press('Enter');
      await page.waitForURL(/[?&]q=/);
      // only the two projects of this test are left
      await page
        .getByTestId('report-filter-all')
        .filter({ hasText: /^全部 2$/ })
        .waitFor();
      const importedRow = page.locator('[data-testid="reports-list-table"] tr.ant-table-row', {
        hasText: PROJECT_B,
      });
      await importedRow.waitFor();
      expect(await importedRow.textContent()).toContain('860.25');
      expect(await importedRow.textContent()).toContain('仓储区钢结构安装完成');
      expect(await importedRow.textContent()).toContain('17.2%'); // 860.25 ÷ 5 000
      const mineRow = page.locator('[data-testid="reports-list-table"] tr.ant-table-row', {
        hasText: PROJECT_A,
      });
      expect(await mineRow.textContent()).toContain('1,250.50');
      // the list sums the month's investment and counts the statuses
      expect(await page.getByTestId('reports-summary').textContent()).toContain('应报');
      await shot(page, 'reports-07-month-list');
      // and on the project's page, marked as imported
      await page.goto(e2e.url(`/projects/${projectB}`));
      await page.getByTestId('reports-section').waitFor();
      await showYearOf(page, LAST_MONTH);
      const importedMonth = page.locator(
        `[data-testid="reports-table"] tr[data-month="${LAST_MONTH}"]`,
      );
      await importedMonth.waitFor();
      expect(await importedMonth.textContent()).toContain('860.25');
      expect(await importedMonth.textContent()).toContain('导入');

      // ---------------------------------------------------------------- 关闭本月
      // ---------------------------------------------------------------- 修改与版本冲突
      // two people edit the same report: the second save meets the first one
      const editor = await context.newPage();
      const editorErrors = watchErrors(editor);
      await editor.goto(e2e.url(`/projects/${projectA}`));
      await editor.getByTestId('reports-section').waitFor();
      await showYearOf(editor, LAST_MONTH);
      const editRow = editor.locator(
        `[data-testid="reports-table"] tr[data-month="${LAST_MONTH}"]`,
      );
      await editRow.getByTestId('report-edit').click();
      const edit = editor.getByRole('dialog', { name: `修改${label(LAST_MONTH)}调度报告` });
      await edit.waitFor();
      await edit.getByLabel('本月完成投资（万元）').fill('1300');

      await page.goto(e2e.url(`/projects/${projectA}`));
      await page.getByTestId('reports-section').waitFor();
      await showYearOf(page, LAST_MONTH);
      await row.getByTestId('report-edit').click();
      const other = page.getByRole('dialog', { name: `修改${label(LAST_MONTH)}调度报告` });
      await other.waitFor();
      await other.getByLabel('形象进度').fill('1号厂房主体封顶，2号厂房钢结构吊装完成80%');
      await button(other, '保存').click();
      await other.waitFor({ state: 'hidden' });
      await row.filter({ hasText: '吊装完成80%' }).waitFor();

      await editor.bringToFront();
      await button(edit, '保存').click();
      const conflict = editor.getByRole('dialog', { name: '报告已被他人修改' });
      await conflict.waitFor();
      const diff = (await conflict.getByTestId('report-conflict-table').textContent()) ?? '';
      expect(diff).toContain('1,300.00万元'); // mine
      expect(diff).toContain('吊装完成80%'); // theirs
      await screenshot(editor, 'reports-08a-conflict', { fullPage: false });
      await conflict.getByTestId('report-conflict-keep-mine').click();
      await conflict.waitFor({ state: 'hidden' });
      // my amount, their progress
      expect(await edit.getByLabel('形象进度').inputValue()).toContain('吊装完成80%');
      expect(await edit.getByLabel('本月完成投资（万元）').inputValue()).toBe('1300');
      await button(edit, '保存').click();
      await edit.waitFor({ state: 'hidden' });
      await editRow.filter({ hasText: '1,300.00' }).waitFor();
      expect(await editRow.textContent()).toContain('吊装完成80%');

      // an edit is under way when the month is closed
      await editRow.getByTestId('report-edit').click();
      await edit.waitFor();
      await edit.getByLabel('本月完成投资（万元）').fill('1350');

      await page.bringToFront();
      await page.goto(e2e.url(`/reports?month=${LAST_MONTH}`));
      const closure = page.getByTestId('month-closure');
      await closure.waitFor();
      expect(await closure.getAttribute('data-closed')).toBe('false');
      await closure.getByTestId('close-month').click();
      const confirm = page
        .getByRole('dialog')
        .filter({ hasText: `关闭郑州经济技术开发区${label(LAST_MONTH)}的调度？` });
      await confirm.waitFor();
      expect(await confirm.textContent()).toContain('将不能再填报、修改或导入');
      await shot(page, 'reports-08-close-confirm', false);
      await button(confirm, '确认关闭').click();
      await page.locator('[data-testid="month-closure"][data-closed="true"]').waitFor();
      expect(await page.getByTestId('month-closure').textContent()).toContain('已关闭');
      // the list offers no changes any more
      await page.getByTestId('reports-list-table').locator('tr.ant-table-row').first().waitFor();
      expect(await page.getByTestId('report-fill').count()).toBe(0);
      expect(await page.getByTestId('report-edit').count()).toBe(0);
      await shot(page, 'reports-09-closed');

      // the edit begun before is refused, with the reason
      await editor.bringToFront();
      await button(edit, '保存').click();
      const refused = edit.getByTestId('report-form-error');
      await refused.waitFor();
      expect(await refused.textContent()).toContain('调度已关闭');
      expect(await refused.textContent()).toContain('重新开放');
      await screenshot(editor, 'reports-10-change-refused', { fullPage: false });
      await button(edit, '取消').click();
      await editor.reload();
      await editRow.waitFor();
      expect(await editRow.textContent()).toContain('1,300.00');
      expect(await editRow.textContent()).toContain('已关闭，不能修改');
      expect(await editRow.getByTestId('report-edit').count()).toBe(0);
      expect(editorErrors).toEqual([]);

      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('手机上填报本月调度（区县管理员、企业），责任单位在手机上反馈整改（附照片）', async () => {
    // the district admin raises a problem for 经开区建设局 (from a phone too)
    const {
      page: admin,
      context: adminContext,
      errors: adminErrors,
    } = await e2e.open('jk_admin', PHONE, `/projects/${projectA}`);
    try {
      const section = admin.getByTestId('reports-section');
      await section.waitFor();
      await admin.getByTestId('reports-cards').waitFor();
      await admin.getByTestId('report-fill').click();
      const form = admin.getByRole('dialog', { name: '填报月度调度' });
      await form.waitFor();
      // last month is closed now: this month is the one offered
      expect(await form.getByTestId('report-month').textContent()).toContain(label(THIS_MONTH));
      await form.getByLabel('本月完成投资（万元）').fill('980');
      await form.getByLabel('形象进度').fill('3号车间屋面防水施工');
      await form.locator('[data-testid="report-photos"] input[type="file"]').setInputFiles(photo());
      await form.getByTestId('photo-item').waitFor();
      // the phone camera is offered: images of any kind may be chosen, checked after
      expect(
        await form
          .locator('[data-testid="report-photos"] input[type="file"]')
          .getAttribute('accept'),
      ).toBe('image/*');
      const box = await form.boundingBox();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
      await screenshot(admin, 'reports-11-phone-form', { fullPage: false });
      await button(form, '提交').click();
      await form.waitFor({ state: 'hidden' });
      const card = admin.locator(`[data-testid="report-card"][data-month="${THIS_MONTH}"]`);
      await card.waitFor();
      // the card is there before the list is refetched: wait for the new figure
      await card.filter({ hasText: '980.00' }).waitFor();
      expect(await card.getByTestId('photo-thumb').count()).toBe(1);
      await expectNoOverflow(admin);
      await card.scrollIntoViewIfNeeded();
      await screenshot(admin, 'reports-12-phone-listed', { fullPage: false });

      await admin.getByTestId('problem-raise').click();
      const raise = admin.getByRole('dialog', { name: `提出问题 · ${PROJECT_A}` });
      await raise.waitFor();
      await raise.getByLabel('问题', { exact: true }).fill('经南八路东段道路未贯通');
      await choose(admin, raise.getByLabel('责任单位'), '经开区建设局');
      await button(raise, '提出').click();
      await raise.waitFor({ state: 'hidden' });
      await admin
        .getByTestId('problems-section')
        .getByTestId('problem-card')
        .filter({ hasText: '经南八路东段道路未贯通' })
        .waitFor();
      // the company of the test projects gets the demo enterprise account
      await admin.evaluate(async (code) => {
        const me = (await (await fetch('/api/me')).json()) as { csrfToken: string };
        const list = (await (await fetch('/api/users?q=jk_ent&page=1&pageSize=5')).json()) as {
          items: Array<{ id: number; username: string; version: number }>;
        };
        const user = list.items.find((u) => u.username === 'jk_ent')!;
        const res = await fetch(`/api/users/${user.id}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
          body: JSON.stringify({ creditCode: code, version: user.version }),
        });
        if (!res.ok) throw new Error(`设置企业信用代码失败：${res.status} ${await res.text()}`);
      }, CREDIT_CODE);
      expect(adminErrors).toEqual([]);
    } finally {
      await adminContext.close();
    }

    // an enterprise reports for its own company's projects from a phone
    const { page: ent, context: entContext, errors: entErrors } = await e2e.open('jk_ent', PHONE);
    try {
      await openMenu(ent, '月度调度', '**/reports');
      await ent.goto(e2e.url(`/reports?month=${THIS_MONTH}`));
      const card = ent.getByTestId('report-item-card').filter({ hasText: PROJECT_B });
      await card.waitFor();
      // only its own company's projects, without the region's figures or project pages
      for (const text of await ent.getByTestId('report-item-card').allTextContents())
        expect(text).toMatch(/调度测试/);
      expect(await ent.getByTestId('report-project-link').count()).toBe(0);
      expect(await ent.getByTestId('completion-card').count()).toBe(0);
      expect(await ent.getByTestId('month-closure').count()).toBe(0);
      expect(await ent.getByTestId('reports-import').count()).toBe(0);
      await card.getByTestId('report-fill').click();
      const form = ent.getByRole('dialog', { name: '填报月度调度' });
      await form.waitFor();
      expect(await form.getByTestId('report-month').textContent()).toContain(label(THIS_MONTH));
      await form.getByLabel('本月完成投资（万元）').fill('432.1');
      await form.getByLabel('形象进度').fill('仓库屋面板铺设完成');
      await form.locator('[data-testid="report-photos"] input[type="file"]').setInputFiles(photo());
      await form.getByTestId('photo-item').waitFor();
      await screenshot(ent, 'reports-13a-phone-enterprise-form', { fullPage: false });
      await button(form, '提交').click();
      await form.waitFor({ state: 'hidden' });
      await card.getByTestId('report-status').filter({ hasText: '已报' }).waitFor();
      expect(await card.textContent()).toContain('432.10');
      await expectNoOverflow(ent);
      await shot(ent, 'reports-13b-phone-enterprise-list', false);
      expect(entErrors).toEqual([]);
    } finally {
      await entContext.close();
    }

    // the unit officer finds it among his unit's problems, rectifies and replies with a photo
    const { page, context, errors } = await e2e.open('jk_unit', PHONE);
    try {
      await page.getByTestId('menu-toggle').click();
      await page.getByTestId('main-menu').getByRole('menuitem', { name: '问题台账' }).click();
      await page.waitForURL('**/problems');
      expect(
        await page
          .getByTestId('problem-scope')
          .locator('.ant-segmented-item-selected')
          .textContent(),
      ).toBe('本单位');
      const card = page.getByTestId('problem-card').filter({ hasText: '经南八路东段道路未贯通' });
      await card.waitFor();
      expect(await card.textContent()).toContain('经开区建设局');
      expect(await card.getByTestId('problem-status').textContent()).toBe('整改中');
      // only his own unit's problems: every card names it
      for (const text of await page.getByTestId('problem-card').allTextContents())
        expect(text).toContain('经开区建设局');
      let overflow = await pageOverflow(page);
      expect(overflow.document).toBeLessThanOrEqual(overflow.viewport);
      await shot(page, 'reports-13-phone-unit-ledger', false);

      await card.getByTestId('problem-detail').click();
      await page.waitForURL(/\/tickets\/\d+$/);
      await ticketStep(page, 'start');
      await page.locator('input[type="file"]').first().setInputFiles(photo());
      await page.getByTestId('ticket-photos').getByTestId('ticket-photo').first().waitFor();
      await ticketStep(page, 'reply', (f) =>
        f.getByTestId('ticket-action-text').fill('经南八路东段已于本周贯通，现场照片附后'),
      );
      await page.getByTestId('ticket-detail-reply').waitFor();
      await expectNoOverflow(page);
      await screenshot(page, 'reports-14-phone-reply', { fullPage: false });
      // back in the ledger: 待销号 by the office, with his reply
      await page.goBack();
      await page.waitForURL('**/problems');
      const replied = page
        .getByTestId('problem-card')
        .filter({ hasText: '经南八路东段道路未贯通' });
      await replied.getByTestId('problem-status').filter({ hasText: '待销号' }).waitFor();
      expect(await replied.textContent()).toContain('经南八路东段已于本周贯通');
      overflow = await pageOverflow(page);
      expect(overflow.document).toBeLessThanOrEqual(overflow.viewport);
      await shot(page, 'reports-15-phone-closed', false);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
