import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isLateSubmission,
  monthOf,
  nextMonth,
  percentOf,
  reportDeadline,
  REPORT_DEADLINE_DAY,
} from '@xiangmu/contracts';
import { createTestContext, hasChinese, type Session, type TestContext } from '../../test/harness';
import { projectBody } from '../../test/route-specs';
import { tinyPng } from '../../test/route-specs.reports';
import { purgeAttachmentsJob } from '../attachments';

let ctx: TestContext;
let city: Session;
let jk: Session;
let js: Session;
let viewer: Session;
const cur = monthOf(new Date());

beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'city1', role: 'city_admin', region: '410100' });
  await ctx.createUser({ username: 'jk_admin', role: 'district_admin', region: '410171' });
  await ctx.createUser({ username: 'js_admin', role: 'district_admin', region: '410105' });
  await ctx.createUser({ username: 'jk_view', role: 'viewer', region: '410171' });
  city = await ctx.sessionFor('city1');
  jk = await ctx.sessionFor('jk_admin');
  js = await ctx.sessionFor('js_admin');
  viewer = await ctx.sessionFor('jk_view');
});
afterAll(() => ctx?.close());

/** A project in 经开区 (or elsewhere); `since` back-dates its stage timeline. */
async function project(
  name: string,
  o: {
    stage?: string;
    region?: string;
    since?: string;
    planYear?: number;
    annualPlan?: string;
  } = {},
) {
  const res = await ctx.request('POST', '/api/projects', {
    as: city,
    body: {
      ...projectBody(name),
      regionCode: o.region ?? '410171',
      totalInvestment: '100000',
      annualPlan: o.annualPlan ?? '30000',
      planYear: o.planYear ?? 2026,
      stage: o.stage ?? 'building',
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  if (o.since)
    await ctx.db
      .updateTable('project_stage_events')
      .set({ occurred_on: o.since })
      .where('project_id', '=', res.body.id)
      .execute();
  return res.body.id as number;
}

const submit = (as: Session, id: number, body: Record<string, unknown>) =>
  ctx.request('POST', `/api/projects/${id}/reports`, {
    as,
    body: { progress: '主体施工', ...body },
  });

const list = async (as: Session, query: string) => {
  const res = await ctx.request('GET', `/api/reports?pageSize=200&${query}`, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

describe('the deadline rule and exact percentages', () => {
  it(`a month's report is on time through day ${REPORT_DEADLINE_DAY} of the next month, Beijing time`, () => {
    expect(reportDeadline('2026-10')).toBe('2026-11-05');
    expect(reportDeadline('2026-12')).toBe('2027-01-05');
    expect(nextMonth('2026-12')).toBe('2027-01');
    // 2026-11-05 23:59 in Beijing is 15:59 UTC
    expect(isLateSubmission('2026-10', new Date('2026-11-05T15:59:00Z'))).toBe(false);
    expect(isLateSubmission('2026-10', new Date('2026-11-05T16:00:00Z'))).toBe(true);
    expect(isLateSubmission('2026-10', new Date('2026-10-20T00:00:00Z'))).toBe(false);
  });

  it.each([
    ['450.5', '1000', '45.1'],
    ['1', '3', '33.3'],
    ['2', '3', '66.7'],
    ['0.3', '0.1', '300.0'],
    ['21150000', '20000000', '105.8'],
    ['12345678901234.56', '12345678901234.56', '100.0'],
    ['0', '5', '0.0'],
  ])('%s ÷ %s = %s%%', (part, whole, pct) => {
    expect(percentOf(part, whole)).toBe(pct);
  });

  it('no plan, no rate', () => expect(percentOf('10', '0')).toBeNull());
});

describe('submitting a month', () => {
  it('a district reports a project under construction: exact 万元, on time this month', async () => {
    const id = await project('一汽解放新能源商用车郑州基地');
    const res = await submit(jk, id, {
      month: cur,
      invested: '1234.56',
      progress: '主体结构封顶，设备进场',
      problems: '电力增容待批复',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      projectId: id,
      month: cur,
      invested: '1234.56',
      late: false,
      closed: false,
      source: 'form',
      deadline: reportDeadline(cur),
      version: 1,
    });
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'region_code'])
      .where('entity_type', '=', 'monthly_report')
      .where('entity_id', '=', String(res.body.id))
      .execute();
    expect(audit).toEqual([{ action: 'report.submitted', region_code: '410171' }]);

    const again = await submit(jk, id, { month: cur, invested: '1' });
    expect([again.status, again.body.code]).toEqual([409, 'REPORT_EXISTS']);
  });

  it('refuses future months, projects not under way, other regions, read-only roles and bad amounts', async () => {
    const id = await project('瞪羚产业园二期');
    const future = await submit(jk, id, { month: nextMonth(cur), invested: '1' });
    expect(future.body.code).toBe('REPORT_MONTH_IN_FUTURE');
    const planned = await project('谋划中的项目', { stage: 'planned' });
    const notYet = await submit(jk, planned, { month: cur, invested: '1' });
    expect(notYet.body.code).toBe('REPORT_STAGE_NOT_REPORTING');
    expect(notYet.body.message).toContain('谋划');
    expect((await submit(js, id, { month: cur, invested: '1' })).body.code).toBe(
      'REGION_OUT_OF_SCOPE',
    );
    expect((await submit(viewer, id, { month: cur, invested: '1' })).status).toBe(403);
    const tooMuch = await submit(jk, id, { month: cur, invested: '100000.01' });
    expect([tooMuch.status, tooMuch.body.issues[0].path]).toEqual([400, 'invested']);
    const decimals = await submit(jk, id, { month: cur, invested: '12.345' });
    expect(decimals.status).toBe(400);
    expect(hasChinese(decimals.body.issues[0].message)).toBe(true);
    const empty = await submit(jk, id, { month: cur, invested: '1', progress: '  ' });
    expect(empty.body.issues[0]).toMatchObject({ path: 'progress', message: '请填写形象进度' });
    expect(
      await ctx.db
        .selectFrom('monthly_reports')
        .select('id')
        .where('project_id', 'in', [id, planned])
        .execute(),
    ).toEqual([]);
  });

  it('a report first submitted after the deadline is 迟报; a later edit keeps it so', async () => {
    const id = await project('迟报项目', { since: '2025-01-01' });
    const res = await submit(jk, id, { month: '2025-06', invested: '500' });
    expect(res.body.late).toBe(true);
    const edit = await ctx.request('PATCH', `/api/reports/${res.body.id}`, {
      as: jk,
      body: { invested: '600', version: 1 },
    });
    expect([edit.status, edit.body.invested, edit.body.late, edit.body.version]).toEqual([
      200,
      '600.00',
      true,
      2,
    ]);
    const stale = await ctx.request('PATCH', `/api/reports/${res.body.id}`, {
      as: jk,
      body: { invested: '700', version: 1 },
    });
    expect([stale.status, stale.body.code, stale.body.current.invested]).toEqual([
      409,
      'VERSION_CONFLICT',
      '600.00',
    ]);
  });
});

describe("the month's list: 按时, 迟报, 未报, 待报", () => {
  it('lists projects that owed the month (在建 at its end) or reported, with status, counts and sums', async () => {
    const onTime = await project('按时项目', { since: '2025-01-01' });
    const missing = await project('未报项目', { since: '2025-01-01' });
    await project('当年才开工的项目', { since: '2025-08-01' });
    await project('前期项目', { stage: 'preparing', since: '2025-01-01' });
    const prepReported = await project('前期但已报的项目', {
      stage: 'preparing',
      since: '2025-01-01',
    });
    // on time: imagine it was submitted in time (the rule itself is tested above)
    const r1 = await submit(jk, onTime, { month: '2025-07', invested: '0.10' });
    await ctx.db
      .updateTable('monthly_reports')
      .set({ late: false })
      .where('id', '=', r1.body.id)
      .execute();
    await submit(jk, prepReported, { month: '2025-07', invested: '0.20' });

    const body = await list(jk, 'month=2025-07');
    const byName = Object.fromEntries(
      body.items.map((i: { projectName: string; status: string }) => [i.projectName, i.status]),
    );
    expect(byName).toMatchObject({
      按时项目: 'on_time',
      未报项目: 'missing',
      前期但已报的项目: 'late',
    });
    // started after July, or not under construction: owed nothing
    expect(byName['当年才开工的项目']).toBeUndefined();
    expect(byName['前期项目']).toBeUndefined();
    expect(body.items[0].status).toBe('missing'); // missing first
    expect(body.counts).toMatchObject({ onTime: 1, late: 1, due: 0 });
    expect(body.counts.missing).toBeGreaterThanOrEqual(1);
    expect(body.investedSum).toBe('0.3'); // exact: 0.1 + 0.2
    expect(body.deadline).toBe('2025-08-05');

    const onlyMissing = await list(jk, 'month=2025-07&status=missing');
    expect(onlyMissing.items.every((i: { status: string }) => i.status === 'missing')).toBe(true);
    expect(onlyMissing.total).toBe(body.counts.missing);
    expect(onlyMissing.items.map((i: { projectId: number }) => i.projectId)).toContain(missing);
    const found = await list(jk, `month=2025-07&q=${encodeURIComponent('按时')}`);
    expect(found.items.map((i: { projectName: string }) => i.projectName)).toEqual(['按时项目']);
    // pinyin initials of 按时项目
    expect((await list(jk, 'month=2025-07&q=asxm')).total).toBe(1);
  });

  it('this month, before its deadline, an unreported project is 待报', async () => {
    const id = await project('本月待报项目');
    const body = await list(jk, `month=${cur}`);
    const item = body.items.find((i: { projectId: number }) => i.projectId === id);
    expect(item.status).toBe('due');
    expect(item.report).toBeNull();
  });

  it('another district sees none of it', async () => {
    const body = await list(js, 'month=2025-07');
    expect(body.items).toEqual([]);
    expect(body.counts.total).toBe(0);
  });
});

describe('closing a month', () => {
  it('the district closes a past month; new and changed reports are refused in Chinese; the city reopens with a reason', async () => {
    const id = await project('关闭月份项目', { since: '2025-01-01' });
    const other = await project('关闭月份项目乙', { since: '2025-01-01' });
    const report = (await submit(jk, other, { month: '2025-09', invested: '10' })).body;

    const notOver = await ctx.request('POST', '/api/reports/closures', {
      as: jk,
      body: { regionCode: '410171', month: cur },
    });
    expect(notOver.body.code).toBe('MONTH_NOT_OVER');
    const foreign = await ctx.request('POST', '/api/reports/closures', {
      as: js,
      body: { regionCode: '410171', month: '2025-09' },
    });
    expect(foreign.body.code).toBe('REGION_OUT_OF_SCOPE');
    const street = await ctx.request('POST', '/api/reports/closures', {
      as: jk,
      body: { regionCode: '410171561', month: '2025-09' },
    });
    expect(street.body.code).toBe('CLOSURE_REGION_INVALID');

    const close = await ctx.request('POST', '/api/reports/closures', {
      as: jk,
      body: { regionCode: '410171', month: '2025-09' },
    });
    expect(close.body).toEqual({ month: '2025-09', regions: ['410171'] });
    const twice = await ctx.request('POST', '/api/reports/closures', {
      as: jk,
      body: { regionCode: '410171', month: '2025-09' },
    });
    expect(twice.body.code).toBe('MONTH_ALREADY_CLOSED');

    const late = await submit(jk, id, { month: '2025-09', invested: '5' });
    expect([late.status, late.body.code]).toEqual([409, 'REPORT_MONTH_CLOSED']);
    expect(late.body.message).toContain('2025-09的调度已关闭');
    const change = await ctx.request('PATCH', `/api/reports/${report.id}`, {
      as: jk,
      body: { invested: '11', version: report.version },
    });
    expect(change.body.code).toBe('REPORT_MONTH_CLOSED');
    const got = await ctx.request('GET', `/api/reports/${report.id}`, { as: viewer });
    expect(got.body.closed).toBe(true);

    const month = await list(jk, 'month=2025-09');
    const row = month.items.find((i: { projectId: number }) => i.projectId === id);
    expect([row.status, row.closed]).toEqual(['missing', true]);
    const closures = (await ctx.request('GET', '/api/reports/closures?month=2025-09', { as: jk }))
      .body;
    expect(closures).toHaveLength(1);
    expect(closures[0]).toMatchObject({ regionCode: '410171', closed: true });
    expect(closures[0].closedBy).toContain('jk_admin');
    expect(closures[0].counts.missing).toBeGreaterThanOrEqual(1);

    const byDistrict = await ctx.request('POST', '/api/reports/closures/reopen', {
      as: jk,
      body: { regionCode: '410171', month: '2025-09', reason: '补报' },
    });
    expect(byDistrict.status).toBe(403);
    const noReason = await ctx.request('POST', '/api/reports/closures/reopen', {
      as: city,
      body: { regionCode: '410171', month: '2025-09', reason: ' ' },
    });
    expect(noReason.body.issues[0]).toMatchObject({ path: 'reason' });
    const reopen = await ctx.request('POST', '/api/reports/closures/reopen', {
      as: city,
      body: { regionCode: '410171', month: '2025-09', reason: '补报漏报项目' },
    });
    expect(reopen.body).toEqual({ month: '2025-09', regions: ['410171'] });
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select(['after', 'actor_name'])
      .where('action', '=', 'report.month_reopened')
      .executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ reason: '补报漏报项目', regions: ['410171'] });
    expect((await submit(jk, id, { month: '2025-09', invested: '5' })).status).toBe(200);
  });

  it('the city closes the whole city at once: its own projects and every district', async () => {
    const res = await ctx.request('POST', '/api/reports/closures', {
      as: city,
      body: { regionCode: '410100', month: '2025-10' },
    });
    expect(res.status).toBe(200);
    expect(res.body.regions).toContain('410100');
    expect(res.body.regions).toContain('410171');
    expect(res.body.regions).toContain('410105');
    const units = (await ctx.request('GET', '/api/reports/closures?month=2025-10', { as: city }))
      .body;
    expect(units[0]).toMatchObject({ regionCode: '410100', regionName: '郑州市本级' });
    expect(units.length).toBe(17);
    expect(units.every((u: { closed: boolean }) => u.closed)).toBe(true);
    const jinshui = await project('金水区项目', { region: '410105', since: '2025-01-01' });
    expect((await submit(js, jinshui, { month: '2025-10', invested: '1' })).body.code).toBe(
      'REPORT_MONTH_CLOSED',
    );
  });
});

describe('annual completion: invested this year ÷ annual plan', () => {
  it('per project and per district, exact', async () => {
    const a = await project('完成率项目甲', {
      since: '2025-01-01',
      planYear: 2025,
      annualPlan: '300',
    });
    const b = await project('完成率项目乙', {
      since: '2025-01-01',
      planYear: 2025,
      annualPlan: '0.30',
    });
    await submit(jk, a, { month: '2025-03', invested: '100.10' });
    await submit(jk, a, { month: '2025-04', invested: '0.20' });
    await submit(jk, b, { month: '2025-04', invested: '0.10' });

    const mine = (await ctx.request('GET', `/api/projects/${a}/reports?year=2025`, { as: viewer }))
      .body;
    expect([mine.yearInvested, mine.annualPlan, mine.completion]).toEqual([
      '100.3',
      '300.00',
      '33.4',
    ]);
    expect(mine.months).toHaveLength(12);
    const march = mine.months[2];
    expect([march.month, march.status, march.report.invested]).toEqual([
      '2025-03',
      'late',
      '100.10',
    ]);
    expect(mine.months[4].status).toBe('missing'); // May: under construction, nothing reported
    // a plan for another year gives no rate
    expect(
      (await ctx.request('GET', `/api/projects/${a}/reports?year=2026`, { as: viewer })).body
        .completion,
    ).toBeNull();

    const fig = (await ctx.request('GET', '/api/reports/completion?year=2025', { as: jk })).body;
    const jingkai = fig.regions.find(
      (r: { regionName: string }) => r.regionName === '郑州经济技术开发区',
    );
    // every 2025 report in 经开区 so far, and the two 2025 plans
    const reported = await ctx.db
      .selectFrom('monthly_reports')
      .select((eb) => eb.fn.sum<string>('invested').as('s'))
      .where('month', 'like', '2025-%')
      .where('region_code', '=', '410171')
      .executeTakeFirstOrThrow();
    expect(jingkai.annualPlan).toBe('300.3');
    expect(jingkai.projects).toBe(2);
    expect(Number(jingkai.invested)).toBe(Number(reported.s));
    expect(jingkai.completion).toBe(percentOf(jingkai.invested, '300.3'));
    expect(jingkai.months[3]).not.toBe('0'); // April
    expect(fig.regions[0].regionName).toBe('郑州经济技术开发区（合计）');
    // another district sees only its own figures
    const other = (await ctx.request('GET', '/api/reports/completion?year=2025', { as: js })).body;
    expect(other.regions.map((r: { regionCode: string }) => r.regionCode)).toEqual([
      '410105',
      '410105',
    ]);
  });
});

describe('photos', () => {
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(20, 1)]);
  const webp = Buffer.concat([
    Buffer.from('RIFF'),
    Buffer.from([0x20, 0, 0, 0]),
    Buffer.from('WEBPVP8 '),
    Buffer.alloc(20, 2),
  ]);
  const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
  const upload = (as: Session, projectId: number, file: Buffer, type?: string) =>
    ctx.request(
      'POST',
      `/api/projects/${projectId}/attachments?filename=${encodeURIComponent('现场/照片.png')}`,
      {
        as,
        upload: file,
        ...(type ? { headers: { 'content-type': type } } : {}),
      },
    );

  it('PNG, JPEG and WebP by their first bytes; other files, empty and oversized ones are refused', async () => {
    const id = await project('照片项目');
    const png = await upload(jk, id, tinyPng());
    expect(png.status, JSON.stringify(png.body)).toBe(200);
    expect(png.body).toMatchObject({
      contentType: 'image/png',
      size: tinyPng().length,
      filename: '照片.png',
    });
    expect((await upload(jk, id, jpeg)).body.contentType).toBe('image/jpeg');
    expect((await upload(jk, id, webp)).body.contentType).toBe('image/webp');
    // declared as PNG, but it is a GIF
    const fake = await upload(jk, id, gif, 'image/png');
    expect([fake.status, fake.body.code]).toEqual([415, 'ATTACHMENT_TYPE_INVALID']);
    const html = await upload(
      jk,
      id,
      Buffer.from('<html><script>alert(1)</script></html>'),
      'image/jpeg',
    );
    expect(html.status).toBe(415);
    const big = Buffer.concat([tinyPng(), Buffer.alloc(10 * 1024 * 1024)]);
    const tooBig = await upload(jk, id, big);
    expect([tooBig.status, tooBig.body.code]).toEqual([413, 'ATTACHMENT_TOO_LARGE']);
    const empty = await upload(jk, id, Buffer.alloc(0), 'image/png');
    expect(empty.status).toBe(400);
    expect((await upload(viewer, id, tinyPng())).status).toBe(403);
    expect((await upload(js, id, tinyPng())).body.code).toBe('REGION_OUT_OF_SCOPE');
    const json = await ctx.request('POST', `/api/projects/${id}/attachments`, {
      as: jk,
      body: { data: 'x' },
    });
    expect(json.status).toBe(415);
    const stored = await ctx.db
      .selectFrom('attachments')
      .select('id')
      .where('project_id', '=', id)
      .execute();
    expect(stored).toHaveLength(3);
  });

  it("a report's photos come back with it and as bytes, scoped and never sniffed", async () => {
    const id = await project('照片报告项目');
    const other = await project('别的项目');
    const a = (await upload(jk, id, tinyPng())).body;
    const b = (await upload(jk, id, jpeg)).body;
    const foreign = (await upload(jk, other, tinyPng())).body;
    const wrong = await submit(jk, id, { month: cur, invested: '1', photoIds: [a.id, foreign.id] });
    expect(wrong.body.code).toBe('ATTACHMENT_PROJECT_MISMATCH');
    const res = await submit(jk, id, { month: cur, invested: '1', photoIds: [b.id, a.id] });
    expect(res.body.photos.map((p: { id: number }) => p.id)).toEqual([b.id, a.id]);
    const edit = await ctx.request('PATCH', `/api/reports/${res.body.id}`, {
      as: jk,
      body: { photoIds: [a.id], version: 1 },
    });
    expect(edit.body.photos.map((p: { id: number }) => p.id)).toEqual([a.id]);

    const got = await ctx.request('GET', `/api/attachments/${a.id}`, { as: viewer });
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('image/png');
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.raw.equals(tinyPng())).toBe(true);
    const outside = await ctx.request('GET', `/api/attachments/${a.id}`, { as: js });
    expect(outside.body.code).toBe('REGION_OUT_OF_SCOPE');
    expect((await ctx.request('GET', '/api/attachments/999999', { as: jk })).body.code).toBe(
      'ATTACHMENT_NOT_FOUND',
    );
  });

  it('the purge job removes photos nobody used within a day, and keeps the used ones', async () => {
    const id = await project('清理照片项目');
    const used = (await upload(jk, id, tinyPng())).body;
    const unused = (await upload(jk, id, tinyPng())).body;
    const fresh = (await upload(jk, id, tinyPng())).body;
    await submit(jk, id, { month: cur, invested: '1', photoIds: [used.id] });
    await ctx.db
      .updateTable('attachments')
      .set({ created_at: new Date(Date.now() - 25 * 3600_000) } as never)
      .where('id', 'in', [used.id, unused.id])
      .execute();
    const result = await purgeAttachmentsJob.handler({ db: ctx.db, payload: {}, jobId: 0 });
    expect(result).toEqual({ deleted: 1 });
    const left = await ctx.db
      .selectFrom('attachments')
      .select('id')
      .where('project_id', '=', id)
      .orderBy('id')
      .execute();
    expect(left.map((r) => r.id)).toEqual([used.id, fresh.id]);
  });
});

