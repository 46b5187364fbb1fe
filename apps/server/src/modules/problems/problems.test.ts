import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beijingDate } from '@xiangmu/contracts';
import { createTestContext, type Session, type TestContext } from '../../test/harness';
import { projectBody } from '../../test/route-specs';
import { tinyPng } from '../../test/route-specs.reports';
import { insertDepartment } from '../users/department.repository';

let ctx: TestContext;
let jk: Session;
let js: Session;
let officer: Session;
let otherOfficer: Session;
let viewer: Session;
let projectId: number;
let secondProjectId: number;
const dept: Record<string, number> = {};
const inDays = (n: number) => beijingDate(new Date(Date.now() + n * 86400_000));

beforeAll(async () => {
  ctx = await createTestContext();
  for (const [name, region] of [
    ['经开区建设局', '410171'],
    ['经开区自然资源和规划局', '410171'],
    ['市发展和改革委员会', '410100'],
    ['金水区住建局', '410105'],
  ] as const)
    dept[name] = (await insertDepartment(ctx.db, { name, region_code: region })).id;
  await ctx.createUser({ username: 'jk_admin', role: 'district_admin', region: '410171' });
  await ctx.createUser({ username: 'js_admin', role: 'district_admin', region: '410105' });
  await ctx.createUser({
    username: 'jk_unit',
    role: 'unit_officer',
    region: '410171',
    departmentId: dept['经开区建设局']!,
  });
  await ctx.createUser({
    username: 'jk_land',
    role: 'unit_officer',
    region: '410171',
    departmentId: dept['经开区自然资源和规划局']!,
  });
  await ctx.createUser({ username: 'jk_view', role: 'viewer', region: '410171' });
  jk = await ctx.sessionFor('jk_admin');
  js = await ctx.sessionFor('js_admin');
  officer = await ctx.sessionFor('jk_unit');
  otherOfficer = await ctx.sessionFor('jk_land');
  viewer = await ctx.sessionFor('jk_view');
  const make = async (name: string) =>
    (
      await ctx.request('POST', '/api/projects', {
        as: jk,
        body: { ...projectBody(name), stage: 'building' },
      })
    ).body.id as number;
  projectId = await make('海尔压缩机项目');
  secondProjectId = await make('安图生物体外诊断产业园');
});
afterAll(() => ctx?.close());

const raise = (body: Record<string, unknown>, as = jk, project = projectId) =>
  ctx.request('POST', `/api/projects/${project}/problems`, {
    as,
    body: {
      title: '用地手续未办结',
      departmentId: dept['经开区建设局'],
      dueOn: inDays(10),
      ...body,
    },
  });
const close = (id: number, body: Record<string, unknown>, as = officer) =>
  ctx.request('POST', `/api/problems/${id}/close`, { as, body });

describe('raising a problem', () => {
  it('assigns a unit of the project region or the city, with a due date; others are refused', async () => {
    const res = await raise({ description: '需协调"三通一平"；预计两周' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      projectId,
      projectName: '海尔压缩机项目',
      status: 'open',
      overdue: false,
      departmentName: '经开区建设局',
      description: '需协调"三通一平"；预计两周',
      version: 1,
      reopenCount: 0,
    });
    expect((await raise({ departmentId: dept['市发展和改革委员会'] })).body.departmentName).toBe(
      '市发展和改革委员会',
    );
    const foreignUnit = await raise({ departmentId: dept['金水区住建局'] });
    expect([foreignUnit.body.code, foreignUnit.body.issues[0].path]).toEqual([
      'DEPARTMENT_REGION_MISMATCH',
      'departmentId',
    ]);
    expect((await raise({ dueOn: inDays(-1) })).body.code).toBe('PROBLEM_DUE_IN_PAST');
    expect((await raise({ title: ' ' })).body.issues[0].message).toBe('请填写问题');
    expect((await raise({ title: '<b>x</b>' })).status).toBe(400);
    expect((await raise({}, officer)).status).toBe(403);
    expect((await raise({}, viewer)).status).toBe(403);
    expect((await raise({}, js)).body.code).toBe('REGION_OUT_OF_SCOPE');
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'problem')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['problem.raised', 'problem.raised']);
  });

  it('may come from a monthly report of the same project only', async () => {
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    const report = await ctx.request('POST', `/api/projects/${projectId}/reports`, {
      as: jk,
      body: { month, invested: '10', progress: '施工中', problems: '电力增容' },
    });
    const res = await raise({ title: '电力增容待批复', reportId: report.body.id });
    expect([res.body.reportId, res.body.reportMonth]).toEqual([report.body.id, month]);
    const wrong = await raise({ reportId: report.body.id }, jk, secondProjectId);
    expect(wrong.body.code).toBe('REPORT_NOT_FOUND');
  });
});

