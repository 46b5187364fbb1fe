import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, login, pageOverflow, screenshot } from './harness';
import { LAPTOP, PHONE, apiWrite, choose, chooseInTree, openMenu, useE2e } from './fixtures';

// These tests sign in through the form: the demo account's first sign-in
// (no forced password change) and the login page on a phone are what they check.
describe('区县管理员（演示账号 jk_admin）', () => {
  const e2e = useE2e({ server: 'shared' });

  it('菜单按角色显示（有用户管理、无后台任务），可新建用户，查看部门与区划', async () => {
    const { page, errors } = await e2e.open(null, LAPTOP);
    const server = e2e.server;
    await page.waitForURL('**/login');
    // Demo accounts are not forced to change their password.
    await login(page, server.url, 'jk_admin', DEMO_PASSWORD);
    await page.waitForURL(`${server.url}/`);
    const welcome = page.getByTestId('welcome-card');
    await welcome.waitFor();
    expect(await welcome.textContent()).toMatch(/李科长[\s\S]*区县管理员[\s\S]*郑州经济技术开发区/);

    const menu = page.getByTestId('main-menu');
    await menu.getByRole('menuitem', { name: '用户管理' }).waitFor();
    expect(await menu.getByRole('menuitem', { name: '审计日志' }).count()).toBe(1);
    expect(await menu.getByRole('menuitem', { name: '后台任务' }).count()).toBe(0);
    await screenshot(page, 'district-01-home');

    // The user list is limited to the district's accounts.
    await openMenu(page, '用户管理', '**/system/users');
    const users = page.getByTestId('users-table');
    await users.getByText('jk_unit').waitFor();
    const text = (await users.textContent()) ?? '';
    expect(text).toContain('经开区建设局');
    expect(text).not.toContain('js_admin');
    await screenshot(page, 'district-02-users');

    // Create an account: the one-time initial password is shown once.
    await page.getByTestId('user-create').click();
    const form = page.getByTestId('user-form');
    await form.getByLabel('用户名').fill('jk_e2e_officer');
    await form.getByLabel('姓名').fill('经开区建设局 测试员');
    await choose(page, form.getByLabel('角色'), '责任单位');
    await chooseInTree(page, form.getByLabel('所属区域'), '郑州经济技术开发区');
    await choose(page, form.getByLabel('所属部门（责任单位）'), '经开区建设局');
    await screenshot(page, 'district-03-user-form');
    await page.getByRole('button', { name: '创建' }).click();
    const password = page.getByTestId('initial-password');
    await password.waitFor();
    expect((await password.textContent())?.trim().length).toBeGreaterThanOrEqual(8);
    await screenshot(page, 'district-04-initial-password');
    await page.getByRole('button', { name: '我已记下，关闭' }).click();
    const created = users.locator('tr', { hasText: 'jk_e2e_officer' });
    await created.getByText('待修改密码').waitFor();

    // Departments and regions of the district.
    await menu.getByRole('menuitem', { name: '部门管理' }).click();
    await page.getByTestId('departments-table').getByText('经开区生态环境分局').waitFor();
    await screenshot(page, 'district-05-departments');
    await menu.getByRole('menuitem', { name: '行政区划' }).click();
    const regions = page.getByTestId('regions-table');
    await regions.getByText('郑州经济技术开发区', { exact: true }).waitFor();
    await page.getByPlaceholder('名称或代码').fill('潮河第1二级');
    await page.getByPlaceholder('名称或代码').press('Enter');
    await regions.getByText('潮河第1二级网格').waitFor();
    await screenshot(page, 'district-06-regions');

    // Typing the address of a city-only page shows 403, not the page.
    await page.goto(`${server.url}/system/jobs`);
    await page.getByTestId('forbidden').waitFor();
    await screenshot(page, 'district-07-jobs-forbidden');

    expect(errors).toEqual([]);
  });

  it('手机屏幕（390×844）上首页不横向溢出', async () => {
    const { page, errors } = await e2e.open(null, PHONE, '/login');
    const server = e2e.server;
    await page.getByTestId('login-submit').waitFor();
    expect((await pageOverflow(page)).document).toBeLessThanOrEqual(390);
    await screenshot(page, 'phone-01-login');

    await login(page, server.url, 'jk_admin', DEMO_PASSWORD);
    await page.waitForURL(`${server.url}/`);
    await page.getByTestId('welcome-card').waitFor();
    await page.getByTestId('workbench-todos').waitFor();
    // On a phone the menu lives in a drawer, not in a Sider.
    expect(await page.locator('.ant-layout-sider').count()).toBe(0);
    const home = await pageOverflow(page);
    expect(home.document).toBeLessThanOrEqual(home.viewport);
    expect(home.body).toBeLessThanOrEqual(home.viewport);
    await screenshot(page, 'phone-02-home');

    await page.getByTestId('menu-toggle').click();
    await page.getByRole('menuitem', { name: '用户管理' }).waitFor();
    await screenshot(page, 'phone-03-menu');
    await page.getByRole('menuitem', { name: '用户管理' }).click();
    await page.waitForURL('**/system/users');
    await page.getByTestId('users-table').getByText('jk_unit').waitFor();
    // The wide table scrolls inside itself; the page does not.
    const list = await pageOverflow(page);
    expect(list.document).toBeLessThanOrEqual(list.viewport);
    await screenshot(page, 'phone-04-users');

    expect(errors).toEqual([]);
  });
  it('登录限制：同一地址对某账号连续输错密码后只封这一对，管理员在“登录限制”里解除后即可登录', async () => {
    const { page, errors } = await e2e.open('jk_admin', LAPTOP);
    const username = `jk_lock_${Date.now() % 1_000_000}`;
    const created = await apiWrite<{ initialPassword: string }>(page, 'POST', '/api/users', {
      username,
      displayName: '登录限制测试员',
      role: 'viewer',
      regionCode: '410171',
    });
    expect(created.status).toBeLessThan(300);
    const password = created.body.initialPassword;

    // Someone at this address guesses his password five times.
    const guesser = await e2e.browser.newContext();
    const attempt = (pw: string) =>
      guesser.request.post(e2e.url('/api/auth/login'), { data: { username, password: pw } });
    try {
      for (let i = 0; i < 5; i++) expect((await attempt(`Wrong-Pass-${i}`)).status()).toBe(401);
      expect((await attempt(password)).status()).toBe(429);

      await openMenu(page, '登录限制', '**/system/login-blocks');
      const row = page.getByTestId('login-throttles').locator('tr', { hasText: username });
      await row.getByText('5次').waitFor();
      expect(await row.textContent()).toContain('禁止登录至');
      await screenshot(page, 'district-08-login-blocks');
      await row.getByRole('button', { name: '解除限制' }).click();
      await page.getByRole('button', { name: /^确\s*定$/ }).click();
      await page.getByText('已解除限制').waitFor();
      await row.waitFor({ state: 'detached' });

      // The block is lifted: the right password gets in from the same address.
      expect((await attempt(password)).status()).toBe(200);
    } finally {
      await guesser.close();
    }
    expect(errors).toEqual([]);
  });
});
