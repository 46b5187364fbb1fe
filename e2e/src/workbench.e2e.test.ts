import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DESKTOP, PHONE, apiGet, apiWrite, expectNoOverflow, shot, useE2e } from './fixtures';

// 首页 is the role's 工作台 (issue 15.1): every figure is the API's figure in
// the active region, and each item opens its page.
describe('首页工作台', () => {
  const e2e = useE2e({ server: 'shared' });

  /** the count an item shows, once loaded */
  async function countOf(page: Page, key: string): Promise<number> {
    const item = page.getByTestId(`todo-${key}`);
    await item.locator('[data-testid="todo-count"]').waitFor();
    return Number(await item.getAttribute('data-count'));
  }

  it('区县管理员：本区关键指标与今日待办，数字与接口一致，点击进入对应页面', async () => {
    const { page, errors } = await e2e.open('jk_admin', DESKTOP);
    const workbench = page.getByTestId('workbench');
    await workbench.waitFor();
    expect(await workbench.getAttribute('data-kind')).toBe('office');
    expect(await page.textContent('body')).not.toContain('尚未上线');

    const year = new Date().getFullYear();
    const dashboard = await apiGet<{ library: { projects: number } }>(
      page,
      `/api/dashboard?year=${year}`,
    );
    expect(dashboard.library.projects).toBeGreaterThan(0);
    await page
      .getByTestId('figure-projects')
      .getByText(String(dashboard.library.projects))
      .waitFor();

    const milestones = await apiGet<{ counts: Record<string, number> }>(
      page,
      '/api/milestones?page=1&pageSize=1',
    );
    expect(await countOf(page, 'red')).toBe(milestones.counts.red ?? 0);
    expect(await countOf(page, 'yellow')).toBe(milestones.counts.yellow ?? 0);

    const reportsLink = await page
      .getByTestId('todo-reports-missing')
      .locator('a')
      .getAttribute('href');
    const month = new URLSearchParams(reportsLink!.split('?')[1]).get('month');
    const reports = await apiGet<{ counts: { missing: number; due: number } }>(
      page,
      `/api/reports?page=1&pageSize=1&month=${month}`,
    );
    expect(await countOf(page, 'reports-missing')).toBe(reports.counts.missing);
    expect(await countOf(page, 'reports-due')).toBe(reports.counts.due);

    const queue = await apiGet<{ counts: { todo: number; overdue: number } }>(
      page,
      '/api/tickets/queue?tab=todo&page=1&pageSize=1',
    );
    expect(await countOf(page, 'tickets-overdue')).toBe(queue.counts.overdue);
    expect(await countOf(page, 'tickets-todo')).toBe(queue.counts.todo);
    expect(await countOf(page, 'imports')).toBeGreaterThanOrEqual(0);
    await shot(page, 'workbench-01-district-office');

    // an item opens its page with the same filter
    await page.getByTestId('todo-red').locator('a').click();
    await page.waitForURL('**/milestones/mine?scope=all&status=red');

    // a street without projects of its own: the 工作台 says so and offers the import
    const regions = await apiGet<Array<{ code: string; level: string }>>(page, '/api/me/regions');
    const streets = regions.filter((r) => r.level === 'street');
    let empty: string | undefined;
    for (const street of streets) {
      const d = await apiGet<{ library: { projects: number } }>(
        page,
        `/api/dashboard?year=${year}&regionCode=${street.code}`,
      );
      if (d.library.projects === 0) {
        empty = street.code;
        break;
      }
    }
    expect(empty, 'a street without projects in the demo data').toBeDefined();
    try {
      expect((await apiWrite(page, 'PUT', '/api/me/region', { regionCode: empty })).status).toBe(
        200,
      );
      await page.goto(e2e.url('/'));
      await page.getByTestId('workbench-no-projects').getByText('导入项目台账').waitFor();
      await shot(page, 'workbench-05-no-projects');
    } finally {
      await apiWrite(page, 'PUT', '/api/me/region', { regionCode: '410171' });
    }
    expect(errors).toEqual([]);
  });

  it('包保领导：我负责的节点与待办工单', async () => {
    const { page, errors } = await e2e.open('jk_leader', DESKTOP);
    const workbench = page.getByTestId('workbench');
    await workbench.waitFor();
    expect(await workbench.getAttribute('data-kind')).toBe('owner');
    const mine = await apiGet<{ counts: Record<string, number> }>(
      page,
      '/api/milestones?page=1&pageSize=1&mine=true',
    );
    expect(await countOf(page, 'red')).toBe(mine.counts.red ?? 0);
    // the leader's own list: only red and yellow nodes, most urgent first
    const card = page.getByTestId('workbench-my-milestones');
    await card.waitFor();
    const shown = await card.locator('.ant-list-item').count();
    expect(shown).toBe(Math.min(5, (mine.counts.red ?? 0) + (mine.counts.yellow ?? 0)));
    // no monthly-report items for an owner: those are the office's
    expect(await page.getByTestId('todo-reports-missing').count()).toBe(0);
    await shot(page, 'workbench-02-leader');
    expect(errors).toEqual([]);
  });

  it('网格员（手机）：大按钮“上报事件”与我上报的事件', async () => {
    const { page, errors } = await e2e.open('jk_grid', PHONE);
    const workbench = page.getByTestId('workbench');
    await workbench.waitFor();
    expect(await workbench.getAttribute('data-kind')).toBe('field');
    const report = page.getByTestId('workbench-report');
    expect((await report.textContent())?.trim()).toContain('上报事件');
    const box = await report.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(56); // big enough for a thumb
    const mine = await apiGet<{ items: unknown[]; counts: { todo: number } }>(
      page,
      '/api/tickets/queue?tab=mine&page=1&pageSize=5',
    );
    const list = page.getByTestId('workbench-my-tickets');
    await list.locator('.ant-list-item, .ant-empty').first().waitFor();
    expect(await list.locator('.ant-list-item').count()).toBe(mine.items.length);
    await page.getByTestId('figure-todo').getByText(String(mine.counts.todo)).waitFor();
    await expectNoOverflow(page);
    await shot(page, 'workbench-03-grid-phone');
    await report.click();
    await page.waitForURL('**/tickets/new');
    expect(errors).toEqual([]);
  });

  it('企业（手机）：大按钮“提诉求”', async () => {
    const { page, errors } = await e2e.open('jk_ent', PHONE);
    await page.getByTestId('workbench').waitFor();
    expect((await page.getByTestId('workbench-report').textContent())?.trim()).toContain('提诉求');
    await page.getByTestId('workbench-my-tickets').waitFor();
    await expectNoOverflow(page);
    await shot(page, 'workbench-04-enterprise-phone');
    expect(errors).toEqual([]);
  });

  // issue 15.3: on a slow network the old page stayed up with no sign of work
  it('慢网络：点击菜单后立即显示加载进度，页面和数据出来后消失', async () => {
    const { page, errors } = await e2e.open('jk_admin', DESKTOP);
    await page.getByTestId('workbench-todos').waitFor();
    await expectNoProgress(page);
    // the next page's code and its data are held back until released
    const code: Array<() => void> = [];
    const data: Array<() => void> = [];
    const hold = (queue: Array<() => void>) => async (route: Route) => {
      await new Promise<void>((go) => queue.push(go));
      // once unrouted, Playwright may have let a late duplicate through itself
      await route.continue().catch(() => {});
    };
    await page.route(/TicketsPage/, hold(code));
    await page.route(/\/api\/tickets\?/, hold(data));
    await page.getByTestId('main-menu').getByRole('menuitem', { name: '工单台账' }).click();
    const bar = page.getByTestId('nav-progress');
    await bar.waitFor();
    expect(await bar.getAttribute('data-reason')).toBe('navigation');
    // the old page stays up meanwhile (the address already reads /tickets)
    expect(await page.getByTestId('workbench-todos').isVisible()).toBe(true);
    await shot(page, 'workbench-06-slow-navigation', false);
    // the code arrives and the page shows; its list is still on its way
    await expect.poll(() => code.length).toBeGreaterThan(0);
    code.splice(0).forEach((go) => go());
    await page.getByTestId('ticket-search').waitFor();
    await page.locator('[data-testid="nav-progress"][data-reason="data"]').waitFor();
    await expect.poll(() => data.length).toBeGreaterThan(0);
    await page.unroute(/TicketsPage/);
    await page.unroute(/\/api\/tickets\?/);
    data.splice(0).forEach((go) => go());
    await page.getByTestId('ticket-table').locator('.ant-table-row').first().waitFor();
    await expectNoProgress(page);
    expect(errors).toEqual([]);
  });
});

async function expectNoProgress(page: Page) {
  await page.getByTestId('nav-progress').waitFor({ state: 'detached' });
}
