import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaToday } from '../../platform/calendar/today';
import { WorkCalendar } from '../../platform/calendar/work-calendar';
import { createTestContext, type Session, type TestContext } from '../../test/harness';
import { projectBody } from '../../test/route-specs';
import { rateAllMilestones } from './milestone.service';

let ctx: TestContext;
let city: Session;
let jk: Session;
let js: Session;
let leader: Session;
let leaderId: number;
let otherLeader: Session;
let viewerId: number;
let siblingLeaderId: number;
let projectId: number;
let templateId: number;
const today = chinaToday();
const cal = new WorkCalendar();

beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'city1', role: 'city_admin', region: '410100' });
  await ctx.createUser({ username: 'jk_admin', role: 'district_admin', region: '410171' });
  await ctx.createUser({ username: 'js_admin', role: 'district_admin', region: '410105' });
  leaderId = await ctx.createUser({ username: 'jk_leader', role: 'leader', region: '410171' });
  await ctx.createUser({ username: 'jk_leader2', role: 'leader', region: '410171' });
  viewerId = await ctx.createUser({ username: 'jk_viewer', role: 'viewer', region: '410171' });
  siblingLeaderId = await ctx.createUser({
    username: 'js_leader',
    role: 'leader',
    region: '410105',
  });
  city = await ctx.sessionFor('city1');
  jk = await ctx.sessionFor('jk_admin');
  js = await ctx.sessionFor('js_admin');
  leader = await ctx.sessionFor('jk_leader');
  otherLeader = await ctx.sessionFor('jk_leader2');
  projectId = (await newProject('节点测试项目')).id;
  const t = await ctx.request('POST', '/api/milestone-templates', {
    as: city,
    body: {
      name: '两节点',
      steps: [
        { name: '开工', workdaysToNext: 10 },
        { name: '投产', workdaysToNext: 0 },
      ],
    },
  });
  expect(t.status, JSON.stringify(t.body)).toBe(200);
  templateId = t.body.id;
});
afterAll(() => ctx?.close());

