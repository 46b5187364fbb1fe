import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareDecimals, isLateSubmission, monthOf } from '@xiangmu/contracts';
import { createTestContext, type Session, type TestContext } from '../test/harness';
import { sniffImage } from '../modules/attachments';
import { demoPhoto, seedDemoReports } from './demo-reports';

let ctx: TestContext;
let jk: Session;
beforeAll(async () => {
  ctx = await createTestContext({ demoSeed: true });
  jk = await ctx.sessionFor('jk_admin');
});
afterAll(() => ctx?.close());

const cur = monthOf(new Date());
const lastMonth = (() => {
  const [y, m] = cur.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
})();

describe('demo monthly reports and project problems', () => {
  it('every project under construction reported the months of 2026 so far, within its annual plan', async () => {
    const rows = await ctx.db
      .selectFrom('monthly_reports as m')
      .innerJoin('projects as p', 'p.id', 'm.project_id')
      .select(['p.id', 'p.annual_plan', 'p.stage'])
      .select((eb) => [
        eb.fn.sum<string>('m.invested').as('invested'),
        eb.fn.countAll<number>().as('months'),
      ])
      .where('m.month', '>=', '2026-01')
      .groupBy(['p.id', 'p.annual_plan', 'p.stage'])
      .execute();
    const building = await ctx.db
      .selectFrom('projects')
      .select('id')
      .where('stage', '=', 'building')
      .execute();
    expect(rows.length).toBe(building.length);
    expect(building.length).toBeGreaterThan(20);
    for (const r of rows) {
      expect(r.stage).toBe('building');
      expect(compareDecimals(String(r.invested), r.annual_plan)).toBeLessThanOrEqual(0);
      expect(compareDecimals(String(r.invested), '0')).toBe(1);
    }
    const months = await ctx.db.selectFrom('monthly_reports').select('month').distinct().execute();
    expect(months.every((m) => m.month >= '2025-01' && m.month <= cur)).toBe(true);
    // last year's reports give the dashboard its 同比
    expect(months.filter((m) => m.month.startsWith('2025-'))).toHaveLength(12);
  });

  it("last month's list has on-time, late and missing reports; earlier months are closed", async () => {
    if (!cur.startsWith('2026-') || cur === '2026-01') return; // the demo covers 2026
    const res = await ctx.request('GET', `/api/reports?month=${lastMonth}&pageSize=200`, {
      as: jk,
    });
    expect(res.body.counts.onTime).toBeGreaterThan(10);
    // unreported projects are 待报 until the deadline (the 5th), 未报 after it
    if (isLateSubmission(lastMonth, new Date()))
      expect(res.body.counts.missing).toBeGreaterThanOrEqual(1);
    else expect(res.body.counts.due).toBeGreaterThanOrEqual(1);
    const late = await ctx.db
      .selectFrom('monthly_reports')
      .select('id')
      .where('late', '=', true)
      .execute();
    expect(late.length).toBeGreaterThan(0);
    const closures = (
      await ctx.request('GET', `/api/reports/closures?month=${lastMonth}`, { as: jk })
    ).body;
    expect(closures[0].closed).toBe(false);
    if (cur >= '2026-03') {
      const earlier = (await ctx.request('GET', '/api/reports/closures?month=2026-01', { as: jk }))
        .body;
      expect(earlier[0].closed).toBe(true);
    }
    const completion = (await ctx.request('GET', '/api/reports/completion?year=2026', { as: jk }))
      .body;
    expect(Number(completion.regions[0].completion)).toBeGreaterThan(0);
    expect(Number(completion.regions[0].completion)).toBeLessThanOrEqual(100);
  });

  it('the problem ledger has open, overdue, 待销号, closed and reopened problems, and a photo to look at', async () => {
    const ledger = (
      await ctx.request('GET', '/api/tickets?source=project&pageSize=200', { as: jk })
    ).body;
    expect(ledger.counts.open).toBeGreaterThan(0);
    expect(ledger.counts.closed).toBeGreaterThan(0);
    expect(ledger.counts.overdue).toBeGreaterThan(0);
    const items = ledger.items as Array<{ id: number; status: string; rectifyBy: string | null }>;
    expect(items.some((t) => t.status === 'replied')).toBe(true);
    expect(items.filter((t) => t.rectifyBy !== null).length).toBeGreaterThanOrEqual(5);
    const reopened = await ctx.db
      .selectFrom('ticket_events')
      .select('ticket_id')
      .where('kind', '=', 'reopen')
      .execute();
    expect(reopened.length).toBeGreaterThan(0);
    const photo = await ctx.db.selectFrom('attachments').select('id').executeTakeFirstOrThrow();
    const res = await ctx.request('GET', `/api/attachments/${photo.id}`, { as: jk });
    expect([res.status, res.headers['content-type'], sniffImage(res.raw)]).toEqual([
      200,
      'image/png',
      'image/png',
    ]);
    expect(sniffImage(demoPhoto(1))).toBe('image/png');
  });

  it("the demo enterprise account reports for its company's project under construction", async () => {
    const ent = await ctx.sessionFor('jk_ent');
    const res = await ctx.request('GET', `/api/reports?month=${lastMonth}`, { as: ent });
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { projectName: string }) => i.projectName)).toEqual([
      '一汽解放新能源商用车郑州基地',
    ]);
  });

  it('runs once', async () => {
    const before = await ctx.db.selectFrom('monthly_reports').select('id').execute();
    expect(await seedDemoReports(ctx.db)).toBe(0);
    const after = await ctx.db.selectFrom('monthly_reports').select('id').execute();
    expect(after.length).toBe(before.length);
  });
});
