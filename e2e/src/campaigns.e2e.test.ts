import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { creditCodeCheckChar } from '@xiangmu/contracts';
import {
  DESKTOP,
  apiWrite,
  button,
  choose,
  openMenu,
  pickDate,
  rowsOf,
  shot,
  useE2e,
} from './fixtures';

const JINGKAI = '410171';
const PLANNED = '三个一批测试谋划项目';
const CREDIT_FIRST17 = '91410100MA9XKW34B';
const CREDIT_CODE = CREDIT_FIRST17 + creditCodeCheckChar(CREDIT_FIRST17)!;

/** 三个一批 in the menu → the period's detail page */
async function openPeriod(page: Page, name: string) {
  await openMenu(page, '三个一批', '**/campaigns');
  await page.getByTestId('campaign-link').filter({ hasText: name }).click();
  await page.waitForURL(/\/campaigns\/\d+/);
  await page.getByTestId('campaign-title').filter({ hasText: name }).waitFor();
}

const cell = (page: Page, region: string, testId: string) =>
  page
    .locator(`[data-testid="region-row"][data-region="${region}"]`)
    .getByTestId(testId)
    .textContent();

// A server of its own: the test counts 经开区's entries of the demo 第7期 and locks one of its batches.
describe('"三个一批"', () => {
  const e2e = useE2e();

  it('区县查看第7期批次、列入项目；市级开启新一期并审核锁定', async () => {
    const { page, errors } = await e2e.open('jk_admin', DESKTOP);
    {
      await openPeriod(page, '第7期');
      expect(await page.getByTestId('campaign-dates').textContent()).toContain('2023-01-01');

      // 经开区: 3 / 6 / 7 projects, 85 / 91.9 / 39.9 亿元, 开工率 100%
      await page.locator(`[data-testid="region-row"][data-region="${JINGKAI}"]`).waitFor();
      expect(await cell(page, JINGKAI, 'count-sign')).toBe('3');
      expect(await cell(page, JINGKAI, 'count-start')).toBe('6');
      expect(await cell(page, JINGKAI, 'count-produce')).toBe('7');
      expect(await cell(page, JINGKAI, 'total-sign')).toBe('85');
      expect(await cell(page, JINGKAI, 'total-start')).toBe('91.9');
      expect(await cell(page, JINGKAI, 'total-produce')).toBe('39.9');
      expect(await cell(page, JINGKAI, 'rate-start')).toBe('开工率 100%');
      const totalRow = page.locator('[data-testid="region-row"]').first();
      expect(await totalRow.getAttribute('data-region')).toBe('total');
      expect(await totalRow.textContent()).toContain('合计');

      // 签约一批 of 经开区
      await page.locator(`[data-testid="region-row"][data-region="${JINGKAI}"]`).click();
      await page.waitForURL(`**/campaigns/*?region=${JINGKAI}`);
      await page.getByRole('tab', { name: '签约一批' }).click();
      const signTable = page.getByTestId('entries-table-sign');
      const signRows = rowsOf(signTable);
      await expect.poll(() => signRows.count()).toBe(3);
      expect(await signTable.textContent()).toContain('海尔压缩机项目');
      const summary = page.getByTestId('entries-summary');
      expect(await summary.textContent()).toContain('共3个项目，总投资85亿元');
      await shot(page, 'campaigns-01-period');

      // a new 谋划 project (through the API, with the session's CSRF token) …
      const created = await apiWrite(page, 'POST', '/api/projects', {
        name: PLANNED,
        ownerName: '郑州测试压缩机有限公司',
        ownerCreditCode: CREDIT_CODE,
        regionCode: JINGKAI,
        industryCluster: '装备制造',
        level: 'district',
        totalInvestment: '50000',
        annualPlan: '10000',
        planYear: 2026,
      });
      expect(created.status).toBe(200);

      // … listed in the 签约一批 through the dialog
      await page.getByTestId('entry-add').click();
      const dialog = page.getByRole('dialog', { name: '列入签约一批' });
      await dialog.waitFor();
      await choose(page, dialog.getByTestId('entry-project-select'), PLANNED, '三个一批测试');
      await shot(page, 'campaigns-02-add-entry', false);
      await button(dialog, '列入').click();
      await dialog.waitFor({ state: 'hidden' });
      await expect.poll(() => signRows.count()).toBe(4);
      await expect.poll(() => summary.textContent()).toContain('共4个项目，总投资90亿元');
      await expect.poll(() => cell(page, JINGKAI, 'count-sign')).toBe('4');
      expect(await signTable.textContent()).toContain(PLANNED);
      expect(errors).toEqual([]);
    }

    // 市项目办: 开启新一期 (a taken number is refused in Chinese), then lock 经开区's 签约一批
    {
      const { page, errors } = await e2e.open('city_office', DESKTOP);
      await openMenu(page, '三个一批', '**/campaigns');
      await page.getByTestId('campaign-link').first().waitFor();
      await page.getByTestId('campaign-create').click();
      const create = page.getByRole('dialog', { name: '开启新一期' });
      await create.waitFor();
      await create.getByLabel('期次（第N期）').fill('7');
      await pickDate(create.getByLabel('开始日期'), '2026-01-01');
      await pickDate(create.getByLabel('结束日期'), '2026-12-31');
      await button(create, '开启').click();
      await create.getByTestId('campaign-create-error').waitFor();
      expect(await create.getByTestId('campaign-create-error').textContent()).toMatch(
        /[\u4e00-\u9fa5]/,
      );
      await shot(page, 'campaigns-03-number-taken', false);
      await create.getByLabel('期次（第N期）').fill('9');
      await button(create, '开启').click();
      await page.getByTestId('campaign-title').filter({ hasText: '第9期' }).waitFor();

      await openPeriod(page, '第7期');
      const row = page.locator(`[data-testid="region-row"][data-region="${JINGKAI}"]`);
      await row.getByTestId('lock-sign').click();
      await button(page.locator('.ant-popconfirm'), '锁定').click();
      await row.getByTestId('locked-sign').waitFor();
      await row.click();
      await page.getByRole('tab', { name: '签约一批' }).click();
      await page.getByTestId('entries-summary').getByText('已审核锁定').waitFor();
      expect(await page.getByTestId('entry-add').count()).toBe(0);
      expect(await page.getByTestId('entry-remove').count()).toBe(0);
      await shot(page, 'campaigns-04-locked');

      expect(errors).toEqual([]);
    }
  }, 240_000);
});
