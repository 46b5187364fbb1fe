import { readFileSync } from 'node:fs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot } from './harness';
import { DESKTOP, PHONE, expectNoOverflow, openMenu, shot, useE2e } from './fixtures';

const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();

/** The dashboard's own JSON, read with the page's session. */
async function dashboardOf(page: Page, region?: string) {
  const res = await page.request.get(
    `${new URL(page.url()).origin}/api/dashboard?year=${year}${region ? `&regionCode=${region}` : ''}`,
  );
  expect(res.status()).toBe(200);
  return res.json();
}

describe('驾驶舱, map, big screen and briefing', () => {
  const e2e = useE2e({ server: 'shared' });

  it('市级：驾驶舱数字可点击到项目、地图下钻区县、大屏、下载简报', async () => {
    const { page, errors } = await e2e.open('city_office', { ...DESKTOP, acceptDownloads: true });
    await openMenu(page, '驾驶舱', '**/dashboard');
    const city = await dashboardOf(page);
    await expect
      .poll(() => page.getByTestId('figure-projects').textContent())
      .toContain(String(city.library.projects));
    await page.getByTestId('chart-map').locator('canvas').first().waitFor();
    // the demo projects have locations: the map draws the largest of them
    const points = await (await page.request.get(e2e.url('/api/dashboard/points'))).json();
    expect(points.points.length).toBeGreaterThan(100);
    expect(points.located).toBe(city.library.projects);
    await page.getByTestId('ranking-table').getByText('郑州经济技术开发区').waitFor();
    await shot(page, 'dashboard-city');

    // a figure opens the projects behind it: 市重点 in the level table
    const cityLevel = city.library.byLevel.find((s: { key: string }) => s.key === 'city');
    await page.getByRole('link', { name: '市重点', exact: true }).click();
    await page.waitForURL(/\/projects\?.*level=city/);
    await expect
      .poll(async () => (await page.getByTestId('projects-summary').textContent()) ?? '')
      .toContain(`共${cityLevel.projects}个项目`);
    await page.goBack();
    await page.waitForURL('**/dashboard');

    // the ranking (and the map beside it) drills down into a district
    await page.getByTestId('ranking-table').getByText('郑州经济技术开发区').click();
    await page.waitForURL(/region=410171/);
    const jk = await dashboardOf(page, '410171');
    await expect
      .poll(() => page.getByTestId('figure-projects').textContent())
      .toContain(String(jk.library.projects));
    await page.getByTestId('chart-regions').locator('canvas').first().waitFor();
    await page.getByTestId('dashboard-campaigns').getByText('第7期').first().waitFor();
    await shot(page, 'dashboard-district');

    // the briefing: a real .docx whose text carries the dashboard's figures
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      (async () => {
        await page.getByTestId('briefing-download').hover();
        await page.getByRole('menuitem', { name: '简报（Word）' }).click();
      })(),
    ]);
    expect(download.suggestedFilename()).toMatch(/郑州经济技术开发区.*简报.*\.docx$/);
    const zip = await JSZip.loadAsync(readFileSync((await download.path())!));
    const xml = await zip.file('word/document.xml')!.async('string');
    const text = xml.replace(/<[^>]+>/g, '');
    expect(text).toContain('项目建设简报');
    expect(text).toContain(`${jk.library.projects}个`);

    // the big screen: dark, full window, the same figures
    await page.getByTestId('bigscreen-open').click();
    await page.waitForURL(/\/bigscreen\?region=410171/);
    await expect
      .poll(() => page.getByTestId('big-projects').textContent())
      .toContain(String(jk.library.projects));
    const background = await page
      .getByTestId('bigscreen')
      .evaluate((el) => getComputedStyle(el).backgroundImage);
    expect(background).toContain('gradient');
    await shot(page, 'bigscreen-district');
    await page.goto(e2e.url('/bigscreen'));
    await page.getByTestId('big-map').locator('canvas').first().waitFor();
    await expect
      .poll(() => page.getByTestId('big-projects').textContent())
      .toContain(String(city.library.projects));
    await page.getByTestId('big-ranking').getByText('经济技术开发区').waitFor();
    await screenshot(page, 'bigscreen-city', { fullPage: false });

    expect(errors).toEqual([]);
  });

  it('市级设置年度目标后驾驶舱显示目标完成率', async () => {
    const { page } = await e2e.open('city_office', DESKTOP, '/dashboard?region=410171');
    await page.getByTestId('targets-open').click();
    await page.getByTestId('target-410171').fill('-1');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('请填写大于零的金额').waitFor();
    await page.getByTestId('target-410171').fill('250');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('年度目标已保存').waitFor();
    const jk = await dashboardOf(page, '410171');
    expect(jk.investment.target).toBe('2500000.00');
    await expect
      .poll(() => page.getByTestId('figure-target').textContent())
      .toContain(jk.investment.targetCompletion);
  });

  it('手机：包保领导查看本区驾驶舱，页面不横向溢出', async () => {
    const { page } = await e2e.open('jk_leader', PHONE, '/dashboard');
    const jk = await dashboardOf(page);
    expect(jk.regionCode).toBe('410171');
    await expect
      .poll(() => page.getByTestId('figure-projects').textContent())
      .toContain(String(jk.library.projects));
    expect(await page.getByTestId('targets-open').count()).toBe(0);
    await expectNoOverflow(page, 1);
    await shot(page, 'dashboard-phone');
  });
});