describe('销号 and reopening', () => {
  it("the unit's officer closes it with evidence and a photo; another unit's officer cannot", async () => {
    const p = (await raise({ title: '施工许可证待办理' })).body;
    const notMine = await close(p.id, { evidence: '已办理', version: 1 }, otherOfficer);
    expect([notMine.status, notMine.body.code]).toEqual([403, 'PROBLEM_NOT_YOUR_DEPARTMENT']);
    expect((await close(p.id, { evidence: '  ', version: 1 })).body.issues[0].message).toBe(
      '请填写销号依据',
    );
    const photo = (
      await ctx.request('POST', `/api/projects/${projectId}/attachments?filename=permit.png`, {
        as: officer,
        upload: tinyPng(),
      })
    ).body;
    const foreignPhoto = (
      await ctx.request('POST', `/api/projects/${secondProjectId}/attachments`, {
        as: officer,
        upload: tinyPng(),
      })
    ).body;
    expect(
      (await close(p.id, { evidence: '已取得', photoId: foreignPhoto.id, version: 1 })).body.code,
    ).toBe('ATTACHMENT_PROJECT_MISMATCH');
    const done = await close(p.id, {
      evidence: '施工许可证已核发，编号410171202611001',
      photoId: photo.id,
      version: 1,
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({
      status: 'closed',
      evidence: '施工许可证已核发，编号410171202611001',
      evidencePhoto: { id: photo.id, contentType: 'image/png' },
      version: 2,
    });
    expect(done.body.closedByName).toContain('jk_unit');
    expect((await close(p.id, { evidence: '再次', version: 2 })).body.code).toBe('PROBLEM_CLOSED');
    const edit = await ctx.request('PATCH', `/api/problems/${p.id}`, {
      as: jk,
      body: { dueOn: inDays(20), version: 2 },
    });
    expect(edit.body.code).toBe('PROBLEM_CLOSED');
  });

  it('reopening needs an admin and a reason; the timeline keeps every step', async () => {
    const p = (await raise({ title: '环评批复待出具' })).body;
    const stale = await close(p.id, { evidence: '已批复', version: 99 });
    expect([stale.body.code, stale.body.current.version]).toEqual(['VERSION_CONFLICT', 1]);
    await close(p.id, { evidence: '已批复', version: 1 });
    const byOfficer = await ctx.request('POST', `/api/problems/${p.id}/reopen`, {
      as: officer,
      body: { reason: '复查', version: 2 },
    });
    expect(byOfficer.status).toBe(403);
    const noReason = await ctx.request('POST', `/api/problems/${p.id}/reopen`, {
      as: jk,
      body: { reason: '', version: 2 },
    });
    expect(noReason.body.issues[0].message).toBe('请填写重新打开的原因');
    const reopened = await ctx.request('POST', `/api/problems/${p.id}/reopen`, {
      as: jk,
      body: { reason: '复查发现批复附条件未落实', version: 2 },
    });
    expect(reopened.body).toMatchObject({
      status: 'open',
      evidence: null,
      closedAt: null,
      reopenCount: 1,
      version: 3,
    });
    expect(
      (
        await ctx.request('POST', `/api/problems/${p.id}/reopen`, {
          as: jk,
          body: { reason: '再来', version: 3 },
        })
      ).body.code,
    ).toBe('PROBLEM_NOT_CLOSED');
    const detail = (await ctx.request('GET', `/api/problems/${p.id}`, { as: viewer })).body;
    expect(
      detail.events.map((e: { action: string; note: string | null }) => [e.action, e.note]),
    ).toEqual([
      ['raised', null],
      ['closed', '已批复'],
      ['reopened', '复查发现批复附条件未落实'],
    ]);
  });

  it('an edit records what changed', async () => {
    const p = (await raise({ title: '道路红线调整' })).body;
    const res = await ctx.request('PATCH', `/api/problems/${p.id}`, {
      as: jk,
      body: { departmentId: dept['经开区自然资源和规划局'], dueOn: inDays(30), version: 1 },
    });
    expect(res.body).toMatchObject({ departmentName: '经开区自然资源和规划局', version: 2 });
    const detail = (await ctx.request('GET', `/api/problems/${p.id}`, { as: jk })).body;
    expect(detail.events[1].note).toBe(
      `责任单位：经开区建设局 → 经开区自然资源和规划局；整改期限：${inDays(10)} → ${inDays(30)}`,
    );
    // now the land bureau's officer closes it, no longer the construction bureau's
    expect((await close(p.id, { evidence: '已调整', version: 2 })).body.code).toBe(
      'PROBLEM_NOT_YOUR_DEPARTMENT',
    );
    expect((await close(p.id, { evidence: '已调整', version: 2 }, otherOfficer)).status).toBe(200);
  });
});

describe("the region's ledger", () => {
  it('filters by status (overdue too), unit, project and text, pages, and counts', async () => {
    const late = (await raise({ title: '逾期问题：排水接驳' }, jk, secondProjectId)).body;
    await ctx.db
      .updateTable('problems')
      .set({ due_on: inDays(-3) })
      .where('id', '=', late.id)
      .execute();
    const ledger = async (q: string, as = jk) => {
      const res = await ctx.request('GET', `/api/problems?${q}`, { as });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    const all = await ledger('pageSize=200');
    const rows = await ctx.db.selectFrom('problems').select(['status', 'due_on']).execute();
    const open = rows.filter((r) => r.status === 'open').length;
    expect(all.counts).toEqual({
      open,
      closed: rows.length - open,
      overdue: 1,
    });
    expect(all.total).toBe(rows.length);
    expect(all.items[0].status).toBe('open'); // open first, the most urgent due date first
    expect(all.items[0].id).toBe(late.id);
    expect(all.items[0].overdue).toBe(true);

    const overdue = await ledger('status=overdue');
    expect(overdue.items.map((p: { id: number }) => p.id)).toEqual([late.id]);
    expect(overdue.total).toBe(1);
    expect(
      (await ledger('status=closed')).items.every((p: { status: string }) => p.status === 'closed'),
    ).toBe(true);
    const byUnit = await ledger(`departmentId=${dept['经开区自然资源和规划局']}`);
    expect(byUnit.items.map((p: { title: string }) => p.title)).toEqual(['道路红线调整']);
    const byProject = await ledger(`projectId=${secondProjectId}`);
    expect(byProject.items.map((p: { id: number }) => p.id)).toEqual([late.id]);
    const text = await ledger(`q=${encodeURIComponent('排水')}`);
    expect(text.total).toBe(1);
    expect((await ledger(`q=${encodeURIComponent('安图')}`)).total).toBe(1); // project name
    expect((await ledger(`q=${encodeURIComponent('%')}`)).total).toBe(0);
    const page = await ledger('pageSize=2&page=2');
    expect(page.items).toHaveLength(2);
    expect(page.items[0].id).toBe(all.items[2].id);
    expect((await ledger('regionCode=410171561')).total).toBe(0); // 潮河街道 has none

    // the unit officer sees his region's ledger; another district sees nothing
    expect((await ledger('pageSize=200', officer)).total).toBe(all.total);
    const foreign = await ledger('pageSize=200', js);
    expect([foreign.total, foreign.counts.open]).toEqual([0, 0]);
    const outside = await ctx.request('GET', `/api/problems/${late.id}`, { as: js });
    expect(outside.body.code).toBe('REGION_OUT_OF_SCOPE');
  });

  it("a project's problems, open ones first", async () => {
    const res = await ctx.request('GET', `/api/projects/${projectId}/problems`, { as: viewer });
    expect(res.status).toBe(200);
    const statuses = res.body.map((p: { status: string }) => p.status);
    expect(statuses).toEqual([...statuses].sort((a, b) => (a === b ? 0 : a === 'open' ? -1 : 1)));
    expect(statuses).toContain('closed');
    const open = await ctx.request('GET', `/api/projects/${projectId}/problems?status=open`, {
      as: viewer,
    });
    expect(open.body.every((p: { status: string }) => p.status === 'open')).toBe(true);
    expect(open.body.length).toBe(statuses.filter((s: string) => s === 'open').length);
  });
});
