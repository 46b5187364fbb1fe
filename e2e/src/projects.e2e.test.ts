import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { creditCodeCheckChar, isValidCreditCode } from '@xiangmu/contracts';
import { pageOverflow, settle } from './harness';
import {
  DESKTOP,
  LAPTOP,
  PHONE,
  apiGet,
  apiWrite,
  choose,
  expectNoOverflow,
  openMenu,
  rowsOf,
  shot,
  useE2e,
} from './fixtures';

const PROJECT = '测试新能源电池项目';
/** pinyin initials of 测试新能源电池项目 are "csxnydcxm" */
const INITIALS = 'csxnydc';
const CREDIT_FIRST17 = '91410100MA9XKW12A';
const CREDIT_CODE = CREDIT_FIRST17 + creditCodeCheckChar(CREDIT_FIRST17)!;
/** the list's summary line, amounts in 亿元 */
const SUMMARY = /^共\d+个项目，总投资\d+(\.\d{1,2})?亿元，年度计划投资\d+(\.\d{1,2})?亿元$/;

/** Moves the open project to another stage through the 变更阶段 dialog. */
async function changeStage(page: Page, to: string, evidence: string, reason?: string) {
  await page.getByTestId('stage-change').click();
  const dialog = page.getByRole('dialog', { name: '变更项目阶段' });
  await dialog.waitFor();
  await choose(page, dialog.getByLabel('变更为'), to);
  await dialog.getByLabel('依据').fill(evidence);
  if (reason) await dialog.getByLabel('原因').fill(reason);
  return dialog;
}