describe('an enterprise fills in its own projects', () => {
  const code = projectBody('x').ownerCreditCode;
  it("admins store the company's credit code on enterprise accounts only", async () => {
    const created = await ctx.request('POST', '/api/users', {
      as: jk,
      body: {
        username: 'haier_contact',
        displayName: '海尔联络员',
        role: 'enterprise',
        regionCode: '410171',
        creditCode: code.toLowerCase(),
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.user.creditCode).toBe(code);
    const wrongRole = await ctx.request('POST', '/api/users', {
      as: jk,
      body: {
        username: 'viewer_with_code',
        displayName: '查看',
        role: 'viewer',
        regionCode: '410171',
        creditCode: code,
      },
    });
    expect(wrongRole.body.issues[0]).toMatchObject({
      path: 'creditCode',
      message: '只有企业账号可以填写统一社会信用代码',
    });
    const badCode = await ctx.request('POST', '/api/users', {
      as: jk,
      body: {
        username: 'bad_code',
        displayName: '企业',
        role: 'enterprise',
        regionCode: '410171',
        creditCode: '91410100MA9GL8K3X0',
      },
    });
    expect(badCode.body.issues[0].path).toBe('creditCode');
    // another role drops the code
    const moved = await ctx.request('PATCH', `/api/users/${created.body.user.id}`, {
      as: jk,
      body: { role: 'viewer', version: created.body.user.version },
    });
    expect(moved.body.creditCode).toBeNull();
    const back = await ctx.request('PATCH', `/api/users/${created.body.user.id}`, {
      as: jk,
      body: { role: 'enterprise', creditCode: code, version: moved.body.version },
    });
    expect(back.body.creditCode).toBe(code);
  });

  it('sees and reports only for projects with its credit code; no region figures, no imports', async () => {
    await ctx.db
      .updateTable('users')
      .set({ must_change_password: false })
      .where('username', '=', 'haier_contact')
      .execute();
    const ent = await ctx.sessionFor('haier_contact');
    const own = await project('海尔压缩机项目（企业填报）');
    const res = await ctx.request('POST', '/api/projects', {
      as: city,
      body: {
        ...projectBody('别家企业的项目'),
        ownerCreditCode: '91350100M000100Y43',
        stage: 'building',
      },
    });
    const foreign = res.body.id as number;
    const mine = await submit(ent, own, { month: cur, invested: '88.8', progress: '设备安装' });
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body.reporterName).toContain('haier_contact');
    const other = await submit(ent, foreign, { month: cur, invested: '1' });
    expect([other.status, other.body.code]).toEqual([403, 'ENTERPRISE_NOT_OWNER']);
    const theirs = (await submit(jk, foreign, { month: cur, invested: '2' })).body;
    expect((await ctx.request('GET', `/api/reports/${theirs.id}`, { as: ent })).body.code).toBe(
      'ENTERPRISE_NOT_OWNER',
    );
    expect((await ctx.request('GET', `/api/projects/${foreign}/reports`, { as: ent })).status).toBe(
      403,
    );
    const listed = await list(ent, `month=${cur}`);
    const names = listed.items.map((i: { projectName: string }) => i.projectName);
    expect(names).toContain('海尔压缩机项目（企业填报）');
    expect(names).not.toContain('别家企业的项目');
    // projectBody's code: every fixture project of this file is "his" except the foreign one
    expect(names.length).toBe(listed.counts.total);

    const photo = await ctx.request('POST', `/api/projects/${own}/attachments`, {
      as: ent,
      upload: tinyPng(),
    });
    expect(photo.status).toBe(200);
    expect(
      (
        await ctx.request('POST', `/api/projects/${foreign}/attachments`, {
          as: ent,
          upload: tinyPng(),
        })
      ).body.code,
    ).toBe('ENTERPRISE_NOT_OWNER');
    for (const url of [
      `/api/reports/closures?month=${cur}`,
      '/api/reports/completion',
      '/api/reports/import-template',
      '/api/reports/imports',
    ])
      expect((await ctx.request('GET', url, { as: ent })).status, url).toBe(403);

    // without a credit code an enterprise account sees and reports nothing
    await ctx.createUser({ username: 'no_code', role: 'enterprise', region: '410171' });
    const none = await ctx.sessionFor('no_code');
    expect((await list(none, `month=${cur}`)).items).toEqual([]);
    expect((await submit(none, own, { month: '2025-01', invested: '1' })).body.code).toBe(
      'ENTERPRISE_NOT_OWNER',
    );
  });
});