async function newProject(name: string, region = '410171') {
  const res = await ctx.request('POST', '/api/projects', {
    as: city,
    body: { ...projectBody(name), regionCode: region },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { id: number };
}

const plan = (as: Session, pid: number, body: Record<string, unknown>) =>
  ctx.request('POST', `/api/projects/${pid}/milestones/plan`, {
    as,
    body: { templateId, ownerName: '区发改委', ...body },
  });
const addNode = (as: Session, pid: number, body: Record<string, unknown>) =>
  ctx.request('POST', `/api/projects/${pid}/milestones`, {
    as,
    body: { name: '节点', ownerName: '区住建局', ...body },
  });
const nodes = async (pid: number) =>
  (await ctx.request('GET', `/api/projects/${pid}/milestones`, { as: city })).body as {
    id: number;
    name: string;
    dueOn: string;
    status: string;
    version: number;
    doneOn: string | null;
  }[];

describe('倒排工期 from a template', () => {
  it('ships the standard templates, with the land → production chain', async () => {
    const res = await ctx.request('GET', '/api/milestone-templates', { as: jk });
    expect(res.status).toBe(200);
    const standard = res.body.find((t: { name: string }) => t.name === '工业项目（标准）');
    expect(standard.steps.map((s: { name: string }) => s.name)).toEqual([
      '土地摘牌',
      '取得建设工程规划许可证',
      '取得施工许可证',
      '开工建设',
      '主体封顶',
      '竣工验收',
      '投产达效',
    ]);
  });

  it('works the standard chain back from the target in working days', async () => {
    const p = await newProject('标准倒排项目');
    const templates = (await ctx.request('GET', '/api/milestone-templates', { as: jk })).body;
    const standard = templates.find((t: { name: string }) => t.name === '工业项目（标准）');
    const res = await plan(jk, p.id, { templateId: standard.id, targetOn: '2027-06-30' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toHaveLength(7);
    const due = Object.fromEntries(res.body.map((m: any) => [m.name, m.dueOn]));
    expect(due['投产达效']).toBe('2027-06-30');
    expect(due['竣工验收']).toBe(cal.workdaysBefore('2027-06-30', 20));
    expect(due['土地摘牌']).toBe(cal.workdaysBefore('2027-06-30', 245));
    // each earlier node lies exactly its working days before the next one
    expect(cal.workdaysBetween(due['主体封顶'], due['竣工验收'])).toBe(60);
    expect(res.body.every((m: any) => m.targetOn === '2027-06-30')).toBe(true);
  });

  it('crosses National Day 2026 on the official calendar', async () => {
    const p = await newProject('国庆倒排项目');
    const res = await plan(jk, p.id, { targetOn: '2026-10-15' });
    expect(res.status).toBe(200);
    // back from 15 Oct: 14, 13, 12, 10 (Saturday 调休), 9, 8 Oct; 1–7 Oct off;
    // 30, 29, 28 Sep; 25 Sep is 中秋节; so the tenth working day back is 24 Sep
    expect(res.body.find((m: any) => m.name === '开工').dueOn).toBe('2026-09-24');
  });

  it('refuses a second plan over open nodes unless told to replace; done nodes stay', async () => {
    const p = await newProject('重排项目');
    expect((await plan(jk, p.id, { targetOn: '2027-05-31' })).status).toBe(200);
    const again = await plan(jk, p.id, { targetOn: '2027-06-30' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('MILESTONES_EXIST');
    const first = (await nodes(p.id))[0]!;
    const done = await ctx.request('POST', `/api/milestones/${first.id}/complete`, {
      as: jk,
      body: { version: first.version, doneOn: today, evidence: '已开工' },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const replaced = await plan(jk, p.id, { targetOn: '2027-06-30', replace: true });
    expect(replaced.status).toBe(200);
    const after = await nodes(p.id);
    expect(after).toHaveLength(3);
    expect(after.filter((m) => m.status === 'done').map((m) => m.id)).toEqual([first.id]);
    expect(after.filter((m) => m.status !== 'done').every((m) => m.dueOn >= '2027-06-01')).toBe(
      true,
    );
  });

  it('refuses owners who are not on the project region line, and viewers', async () => {
    for (const ownerUserId of [siblingLeaderId, viewerId, 999999]) {
      const res = await addNode(jk, projectId, { dueOn: '2027-01-15', ownerUserId });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('MILESTONE_OWNER_INVALID');
    }
    const owners = await ctx.request('GET', `/api/projects/${projectId}/milestone-owners`, {
      as: jk,
    });
    const ids = owners.body.map((o: { id: number }) => o.id);
    expect(ids).toContain(leaderId);
    expect(ids).not.toContain(siblingLeaderId);
    expect(ids).not.toContain(viewerId);
  });

  it('keeps other regions out and bad input out, writing nothing', async () => {
    const before = (await nodes(projectId)).length;
    expect((await plan(js, projectId, { targetOn: '2027-01-01' })).status).toBe(403);
    expect((await addNode(leader, projectId, { dueOn: '2027-01-01' })).status).toBe(403);
    const bad = await addNode(jk, projectId, { dueOn: '2027-02-30' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/[\u4e00-\u9fff]/);
    expect((await nodes(projectId)).length).toBe(before);
    const badTemplate = await ctx.request('POST', '/api/milestone-templates', {
      as: city,
      body: { name: '坏模板', steps: [{ name: '开工', workdaysToNext: -3 }] },
    });
    expect(badTemplate.status).toBe(400);
    const taken = await ctx.request('POST', '/api/milestone-templates', {
      as: city,
      body: { name: '两节点', steps: [{ name: '开工', workdaysToNext: 0 }] },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('TEMPLATE_NAME_TAKEN');
  });
});

describe('owners, completion and "my milestones"', () => {
  it('the owner completes his node with evidence; another leader may not', async () => {
    const node = await addNode(jk, projectId, {
      name: '取得施工许可证',
      dueOn: '2026-12-31',
      ownerUserId: leaderId,
      ownerName: '王副主任',
    });
    expect(node.status, JSON.stringify(node.body)).toBe(200);
    const mine = await ctx.request('GET', '/api/milestones?mine=true', { as: leader });
    expect(mine.body.items.map((m: { id: number }) => m.id)).toContain(node.body.id);
    const notHis = await ctx.request('GET', '/api/milestones?mine=true', { as: otherLeader });
    expect(notHis.body.items.map((m: { id: number }) => m.id)).not.toContain(node.body.id);

    const body = { version: node.body.version, doneOn: today, evidence: '施工许可证 410171202611' };
    const other = await ctx.request('POST', `/api/milestones/${node.body.id}/complete`, {
      as: otherLeader,
      body,
    });
    expect(other.status).toBe(403);
    const future = await ctx.request('POST', `/api/milestones/${node.body.id}/complete`, {
      as: leader,
      body: { ...body, doneOn: '2099-01-01' },
    });
    expect(future.status).toBe(400);
    expect(future.body.code).toBe('MILESTONE_DONE_IN_FUTURE');
    const noEvidence = await ctx.request('POST', `/api/milestones/${node.body.id}/complete`, {
      as: leader,
      body: { ...body, evidence: '  ' },
    });
    expect(noEvidence.status).toBe(400);
    const done = await ctx.request('POST', `/api/milestones/${node.body.id}/complete`, {
      as: leader,
      body,
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', doneOn: today, evidence: body.evidence });
    const twice = await ctx.request('POST', `/api/milestones/${node.body.id}/complete`, {
      as: leader,
      body: { ...body, version: done.body.version },
    });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('MILESTONE_ALREADY_DONE');

    const reopened = await ctx.request('POST', `/api/milestones/${node.body.id}/reopen`, {
      as: jk,
      body: { version: done.body.version, reason: '许可证号填错' },
    });
    expect(reopened.status).toBe(200);
    expect(reopened.body.doneOn).toBeNull();
    expect(['red', 'yellow', 'green']).toContain(reopened.body.status);
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'milestone')
      .where('entity_id', '=', String(node.body.id))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'milestone.created',
      'milestone.completed',
      'milestone.reopened',
    ]);
  });

  it('a second edit on a stale version gets the other person’s record', async () => {
    const node = await addNode(jk, projectId, { dueOn: '2027-03-01' });
    const first = await ctx.request('PATCH', `/api/milestones/${node.body.id}`, {
      as: jk,
      body: { version: node.body.version, ownerName: '区自然资源局' },
    });
    expect(first.status).toBe(200);
    const second = await ctx.request('PATCH', `/api/milestones/${node.body.id}`, {
      as: city,
      body: { version: node.body.version, name: '规划许可' },
    });
    expect(second.status).toBe(409);
    expect(second.body.current.ownerName).toBe('区自然资源局');
    const del = await ctx.request(
      'DELETE',
      `/api/milestones/${node.body.id}?version=${node.body.version}`,
      { as: jk },
    );
    expect(del.status).toBe(409);
    const ok = await ctx.request(
      'DELETE',
      `/api/milestones/${node.body.id}?version=${first.body.version}`,
      { as: jk },
    );
    expect(ok.status).toBe(200);
    expect((await nodes(projectId)).map((m) => m.id)).not.toContain(node.body.id);
  });
});

describe('红黄绿灯', () => {
  it('rates by due date: red past due, yellow within 5 working days, green after', async () => {
    const p = await newProject('亮灯项目');
    const dates = {
      red: cal.workdaysBefore(today, 3),
      yellow: cal.workdaysAfter(today, 4),
      green: cal.workdaysAfter(today, 30),
    };
    for (const [name, dueOn] of Object.entries(dates)) {
      expect((await addNode(jk, p.id, { name, dueOn })).status).toBe(200);
    }
    const lights = Object.fromEntries((await nodes(p.id)).map((m) => [m.name, m.status]));
    expect(lights).toEqual({ red: 'red', yellow: 'yellow', green: 'green' });

    // a month later by the job's clock: yellow and the near green are now red
    const later = cal.workdaysAfter(today, 31);
    expect(await rateAllMilestones(ctx.db, later)).toBeGreaterThanOrEqual(2);
    const after = Object.fromEntries((await nodes(p.id)).map((m) => [m.name, m.status]));
    expect(after).toEqual({ red: 'red', yellow: 'red', green: 'red' });
    expect(await rateAllMilestones(ctx.db, later)).toBe(0); // idempotent
    await rateAllMilestones(ctx.db, today);
  });

  it('counts per status and lists the most urgent first', async () => {
    const res = await ctx.request('GET', '/api/milestones?regionCode=410171&pageSize=200', {
      as: jk,
    });
    expect(res.status).toBe(200);
    const order = { red: 0, yellow: 1, green: 2, done: 3 } as Record<string, number>;
    const ranks = res.body.items.map((m: { status: string }) => order[m.status]);
    expect(ranks).toEqual([...ranks].sort((a: number, b: number) => a - b));
    const total = Object.values(res.body.counts as Record<string, number>).reduce(
      (a, b) => a + b,
      0,
    );
    expect(total).toBe(res.body.total);
    const reds = await ctx.request('GET', '/api/milestones?status=red', { as: jk });
    expect(reds.body.total).toBe(res.body.counts.red);
    const sibling = await ctx.request('GET', '/api/milestones', { as: js });
    expect(sibling.body.total).toBe(0);
  });

  it('作战图: projects with red nodes first, truncated at the limit', async () => {
    const res = await ctx.request(
      'GET',
      `/api/milestones/battle-chart?from=2026-01-01&to=2027-12-31&limit=1`,
      { as: jk },
    );
    expect(res.status).toBe(200);
    expect(res.body.rows).toHaveLength(1);
    expect(res.body.truncated).toBe(true);
    expect(res.body.rows[0].milestones.some((m: { status: string }) => m.status === 'red')).toBe(
      true,
    );
    const all = await ctx.request(
      'GET',
      `/api/milestones/battle-chart?from=2026-01-01&to=2027-12-31&limit=500`,
      { as: jk },
    );
    expect(all.body.truncated).toBe(false);
    for (const row of all.body.rows)
      for (const m of row.milestones)
        expect(m.dueOn >= '2026-01-01' && m.dueOn <= '2027-12-31', m.dueOn).toBe(true);
  });

  it('作战图 keeps an overdue node due before the window, and nothing else from before', async () => {
    const res = await ctx.request(
      'GET',
      `/api/milestones/battle-chart?from=${today}&to=2027-12-31&limit=500`,
      { as: jk },
    );
    const row = res.body.rows.find((r: { projectName: string }) => r.projectName === '亮灯项目');
    expect(row).toBeDefined();
    const early = row.milestones.filter((m: { dueOn: string }) => m.dueOn < today);
    expect(early.length).toBeGreaterThan(0);
    expect(early.every((m: { status: string }) => m.status === 'red')).toBe(true);
    expect(res.body.counts.red).toBeGreaterThan(0);
  });
});

describe('working-day calendar corrections', () => {
  it('recomputes worked-back due dates, but not hand-set or done ones', async () => {
    const p = await newProject('跨2027国庆项目');
    const planned = await plan(jk, p.id, { targetOn: '2027-10-15' });
    const start = planned.body.find((m: any) => m.name === '开工');
    // 2027 is not published yet: a plain week, so 10 working days back is 1 Oct
    expect(start.dueOn).toBe('2027-10-01');
    const fixed = await addNode(jk, p.id, { name: '手工节点', dueOn: '2027-10-04' });

    const corrections = [
      ...['01', '02', '03', '04', '05', '06', '07'].map((d) => ({
        date: `2027-10-${d}`,
        kind: 'holiday',
        name: '国庆节',
      })),
      { date: '2027-10-09', kind: 'workday', name: '国庆节调休' },
    ];
    const saved = await ctx.request('PUT', '/api/calendar/2027', {
      as: city,
      body: { corrections },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.corrections).toBe(8);
    expect(saved.body.recomputed).toBeGreaterThanOrEqual(1);

    const after = await nodes(p.id);
    // 14, 13, 12, 11, 9 (Saturday 调休), 8 Oct, then 30, 29, 28, 27 Sep
    expect(after.find((m) => m.name === '开工')!.dueOn).toBe('2027-09-27');
    expect(after.find((m) => m.name === '投产')!.dueOn).toBe('2027-10-15');
    expect(after.find((m) => m.id === fixed.body.id)!.dueOn).toBe('2027-10-04');

    const year = await ctx.request('GET', '/api/calendar/2027', { as: leader });
    expect(year.body.published).toBe(false);
    expect(year.body.corrections).toHaveLength(8);
    expect(year.body.days.find((d: any) => d.date === '2027-10-09')).toMatchObject({
      kind: 'workday',
      source: 'admin',
    });
    const y2026 = await ctx.request('GET', '/api/calendar/2026', { as: leader });
    expect(y2026.body.published).toBe(true);
    expect(y2026.body.days.find((d: any) => d.date === '2026-10-10')).toMatchObject({
      kind: 'workday',
      source: 'package',
    });

    // taking the correction back moves the node back
    const cleared = await ctx.request('PUT', '/api/calendar/2027', {
      as: city,
      body: { corrections: [] },
    });
    expect(cleared.status).toBe(200);
    expect((await nodes(p.id)).find((m) => m.name === '开工')!.dueOn).toBe('2027-10-01');
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('action', '=', 'calendar.updated')
      .execute();
    expect(audit.filter((a) => a.entity_id === '2027')).toHaveLength(2);
  });

  it('refuses days outside the year, duplicates and non-admins, changing nothing', async () => {
    const cases = [
      [{ date: '2028-01-01', kind: 'holiday', name: '元旦' }],
      [
        { date: '2027-05-03', kind: 'holiday', name: '劳动节' },
        { date: '2027-05-03', kind: 'holiday', name: '劳动节' },
      ],
    ];
    for (const corrections of cases) {
      const res = await ctx.request('PUT', '/api/calendar/2027', {
        as: city,
        body: { corrections },
      });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/[\u4e00-\u9fff]/);
      expect(res.body.issues[0].message).toMatch(/2027|两次/);
    }
    const byDistrict = await ctx.request('PUT', '/api/calendar/2027', {
      as: jk,
      body: { corrections: [] },
    });
    expect(byDistrict.status).toBe(403);
    const rows = await ctx.db.selectFrom('calendar_days').selectAll().execute();
    expect(rows).toHaveLength(0);
  });
});
