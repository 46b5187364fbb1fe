import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, settle } from './harness';
import {
  DESKTOP,
  PHONE,
  apiGet,
  apiWrite,
  choose,
  expectNoOverflow,
  openMenu,
  pickDate,
  shot,
  useE2e,
} from './fixtures';

/** a demo project of 经开区 (already has a few nodes, some done) */
const PROJECT = '一汽解放新能源商用车郑州基地';
const TEMPLATE = '拿地即开工（承诺制）';
const TEMPLATE_STEPS = 7;
const LEADER = '经开区 张副主任';
const EVIDENCE = '土地成交确认书 郑经开土〔2027〕3号';

const DAY = 86_400_000;
/** today in Beijing, as the browser context sees it */
const todayIso = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const addDays = (iso: string, n: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
/** the target of the 倒排: far enough ahead that every node is still to come */
const TARGET = addDays(todayIso(), 330);

/** Opens the project through the list's search. */
async function openProject(page: Page, name: string) {
  await openMenu(page, '项目库', '**/projects');
  await page.getByTestId('project-search').locator('input').fill(name);
  await page.waitForURL(/\/projects\?q=/);
  const link = page.getByTestId('project-link').filter({ hasText: name });
  await link.waitFor();
  await link.click();
  await page.getByTestId('project-title').filter({ hasText: name }).waitFor();
}

describe('节点计划、我的节点、作战图、工作日历', () => {
  const e2e = useE2e({ server: 'shared' });

  it('区县管理员倒排工期（替换未完成节点）、完成节点，查看作战图', async () => {
    const { page, errors } = await e2e.open('jk_admin', DESKTOP);
    await openProject(page, PROJECT);

    const section = page.getByTestId('milestones-section');
    const table = section.getByTestId('milestones-table');
    const rows = table.locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    const before = await rows.count();
    const doneBefore = await table.locator('tr[data-status="done"]').count();
    expect(before).toBeGreaterThan(doneBefore);
    await shot(page, 'milestones-01-project-before');

    // 倒排工期: template, target date, the leader as default owner
    await section.getByTestId('milestone-plan').click();
    const dialog = page.getByRole('dialog', { name: '倒排工期' });
    await dialog.waitFor();
    await choose(page, dialog.getByLabel('节点模板'), TEMPLATE);
    await dialog.getByTestId('plan-template-steps').getByText('（目标日期）').waitFor();
    await pickDate(dialog.getByLabel('目标日期'), TARGET);
    await choose(page, dialog.getByLabel('关联系统账号'), LEADER);
    expect(await dialog.getByLabel('默认责任人').inputValue()).toBe(LEADER);
    // the project has open nodes: without "替换" the server refuses (409) and the dialog says so
    await dialog.getByRole('button', { name: '生成节点' }).click();
    await dialog.getByTestId('plan-exists').waitFor();
    await shot(page, 'milestones-02-plan-dialog', false);
    await dialog.getByTestId('plan-replace').check();
    await dialog.getByRole('button', { name: '生成节点' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // done nodes kept, the template's nodes added, each with the leader and a date
    await expect.poll(() => rows.count()).toBe(doneBefore + TEMPLATE_STEPS);
    expect(await table.locator('tr[data-status="done"]').count()).toBe(doneBefore);
    const open = table.locator('tbody tr.ant-table-row:not([data-status="done"])');
    expect(await open.count()).toBe(TEMPLATE_STEPS);
    const dues = await open.getByTestId('milestone-due').allTextContents();
    expect(dues).toHaveLength(TEMPLATE_STEPS);
    for (const d of dues) expect(d).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect([...dues].sort()).toEqual(dues);
    expect(dues[0]! > todayIso()).toBe(true);
    // the last node is the target itself, or the working day before it
    expect(dues.at(-1)! <= TARGET).toBe(true);
    expect(dues.at(-1)! >= addDays(TARGET, -4)).toBe(true);
    expect(await open.first().textContent()).toContain('土地摘牌');
    expect(await open.first().textContent()).toContain(LEADER);
    expect(await section.getByTestId('milestones-summary').textContent()).toBe(
      `共${doneBefore + TEMPLATE_STEPS}个节点，${TEMPLATE_STEPS}个未完成`,
    );
    await shot(page, 'milestones-03-planned');

    // 完成 the first new node, with evidence
    await open.first().getByTestId('milestone-complete').click();
    const complete = page.getByRole('dialog', { name: '完成节点' });
    await complete.waitFor();
    await complete.getByRole('button', { name: '确认完成' }).click();
    await complete.locator('.ant-form-item-explain-error', { hasText: '请填写完成依据' }).waitFor();
    await complete.getByLabel('完成依据').fill(EVIDENCE);
    await shot(page, 'milestones-04-complete-dialog', false);
    await complete.getByRole('button', { name: '确认完成' }).click();
    await complete.waitFor({ state: 'hidden' });
    await expect.poll(() => table.locator('tr[data-status="done"]').count()).toBe(doneBefore + 1);
    const doneRow = table.locator('tr[data-status="done"]', { hasText: EVIDENCE });
    await doneRow.waitFor();
    expect(await doneRow.textContent()).toContain(`${todayIso()} 完成`);
    await shot(page, 'milestones-05-completed');

    // 重新打开 an earlier node (a reason is required); it is open again, and overdue
    const earlier = table.locator('tr[data-status="done"]').first();
    const earlierName = (await earlier.locator('td').nth(1).textContent()) ?? '';
    await earlier.getByTestId('milestone-reopen').click();
    const reopen = page.getByRole('dialog', { name: '重新打开节点' });
    await reopen.waitFor();
    await reopen.getByLabel('原因').fill('成交确认书编号录入有误，需重新核实');
    await reopen.getByRole('button', { name: '重新打开' }).click();
    await reopen.waitFor({ state: 'hidden' });
    await expect.poll(() => table.locator('tr[data-status="done"]').count()).toBe(doneBefore);
    expect(
      await table.locator('tr[data-status="red"]').filter({ hasText: earlierName }).count(),
    ).toBe(1);

    // Edit conflict: someone else changes the node while the dialog is open
    const third = open.nth(2);
    const thirdName = (await third.locator('td').nth(1).textContent()) ?? '';
    await third.getByTestId('milestone-edit').click();
    const edit = page.getByRole('dialog', { name: '编辑节点' });
    await edit.waitFor();
    const projectId = Number(new URL(page.url()).pathname.split('/').pop());
    const nodes = await apiGet<
      Array<{ id: number; name: string; version: number; status: string }>
    >(page, `/api/projects/${projectId}/milestones`);
    const node = nodes.find((n) => n.name === thirdName && n.status !== 'done')!;
    const { status } = await apiWrite(page, 'PATCH', `/api/milestones/${node.id}`, {
      ownerName: '经开区建设局 赵工',
      version: node.version,
    });
    expect(status).toBe(200);
    await edit.getByLabel('节点名称').fill(`${thirdName}（承诺制）`);
    await edit.getByRole('button', { name: '保存' }).click();
    const conflict = page.getByRole('dialog', { name: '节点已被他人修改' });
    await conflict.waitFor();
    const diff = (await page.getByTestId('milestone-conflict-table').textContent()) ?? '';
    expect(diff).toContain('经开区建设局 赵工');
    expect(diff).toContain(`${thirdName}（承诺制）`);
    await shot(page, 'milestones-05b-edit-conflict', false);
    await page.getByTestId('milestone-conflict-keep-mine').click();
    await conflict.waitFor({ state: 'hidden' });
    await edit.getByRole('button', { name: '保存' }).click();
    await edit.waitFor({ state: 'hidden' });
    const edited = table.locator('tr', { hasText: `${thirdName}（承诺制）` });
    await edited.waitFor();
    expect(await edited.textContent()).toContain('经开区建设局 赵工');

    // 作战图: the project's row with its nodes; a node shows its details and links back
    await openMenu(page, '作战图', '**/milestones/battle-chart');
    await page.getByTestId('battle-chart').waitFor();
    await page.getByTestId('battle-today').waitFor();
    expect(await page.getByTestId('battle-month').count()).toBeGreaterThanOrEqual(6);
    // a window that holds the whole plan
    await page.goto(
      e2e.url(
        `/milestones/battle-chart?from=${addDays(todayIso(), -30)}&to=${addDays(TARGET, 10)}`,
      ),
    );
    const row = page
      .getByTestId('battle-row')
      .filter({ has: page.getByTestId('battle-project-link').filter({ hasText: PROJECT }) });
    await row.waitFor();
    expect(await row.getByTestId('battle-node').count()).toBeGreaterThanOrEqual(TEMPLATE_STEPS);
    expect(await row.locator('[data-testid="battle-node"][data-status="done"]').count()).toBe(1);
    const counts = page.getByTestId('milestone-counts');
    expect(Number(await counts.getByTestId('count-green').textContent())).toBeGreaterThan(0);
    await shot(page, 'milestones-06-battle-chart');
    await row.getByTestId('battle-node').last().hover();
    const details = page.getByTestId('battle-node-details');
    await details.waitFor();
    expect(await details.textContent()).toContain('投产达效');
    expect(await details.textContent()).toContain(LEADER);
    await shot(page, 'milestones-07-battle-node', false);
    await details.getByTestId('battle-node-project-link').click();
    await page.getByTestId('project-title').filter({ hasText: PROJECT }).waitFor();

    // only 红灯 nodes: the others fade
    await page.goto(e2e.url('/milestones/battle-chart?status=red'));
    await page.getByTestId('battle-chart').or(page.getByTestId('battle-empty')).waitFor();
    expect(errors).toEqual([]);
  }, 240_000);

  it('包保领导在手机上查看“我的节点”并完成自己负责的节点', async () => {
    const { page, errors } = await e2e.open('jk_leader', PHONE);
    await openMenu(page, '我的节点', '**/milestones/mine');
    const cards = page.getByTestId('milestone-card');
    await cards.first().waitFor();
    // red and yellow first
    const order = await cards.evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-status') ?? ''),
    );
    const rank = (s: string) => ['red', 'yellow', 'green', 'done'].indexOf(s);
    expect(order.map(rank)).toEqual([...order.map(rank)].sort((a, b) => a - b));
    await expectNoOverflow(page);
    await shot(page, 'milestones-phone-01-mine', false);

    // the nodes he was made owner of by the 倒排: search the project
    await page.getByTestId('milestone-search').locator('input').fill(PROJECT);
    await page.getByTestId('milestone-search').locator('input').press('Enter');
    await page.waitForURL(/q=/);
    const mine = cards.filter({ hasText: PROJECT });
    await expect.poll(() => mine.count()).toBe(TEMPLATE_STEPS);
    await mine.filter({ hasText: EVIDENCE }).waitFor();
    expect(await mine.first().getAttribute('data-status')).not.toBe('done');

    // he may complete his own node
    await page.getByTestId('filter-green').click();
    await page.waitForURL(/status=green/);
    const first = cards.filter({ hasText: '取得建设工程规划许可证' }).first();
    await first.waitFor();
    await first.getByTestId('milestone-complete').click();
    const complete = page.getByRole('dialog', { name: '完成节点' });
    await complete.waitFor();
    await complete.getByLabel('完成依据').fill('建设工程规划许可证 建字第410171202700018号');
    await shot(page, 'milestones-phone-02-complete', false);
    await complete.getByRole('button', { name: '确认完成' }).click();
    await complete.waitFor({ state: 'hidden' });
    await page.getByTestId('filter-done').click();
    await page.waitForURL(/status=done/);
    await cards.filter({ hasText: '建字第410171202700018号' }).waitFor();
    await shot(page, 'milestones-phone-03-done', false);

    // the project page: nodes as cards, read-only but for his own
    await cards.first().getByTestId('milestone-project-link').click();
    await page.getByTestId('project-title').waitFor();
    const section = page.getByTestId('milestones-section');
    await section.getByTestId('milestones-cards').waitFor();
    expect(await section.getByTestId('milestone-plan').count()).toBe(0);
    expect(await section.getByTestId('milestone-edit').count()).toBe(0);
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, 'milestones-phone-04-project', { fullPage: false });
    await expectNoOverflow(page);

    // 作战图 on the phone: the chart scrolls inside its box, not the page
    await page.goto(
      e2e.url(
        `/milestones/battle-chart?from=${addDays(todayIso(), -30)}&to=${addDays(TARGET, 10)}`,
      ),
    );
    await page.getByTestId('battle-row').first().waitFor();
    await settle(page);
    await expectNoOverflow(page);
    await shot(page, 'milestones-phone-05-battle-chart', false);
    expect(errors).toEqual([]);
  }, 180_000);

  it('市级管理员录入工作日历更正，截止日期随之重算；维护节点模板', async () => {
    const { page, errors } = await e2e.open('city_office', DESKTOP);

    // a plain working day between the first planned node and the target: made a holiday,
    // it pushes the worked-back dates before it one working day earlier
    const year = Number(TARGET.slice(0, 4));
    const known = await page.evaluate(async (y) => {
      const res = await fetch(`/api/calendar/${y}`);
      const body = (await res.json()) as { days: Array<{ date: string }> };
      return body.days.map((d) => d.date);
    }, year);
    let day = addDays(TARGET, -45);
    const weekday = (iso: string) => new Date(`${iso}T00:00:00Z`).getUTCDay();
    while (
      known.includes(day) ||
      weekday(day) === 0 ||
      weekday(day) === 6 ||
      Number(day.slice(0, 4)) !== year
    )
      day = Number(day.slice(0, 4)) !== year ? addDays(day, 30) : addDays(day, -1);

    await openMenu(page, '工作日历', '**/system/calendar');
    await page.getByTestId('calendar-corrections').waitFor();
    await page.goto(e2e.url(`/system/calendar?year=${year}`));
    const editor = page.getByTestId('calendar-corrections');
    await editor.waitFor();
    await page
      .getByTestId('calendar-published')
      .or(page.getByTestId('calendar-unpublished'))
      .waitFor();
    // plain words, no "日历包" jargon (issue 15.8)
    expect(await page.textContent('body')).not.toContain('日历包');
    await shot(page, 'milestones-08-calendar-before');

    await editor.getByTestId('correction-add').click();
    const row = editor.getByTestId('correction-row').last();
    await pickDate(row.getByLabel(/行日期/), day);
    await row.getByLabel(/行名称/).fill('临时放假');
    await editor.getByTestId('calendar-save').click();
    const saved = page.getByTestId('calendar-saved');
    await saved.waitFor();
    const text = (await saved.textContent()) ?? '';
    const moved = Number(/已重算(\d+)个节点的截止日期/.exec(text)?.[1]);
    expect(moved).toBeGreaterThan(0);
    const days = page.getByTestId('calendar-days');
    const added = days.locator('tr[data-source="admin"]', { hasText: day });
    await added.waitFor();
    expect(await added.textContent()).toContain('临时放假');
    expect(await added.textContent()).toContain('休');
    await shot(page, 'milestones-09-calendar-saved');

    // the same day again is refused with the row named
    await editor.getByTestId('correction-add').click();
    await pickDate(
      editor
        .getByTestId('correction-row')
        .last()
        .getByLabel(/行日期/),
      day,
    );
    await editor
      .getByTestId('correction-row')
      .last()
      .getByLabel(/行名称/)
      .fill('重复');
    await editor.getByTestId('calendar-save').click();
    await page.getByTestId('calendar-error').waitFor();
    await editor.getByTestId('correction-remove').last().click();

    // 节点模板: edit steps (add, reorder) and save
    await openMenu(page, '节点模板', '**/system/milestone-templates');
    const templates = page.getByTestId('templates-table');
    await templates.locator('tr', { hasText: TEMPLATE }).getByTestId('template-edit').click();
    const drawer = page.getByTestId('template-drawer');
    await drawer.waitFor();
    const steps = drawer.getByTestId('template-step');
    expect(await steps.count()).toBe(TEMPLATE_STEPS);
    await drawer.getByTestId('template-add-step').click();
    await expect.poll(() => steps.count()).toBe(TEMPLATE_STEPS + 1);
    await drawer.getByLabel(`第${TEMPLATE_STEPS}个节点名称`).fill('试生产');
    await shot(page, 'milestones-10-template', false);
    await drawer.getByTestId('template-save').click();
    await drawer.waitFor({ state: 'hidden' });
    const updated = templates.locator('tr', { hasText: TEMPLATE });
    await expect.poll(async () => (await updated.textContent()) ?? '').toContain('试生产');
    expect(errors).toEqual([]);
  }, 180_000);
});