/** Confirms the 变更阶段 dialog and waits for the steps to show `stage` as the current one. */
async function confirmStage(page: Page, dialog: Locator, stage: string) {
  await dialog.getByRole('button', { name: '确认变更' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page
    .getByTestId('stage-steps')
    .locator('.ant-steps-item-process', { hasText: stage })
    .waitFor();
}

async function currentStep(page: Page): Promise<string> {
  const step = page
    .getByTestId('stage-steps')
    .locator('.ant-steps-item-process .ant-steps-item-title');
  return ((await step.textContent()) ?? '').trim();
}

// A server of its own: the list's filters count the projects of the demo data and the one made here.
describe('重点项目库', () => {
  const e2e = useE2e();
  beforeAll(() => {
    expect(isValidCreditCode(CREDIT_CODE)).toBe(true);
  });

  it('区县管理员新建项目、拼音首字母检索、变更阶段（含回退须说明原因）', async () => {
    const { page, errors } = await e2e.open('jk_admin', DESKTOP);
    // 重点项目 → 项目库
    await openMenu(page, '项目库', '**/projects');
    const summary = page.getByTestId('projects-summary');
    await summary.waitFor();
    expect(((await summary.textContent()) ?? '').trim()).toMatch(SUMMARY);
    await shot(page, 'projects-01-list');

    // New project through the form
    await page.getByTestId('project-create').click();
    const form = page.getByTestId('project-form');
    await form.waitFor();
    await form.getByLabel('项目名称').fill(PROJECT);
    await form.getByLabel('建设单位').fill('郑州测试科技有限公司');
    const credit = form.getByLabel('统一社会信用代码');
    await credit.fill(CREDIT_FIRST17.slice(0, 10));
    await form.getByText('统一社会信用代码应为18位，当前10位').waitFor();
    const wrongCheck = CREDIT_CODE.endsWith('0') ? '1' : '0';
    await credit.fill(CREDIT_FIRST17 + wrongCheck);
    await form.getByText('校验码不符').waitFor();
    await credit.fill(CREDIT_CODE.toLowerCase());
    await form.getByTestId('credit-code-ok').waitFor();
    expect(await credit.inputValue()).toBe(CREDIT_CODE);
    await shot(page, 'projects-02a-form-credit-code', false);
    await choose(page, form.getByLabel('产业集群'), '新能源及智能网联汽车', '新能源');
    await form.getByLabel('国民经济行业代码').fill('c38');
    await form.getByText('区重点', { exact: true }).click();
    expect(await form.getByRole('radio', { name: '区重点' }).isChecked()).toBe(true);
    await form.getByLabel('建设内容及规模').fill('建设动力电池生产线4条，年产动力电池10GWh。');
    await form.getByLabel('总投资（亿元）').fill('12.5');
    // more than the total is refused before anything is sent
    await form.getByLabel('年度计划投资（亿元）').fill('13');
    await form.getByText('年度计划投资不能超过总投资').waitFor();
    await form.getByLabel('年度计划投资（亿元）').fill('3');
    await form.getByLabel('包保领导').fill('王测试');
    await choose(page, form.getByLabel('责任单位'), '经开区建设局');
    await form.getByLabel('联系人').fill('张联络');
    await form.getByLabel('联系电话').fill('13800138000');
    await form.getByLabel('经度').fill('113.73');
    await form.getByLabel('纬度').fill('34.72');
    await form.getByLabel('标签').fill('动力电池');
    await page.keyboard.press('Enter');
    await shot(page, 'projects-02b-form-filled', false);
    await page.getByTestId('project-submit').click();

    // → its detail page
    await page.waitForURL(/\/projects\/\d+$/);
    const title = page.getByTestId('project-title');
    await title.waitFor();
    expect(await title.textContent()).toBe(PROJECT);
    const facts = page.getByTestId('project-facts');
    expect(await page.getByTestId('fact-total').textContent()).toBe('12.5亿元');
    expect(await facts.textContent()).toContain('3亿元');
    expect(await facts.textContent()).toContain('C38');
    expect(await facts.textContent()).toContain('经开区建设局');
    expect(await currentStep(page)).toBe('谋划');
    await shot(page, 'projects-03-created');

    // Back in the list: found by its pinyin initials
    await page.getByTestId('back-to-list').click();
    await page.waitForURL('**/projects');
    await page.getByTestId('project-search').locator('input').fill(INITIALS);
    await page.waitForURL(`**/projects?q=${INITIALS}`);
    const table = page.getByTestId('projects-table');
    const row = table.locator('tr', { hasText: PROJECT });
    await page.getByText('共1个项目，总投资12.5亿元，年度计划投资3亿元').waitFor();
    await row.waitFor();
    expect(await rowsOf(table).count()).toBe(1);
    const rowText = (await row.textContent()) ?? '';
    expect(rowText).toContain('12.50');
    expect(rowText).toContain('3.00');
    expect(rowText).toContain('谋划');
    await shot(page, 'projects-04-search-pinyin');

    // The link reproduces the view
    await page.goto(e2e.url(`/projects?q=${INITIALS}`));
    await row.waitFor();
    expect(await page.getByTestId('project-search').locator('input').inputValue()).toBe(INITIALS);

    // Stages: 谋划 → 签约 (allowed straight from 谋划) → 前期 → 在建
    await row.getByTestId('project-link').click();
    await title.waitFor();
    let dialog = await changeStage(page, '签约', '投资合同已于今日签订');
    // only allowed targets are offered: from 谋划 no 在建
    await dialog.getByLabel('变更为').click();
    const options = page.locator(
      '.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option',
    );
    expect(await options.allTextContents()).toEqual(['在谈', '签约', '前期']);
    await page.keyboard.press('Escape');
    // closing the list with Escape may leave another option active: choose again, verified
    await choose(page, dialog.getByLabel('变更为'), '签约');
    await shot(page, 'projects-05-stage-dialog', false);
    await confirmStage(page, dialog, '签约');

    dialog = await changeStage(page, '前期', '郑经开发改〔2026〕12号备案');
    await confirmStage(page, dialog, '前期');

    dialog = await changeStage(page, '在建', '施工许可证已核发，正式开工');
    await confirmStage(page, dialog, '在建');
    expect(await currentStep(page)).toBe('在建');
    const events = page.getByTestId('stage-timeline').locator('.stage-event');
    await expect.poll(() => events.count()).toBe(4);
    const timeline = (await page.getByTestId('stage-timeline').textContent()) ?? '';
    expect(timeline).toContain('项目入库（谋划）');
    expect(timeline).toContain('谋划 → 签约');
    expect(timeline).toContain('签约 → 前期');
    expect(timeline).toContain('前期 → 在建');
    expect(timeline).toContain('施工许可证已核发，正式开工');
    expect(timeline).toContain('李科长');
    await shot(page, 'projects-06-building');

    // Back to 前期: without a reason → refused with a Chinese message
    dialog = await changeStage(page, '前期', '环评批复被撤销');
    await dialog.getByText('阶段回退须填写原因，原因将记入项目时间线').waitFor();
    await dialog.getByRole('button', { name: '确认变更' }).click();
    await dialog
      .locator('.ant-form-item-explain-error', { hasText: '阶段回退须填写原因' })
      .waitFor();
    await shot(page, 'projects-07-back-needs-reason', false);
    await dialog.getByLabel('原因').fill('环评手续需重新办理，暂停施工');
    await confirmStage(page, dialog, '前期');
    await expect.poll(() => events.count()).toBe(5);
    const after = (await page.getByTestId('stage-timeline').textContent()) ?? '';
    expect(after).toContain('在建 → 前期');
    expect(after).toContain('回退');
    expect(after).toContain('环评手续需重新办理，暂停施工');
    await shot(page, 'projects-08-moved-back');

    // Edit conflict: someone else saves while the drawer is open
    await page.getByTestId('project-edit').click();
    await form.waitFor();
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    const p = await apiGet<{ version: number }>(page, `/api/projects/${id}`);
    const { status } = await apiWrite(page, 'PATCH', `/api/projects/${id}`, {
      leaderName: '赵别人',
      version: p.version,
    });
    expect(status).toBe(200);
    await form.getByLabel('包保领导').fill('王自己');
    await form.getByLabel('总投资（亿元）').fill('13');
    await page.getByTestId('project-submit').click();
    const conflict = page.getByRole('dialog', { name: '项目已被他人修改' });
    await conflict.waitFor();
    const diff = (await page.getByTestId('conflict-table').textContent()) ?? '';
    expect(diff).toContain('包保领导');
    expect(diff).toContain('赵别人');
    expect(diff).toContain('王自己');
    expect(diff).toContain('冲突');
    expect(diff).toContain('13亿元');
    await shot(page, 'projects-09-edit-conflict', false);
    await page.getByTestId('conflict-keep-mine').click();
    await conflict.waitFor({ state: 'hidden' });
    expect(await form.getByLabel('包保领导').inputValue()).toBe('王自己');
    expect(await form.getByLabel('总投资（亿元）').inputValue()).toBe('13');
    await page.getByTestId('project-submit').click();
    await form.waitFor({ state: 'hidden' });
    await expect.poll(() => page.getByTestId('fact-total').textContent()).toBe('13亿元');
    expect(await facts.textContent()).toContain('王自己');

    // Filters in the URL, saved filters, columns remembered
    await page.goto(e2e.url('/projects?stage=preparing&level=district'));
    await row.waitFor();
    expect(((await summary.textContent()) ?? '').trim()).toMatch(SUMMARY);
    await page.getByTestId('save-filter').click();
    const naming = page.getByRole('dialog', { name: '保存当前筛选条件' });
    await naming.getByLabel('名称').fill('前期区重点');
    await naming.getByRole('button', { name: '保存' }).click();
    await naming.waitFor({ state: 'hidden' });
    await page.getByTestId('filter-reset').click();
    await page.waitForURL('**/projects');
    await page.getByTestId('saved-filters').click();
    await page.getByRole('menuitem', { name: /前期区重点/ }).click();
    await page.waitForURL('**/projects?stage=preparing&level=district');
    await row.waitFor();
    await page.getByTestId('column-settings-button').click();
    await page.getByTestId('column-settings').getByRole('checkbox', { name: '包保领导' }).uncheck();
    await shot(page, 'projects-10-filters-columns', false);
    await page.reload();
    await row.waitFor();
    const headers = await table.locator('thead th').allTextContents();
    expect(headers).not.toContain('包保领导');
    expect(headers).toContain('总投资（亿元）');

    // Sorting is the server's: by total investment, largest first
    await page.getByTestId('filter-reset').click();
    await page.waitForURL((url) => url.pathname === '/projects' && url.search === '');
    await table.locator('thead th', { hasText: '总投资（亿元）' }).click();
    await page.waitForURL('**/projects?sort=totalInvestment&order=desc');
    await settle(page);

    // Investment range in 亿元 (sent to the API in 万元)
    await page.goto(e2e.url(`/projects?q=${INITIALS}`));
    await row.waitFor();
    await page.getByTestId('filter-min-investment').fill('12.9');
    await page.getByTestId('filter-max-investment').fill('13');
    await page.getByTestId('filter-max-investment').press('Enter');
    await page.waitForURL(`**/projects?q=${INITIALS}&minYi=12.9&maxYi=13`);
    await page.getByText('共1个项目，总投资13亿元，年度计划投资3亿元').waitFor();
    // 导出台账 with the same filters
    const [ledger] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('project-export').click(),
    ]);
    expect(ledger.suggestedFilename()).toMatch(/台账.*\.xlsx$/);
    expect(await ledger.failure()).toBeNull();
    await page.getByTestId('filter-max-investment').fill('12.99');
    await page.getByTestId('filter-max-investment').press('Enter');
    await page.getByText('共0个项目，总投资0亿元，年度计划投资0亿元').waitFor();

    // Empty state
    await page.goto(e2e.url(`/projects?q=${encodeURIComponent('不存在的项目名称xyz')}`));
    await page.getByTestId('projects-empty').waitFor();
    await page.getByText('没有符合筛选条件的项目').waitFor();
    await shot(page, 'projects-11-empty');

    expect(errors).toEqual([]);
  }, 240_000);

  it('只读角色看不到编辑按钮；网格员看不到项目库', async () => {
    {
      const { page, errors } = await e2e.open('jk_leader', LAPTOP);
      await openMenu(page, '项目库', '**/projects');
      await page.getByTestId('projects-summary').waitFor();
      expect(await page.getByTestId('project-create').count()).toBe(0);
      await page.getByTestId('project-search').locator('input').fill(INITIALS);
      await page.waitForURL(`**/projects?q=${INITIALS}`);
      const link = page
        .getByTestId('projects-table')
        .getByTestId('project-link')
        .filter({ hasText: PROJECT });
      await link.waitFor();
      // the list re-renders when the search answer arrives; a click on the
      // row it replaced goes nowhere (seen once in a clean-clone run): the
      // second click is on the settled row
      await settle(page);
      await link.click();
      if (
        !(await page.waitForURL(/\/projects\/\d+$/, { timeout: 10_000 }).then(
          () => true,
          () => false,
        ))
      )
        await link.click();
      await page.getByTestId('project-title').waitFor();
      expect(await page.getByTestId('stage-change').count()).toBe(0);
      expect(await page.getByTestId('project-edit').count()).toBe(0);
      await shot(page, 'projects-12-leader-readonly');
      expect(errors).toEqual([]);
    }
    {
      const { page, errors } = await e2e.open('jk_grid', LAPTOP);
      await page.getByTestId('welcome-card').waitFor();
      expect(
        await page.getByTestId('main-menu').getByRole('menuitem', { name: '项目库' }).count(),
      ).toBe(0);
      await page.goto(e2e.url('/projects'));
      await page.getByTestId('forbidden').waitFor();
      expect(errors).toEqual([]);
    }
  });

  it('手机屏幕（390×844）上项目库显示为卡片，页面不横向溢出', async () => {
    const { page, errors } = await e2e.open('jk_admin', PHONE, '/projects');
    await page.getByTestId('projects-summary').waitFor();
    await page.getByTestId('project-card').first().waitFor();
    const list = await pageOverflow(page);
    expect(list.document).toBeLessThanOrEqual(list.viewport);
    expect(list.body).toBeLessThanOrEqual(list.viewport);
    await shot(page, 'projects-phone-01-list', false);

    // the form fills the screen, one field per row
    await page.getByTestId('project-create').click();
    await page.getByTestId('project-form').waitFor();
    await shot(page, 'projects-phone-02-form', false);
    await page.getByRole('button', { name: '取消' }).click();
    await page.getByTestId('project-form').waitFor({ state: 'hidden' });

    await page.getByTestId('project-search').locator('input').fill(INITIALS);
    await page.waitForURL(`**/projects?q=${INITIALS}`);
    await page.getByTestId('projects-summary').getByText('1', { exact: true }).waitFor();
    const card = page.getByTestId('project-card').filter({ hasText: PROJECT });
    await card.waitFor();
    await card.click();
    await page.getByTestId('project-title').waitFor();
    await expectNoOverflow(page);
    await shot(page, 'projects-phone-03-detail');
    expect(errors).toEqual([]);
  });
});
