import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { creditCodeCheckChar } from '@xiangmu/contracts';
import { createTestContext, hasChinese, type Session, type TestContext } from '../../test/harness';
import { projectBody } from '../../test/route-specs';
import { tinyPng } from '../../test/route-specs.reports';
import { insertDepartment } from '../users/department.repository';
import { escalateOverdueTickets, remindDueTickets } from './ticket.jobs';

let ctx: TestContext;
const s: Record<string, Session> = {};
const dept: Record<string, number> = {};
let enterpriseId: number;
let otherEnterpriseId: number;
let cat: Record<string, number>;

const code = (base17: string) => base17 + creditCodeCheckChar(base17);
const ENT_CODE = code('91410100MA9TK0001');
const OTHER_CODE = code('91410100MA9TK0002');

beforeAll(async () => {
  ctx = await createTestContext();
  for (const [name, region] of [
    ['经开区建设局', '410171'],
    ['经开区自然资源和规划局', '410171'],
    ['市供电公司', '410100'],
    ['金水区住建局', '410105'],
  ] as const)
    dept[name] = (await insertDepartment(ctx.db, { name, region_code: region })).id;
  const users: [string, Parameters<TestContext['createUser']>[0]['role'], string, number?][] = [
    ['city', 'city_admin', '410100'],
    ['jk_admin', 'district_admin', '410171'],
    ['js_admin', 'district_admin', '410105'],
    ['jk_unit', 'unit_officer', '410171', dept['经开区建设局']],
    ['jk_land', 'unit_officer', '410171', dept['经开区自然资源和规划局']],
    ['power', 'unit_officer', '410100', dept['市供电公司']],
    ['jk_leader', 'leader', '410171'],
    ['jk_leader2', 'leader', '410171'],
    ['jk_grid', 'grid_worker', '410171561'],
    ['jk_ent', 'enterprise', '410171'],
    ['jk_ent2', 'enterprise', '410171'],
    ['jk_view', 'viewer', '410171'],
  ];
  for (const [username, role, region, departmentId] of users)
    await ctx.createUser({ username, role, region, departmentId: departmentId ?? null });
  await ctx.db
    .updateTable('users')
    .set({ credit_code: ENT_CODE })
    .where('username', '=', 'jk_ent')
    .execute();
  await ctx.db
    .updateTable('users')
    .set({ credit_code: OTHER_CODE })
    .where('username', '=', 'jk_ent2')
    .execute();
  for (const [username] of users) s[username] = await ctx.sessionFor(username);

  const leaderId = s.jk_leader!.userId;
  const e = await ctx.request('POST', '/api/enterprises', {
    as: s.jk_admin,
    body: {
      creditCode: ENT_CODE,
      name: '郑州宇通客车股份有限公司',
      industry: '汽车',
      regionCode: '410171',
      size: 'large',
      cadreUserId: leaderId,
    },
  });
  expect(e.status, JSON.stringify(e.body)).toBe(200);
  enterpriseId = e.body.id;
  const e2 = await ctx.request('POST', '/api/enterprises', {
    as: s.jk_admin,
    body: {
      creditCode: OTHER_CODE,
      name: '郑州日产汽车有限公司',
      industry: '汽车',
      regionCode: '410171',
      size: 'large',
    },
  });
  otherEnterpriseId = e2.body.id;
  const cats = await ctx.request('GET', '/api/tickets/categories', { as: s.jk_admin });
  cat = Object.fromEntries(cats.body.map((c: { name: string; id: number }) => [c.name, c.id]));
});
afterAll(() => ctx?.close());

const post = (as: Session, url: string, body: Record<string, unknown> = {}) =>
  ctx.request('POST', url, { as, body });

async function act(as: Session, id: number, action: string, body: Record<string, unknown> = {}) {
  const cur = await ctx.db
    .selectFrom('tickets')
    .select('version')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return post(as, `/api/tickets/${id}/${action}`, { version: cur.version, ...body });
}

async function ok(res: Awaited<ReturnType<typeof post>>) {
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const demand = (as: Session, extra: Record<string, unknown> = {}) =>
  post(as, '/api/tickets', {
    source: 'enterprise',
    categoryId: cat['用电用能'],
    title: '新厂房双回路供电',
    description: '二期厂房投产前需要双回路供电，申请加快接入',
    ...(as === s.jk_ent ? {} : { enterpriseId }),
    ...extra,
  });

const gridEvent = (extra: Record<string, unknown> = {}) =>
  post(s.jk_grid!, '/api/tickets', {
    source: 'grid',
    categoryId: cat['占道经营'],
    title: '第三大街占道经营',
    description: '早市摊贩占用人行道',
    regionCode: '410171561',
    lng: 113.72,
    lat: 34.7,
    ...extra,
  });

describe('the loop', () => {
  it('runs an enterprise demand from intake to 办结, 不满意 sending it back once, every step in the history', async () => {
    const created = await ok(await demand(s.jk_leader!));
    expect(created.status).toBe('accepted'); // a 包联干部's entry is accepted at once
    expect(created.enterpriseName).toBe('郑州宇通客车股份有限公司');
    expect(created.number).toMatch(/^GD\d{8}\d{6}$/);
    expect(created.level).toBe('district');
    const id = created.id;

    const dispatched = await ok(
      await act(s.jk_admin!, id, 'dispatch', {
        departmentId: dept['经开区建设局'],
        coDepartmentIds: [dept['市供电公司']],
        note: '请会同供电公司办理',
      }),
    );
    expect(dispatched.status).toBe('dispatched');
    expect(dispatched.departmentName).toBe('经开区建设局');
    expect(dispatched.coDepartments.map((d: { name: string }) => d.name)).toEqual(['市供电公司']);

    await ok(await act(s.jk_unit!, id, 'start'));
    await ok(await act(s.jk_unit!, id, 'reply', { reply: '已协调供电公司，下周进场施工' }));
    const unhappy = await ok(
      await act(s.jk_ent!, id, 'rate', { rating: 'unsatisfied', comment: '时间太晚' }),
    );
    expect(unhappy.status).toBe('handling');
    await ok(await act(s.jk_unit!, id, 'reply', { reply: '已提前至本周五施工' }));
    const happy = await ok(await act(s.jk_ent!, id, 'rate', { rating: 'satisfied' }));
    expect(happy.status).toBe('replied');
    // one rating per reply
    const twice = await act(s.jk_ent!, id, 'rate', { rating: 'unsatisfied' });
    expect(twice.status).toBe(409);
    expect(twice.body.message).toBe('这次答复已评价；承办单位重新反馈后可再次评价');
    const closed = await ok(await act(s.jk_admin!, id, 'close'));
    expect(closed.status).toBe('closed');
    expect(closed.resolvedLevel).toBe('district');
    expect(closed.overdue).toBe(false);

    const detail = (await ctx.request('GET', `/api/tickets/${id}`, { as: s.jk_admin })).body;
    expect(detail.events.map((e: { kind: string }) => e.kind)).toEqual([
      'create',
      'dispatch',
      'start',
      'reply',
      'rate',
      'reply',
      'rate',
      'close',
    ]);
    expect(detail.events[1].note).toContain('协办：市供电公司');
    expect(detail.events[4].note).toContain('不满意');
    expect(detail.allowed).toEqual([]);
    const audits = await ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'ticket')
      .where('entity_id', '=', String(id))
      .orderBy('id')
      .execute();
    expect(audits.map((a) => a.action)).toEqual([
      'ticket.created',
      'ticket.dispatched',
      'ticket.started',
      'ticket.replied',
      'ticket.rated',
      'ticket.replied',
      'ticket.rated',
      'ticket.closed',
    ]);
  });

  it('a requester submission waits for 受理; illegal steps are refused in Chinese and change nothing', async () => {
    const t = await ok(await demand(s.jk_ent!));
    expect(t.status).toBe('submitted');
    expect(t.enterpriseId).toBe(enterpriseId); // implied by the user's credit code
    const reply = await act(s.jk_admin!, t.id, 'reply', { reply: '好的' });
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe('TICKET_TRANSITION_INVALID');
    expect(reply.body.message).toBe('工单处于"待受理"状态，不能反馈（仅"处置中"状态可以）');
    const close = await act(s.jk_admin!, t.id, 'close');
    expect(close.body.message).toContain('不能办结');
    const after = await ctx.request('GET', `/api/tickets/${t.id}`, { as: s.jk_admin });
    expect(after.body.version).toBe(t.version);
    expect(after.body.events).toHaveLength(1);
    expect(after.body.allowed).toEqual(['accept', 'merge']);

    const stale = await post(s.jk_admin!, `/api/tickets/${t.id}/accept`, {
      version: t.version + 5,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('VERSION_CONFLICT');
    expect(stale.body.current.status).toBe('submitted');
  });

  it('a unit returns a wrongly dispatched ticket with its reason; the dispatcher reassigns; 督办 keeps the status', async () => {
    const t = await ok(await demand(s.jk_leader!));
    await ok(await act(s.jk_admin!, t.id, 'dispatch', { departmentId: dept['经开区建设局'] }));
    const noReason = await act(s.jk_unit!, t.id, 'return', { reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.issues[0].message).toBe('请填写退回原因');
    const back = await ok(await act(s.jk_unit!, t.id, 'return', { reason: '供电不属于本局职责' }));
    expect(back.status).toBe('accepted');
    expect(back.departmentId).toBeNull();
    await ok(
      await act(s.jk_admin!, t.id, 'dispatch', { departmentId: dept['经开区自然资源和规划局'] }),
    );
    const moved = await ok(
      await act(s.jk_admin!, t.id, 'reassign', {
        departmentId: dept['市供电公司'],
        note: '属供电职责',
      }),
    );
    expect(moved.departmentName).toBe('市供电公司');
    const sup = await ok(await act(s.city!, t.id, 'supervise', { note: '请三日内答复企业' }));
    expect(sup.status).toBe('dispatched');
    // the old unit no longer sees it; the new one does
    expect((await ctx.request('GET', `/api/tickets/${t.id}`, { as: s.jk_land })).body.code).toBe(
      'TICKET_NOT_YOUR_UNIT',
    );
    expect((await ctx.request('GET', `/api/tickets/${t.id}`, { as: s.power })).status).toBe(200);
    const notes = (
      await ctx.request('GET', `/api/tickets/${t.id}`, { as: s.jk_admin })
    ).body.events.map((e: { note: string }) => e.note);
    expect(notes).toContain('退回：供电不属于本局职责');
    expect(notes.some((n: string) => n.includes('改派至市供电公司；属供电职责'))).toBe(true);
    expect(notes).toContain('请三日内答复企业');
  });

  it('a unit of another district cannot be the handler', async () => {
    const t = await ok(await demand(s.jk_leader!));
    const res = await act(s.jk_admin!, t.id, 'dispatch', { departmentId: dept['金水区住建局'] });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('DEPARTMENT_REGION_MISMATCH');
  });

  it('merges a duplicate into another open ticket, with an event on both', async () => {
    const a = await ok(await gridEvent());
    const b = await ok(await gridEvent({ title: '第三大街又有摊贩占道' }));
    const self = await act(s.jk_admin!, b.id, 'merge', { intoTicketId: b.id });
    expect(self.body.code).toBe('TICKET_MERGE_INVALID');
    const merged = await ok(await act(s.jk_admin!, b.id, 'merge', { intoTicketId: a.id }));
    expect(merged.status).toBe('merged');
    expect(merged.mergedIntoId).toBe(a.id);
    const into = (await ctx.request('GET', `/api/tickets/${a.id}`, { as: s.jk_admin })).body;
    expect(into.events.at(-1).note).toContain(`合并了重复工单${b.number}`);
    const again = await act(s.jk_admin!, b.id, 'accept');
    expect(again.status).toBe(409);
  });

  it('a grid worker reports with photos, and closes what he reported once it is replied', async () => {
    const t = await ok(await gridEvent());
    expect(t.status).toBe('submitted');
    expect(t.level).toBe('street');
    const photo = await ctx.request('POST', `/api/tickets/${t.id}/photos?filename=现场.png`, {
      as: s.jk_grid,
      upload: tinyPng(),
    });
    expect(photo.status, JSON.stringify(photo.body)).toBe(200);
    const notImage = await ctx.request('POST', `/api/tickets/${t.id}/photos`, {
      as: s.jk_grid,
      upload: Buffer.from('not an image at all, just text'),
    });
    expect(notImage.status).toBeGreaterThanOrEqual(400);
    const img = await ctx.request('GET', `/api/tickets/${t.id}/photos/${photo.body.id}`, {
      as: s.jk_admin,
    });
    expect(img.raw.equals(tinyPng())).toBe(true);
    await ok(await act(s.jk_admin!, t.id, 'accept'));
    await ok(await act(s.jk_admin!, t.id, 'dispatch', { departmentId: dept['经开区建设局'] }));
    await ok(await act(s.jk_unit!, t.id, 'start'));
    expect((await act(s.jk_grid!, t.id, 'close')).body.code).toBe('TICKET_TRANSITION_INVALID');
    await ok(await act(s.jk_unit!, t.id, 'reply', { reply: '已劝离摊贩并设置提示牌' }));
    const closed = await ok(await act(s.jk_grid!, t.id, 'close', { note: '现场核实已整改' }));
    expect(closed.resolvedLevel).toBe('street');
    const other = await ok(await gridEvent());
    await ctx.db
      .updateTable('tickets')
      .set({ created_by: s.jk_admin!.userId })
      .where('id', '=', other.id)
      .execute();
    expect((await act(s.jk_grid!, other.id, 'close')).body.code).toBe('FORBIDDEN');
  });

  it('refuses sources a role may not register, and categories of another source', async () => {
    const res = await post(s.jk_grid!, '/api/tickets', {
      source: 'enterprise',
      categoryId: cat['用电用能'],
      title: 'x',
      description: 'y',
      enterpriseId,
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('TICKET_SOURCE_NOT_ALLOWED');
    const wrongCat = await gridEvent({ categoryId: cat['用电用能'] });
    expect(wrongCat.status).toBe(400);
    expect(wrongCat.body.code).toBe('TICKET_CATEGORY_NOT_FOUND');
    const otherEnt = await demand(s.jk_ent!, { enterpriseId: otherEnterpriseId });
    expect(otherEnt.body.code).toBe('TICKET_NOT_YOURS');
    expect(hasChinese(otherEnt.body.message)).toBe(true);
  });
});

describe('who sees what', () => {
  it('a unit sees only tickets dispatched to it (承办 or 协办), an enterprise only its own, a cadre his enterprises', async () => {
    const mine = await ok(await demand(s.jk_leader!, { title: '只给建设局' }));
    await ok(
      await act(s.jk_admin!, mine.id, 'dispatch', {
        departmentId: dept['经开区建设局'],
        coDepartmentIds: [dept['市供电公司']],
      }),
    );
    const otherEnt = await ok(
      await demand(s.jk_admin!, { enterpriseId: otherEnterpriseId, title: '日产的诉求' }),
    );
    const ids = async (as: Session) =>
      (await ctx.request('GET', '/api/tickets?pageSize=200', { as })).body.items.map(
        (t: { id: number }) => t.id,
      );

    const unit = await ids(s.jk_unit!);
    expect(unit).toContain(mine.id);
    expect(unit).not.toContain(otherEnt.id);
    expect(await ids(s.power!)).toContain(mine.id); // 协办
    expect(await ids(s.jk_land!)).not.toContain(mine.id);
    const land = await ctx.request('GET', `/api/tickets/${mine.id}`, { as: s.jk_land });
    expect(land.status).toBe(403);
    expect(land.body.code).toBe('TICKET_NOT_YOUR_UNIT');

    const ent = await ids(s.jk_ent!);
    expect(ent).toContain(mine.id);
    expect(ent).not.toContain(otherEnt.id);
    expect(await ids(s.jk_ent2!)).toContain(otherEnt.id);
    expect((await ctx.request('GET', `/api/tickets/${mine.id}`, { as: s.jk_ent2 })).body.code).toBe(
      'TICKET_NOT_YOURS',
    );

    expect(await ids(s.jk_leader!)).toContain(mine.id);
    expect(await ids(s.jk_leader2!)).not.toContain(mine.id);
    expect(await ids(s.jk_grid!)).not.toContain(mine.id);
    expect(await ids(s.jk_view!)).toEqual(expect.arrayContaining([mine.id, otherEnt.id]));
    const js = await ctx.request('GET', `/api/tickets/${mine.id}`, { as: s.js_admin });
    expect(js.body.code).toBe('REGION_OUT_OF_SCOPE');
    // a co-handler sees it but does not reply for the main unit
    await ok(await act(s.jk_unit!, mine.id, 'start'));
    expect((await act(s.power!, mine.id, 'reply', { reply: 'x' })).body.code).toBe(
      'TICKET_NOT_YOUR_UNIT',
    );
  });

  it('the queues: a unit gets what was dispatched to it, the dispatcher what waits for 受理/派遣/办结', async () => {
    const t = await ok(await gridEvent({ title: '待派遣的网格事件' }));
    const admin = (
      await ctx.request('GET', '/api/tickets/queue?tab=todo&pageSize=200', { as: s.jk_admin })
    ).body;
    expect(admin.items.map((x: { id: number }) => x.id)).toContain(t.id);
    expect(admin.counts.todo).toBe(admin.total);
    await ok(await act(s.jk_admin!, t.id, 'accept'));
    await ok(
      await act(s.jk_admin!, t.id, 'dispatch', { departmentId: dept['经开区自然资源和规划局'] }),
    );
    const land = (await ctx.request('GET', '/api/tickets/queue?tab=todo', { as: s.jk_land })).body;
    expect(land.items.map((x: { id: number }) => x.id)).toContain(t.id);
    const unit = (
      await ctx.request('GET', '/api/tickets/queue?tab=todo&pageSize=200', { as: s.jk_unit })
    ).body;
    expect(unit.items.map((x: { id: number }) => x.id)).not.toContain(t.id);
    const mine = (
      await ctx.request('GET', '/api/tickets/queue?tab=mine&pageSize=200', { as: s.jk_grid })
    ).body;
    expect(mine.items.map((x: { id: number }) => x.id)).toContain(t.id);
    const viewer = await ctx.request('GET', '/api/tickets/queue', { as: s.jk_view });
    expect(viewer.status).toBe(403);
  });
});

describe('intake faults', () => {
  it('the same submission sent twice, even at once, creates one ticket', async () => {
    const key = 'grid-20261201-abcdef';
    const [a, b] = await Promise.all([
      gridEvent({ idempotencyKey: key }),
      gridEvent({ idempotencyKey: key }),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.id).toBe(b.body.id);
    const again = await gridEvent({ idempotencyKey: key });
    expect(again.body.id).toBe(a.body.id);
    const rows = await ctx.db
      .selectFrom('tickets')
      .select('id')
      .where('idempotency_key', '=', key)
      .execute();
    expect(rows).toHaveLength(1);
    // the key is the submitter's: another user's same key is another ticket
    const other = await post(s.jk_admin!, '/api/tickets', {
      source: 'grid',
      categoryId: cat['占道经营'],
      title: '另一人',
      description: '同一个键',
      regionCode: '410171561',
      idempotencyKey: key,
    });
    expect(other.body.id).not.toBe(a.body.id);
  });

  it('a hostile or malformed request gets a Chinese message and creates nothing', async () => {
    const before = await ctx.db
      .selectFrom('tickets')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    for (const body of [
      {
        source: 'grid',
        categoryId: cat['占道经营'],
        title: '<script>x</script>',
        description: 'y',
        regionCode: '410171561',
      },
      {
        source: 'grid',
        categoryId: cat['占道经营'],
        title: 't',
        description: '',
        regionCode: '410171561',
      },
      {
        source: 'grid',
        categoryId: cat['占道经营'],
        title: 't',
        description: 'y',
        regionCode: '410105',
      },
      { source: 'grid', categoryId: 999999, title: 't', description: 'y' },
      { source: 'nonsense', categoryId: 1, title: 't', description: 'y' },
      {
        source: 'grid',
        categoryId: cat['占道经营'],
        title: 't',
        description: 'y',
        idempotencyKey: "x' OR 1=1",
      },
    ]) {
      const res = await post(s.jk_grid!, '/api/tickets', body);
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(hasChinese(res.body.message)).toBe(true);
    }
    const after = await ctx.db
      .selectFrom('tickets')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});

describe('escalation and reminders', () => {
  async function overdueTickets(n: number) {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push((await ok(await gridEvent({ title: `超期事件${i}` }))).id);
    await ctx.db
      .updateTable('tickets')
      .set({
        next_escalation_at: new Date(Date.now() - 60_000),
        due_at: new Date(Date.now() - 60_000),
      })
      .where('id', 'in', ids)
      .execute();
    return ids;
  }
  const state = (ids: number[]) =>
    ctx.db
      .selectFrom('tickets')
      .select(['id', 'level', 'escalations', 'next_escalation_at'])
      .where('id', 'in', ids)
      .orderBy('id')
      .execute();
  const escalateEvents = async (ids: number[]) =>
    ctx.db
      .selectFrom('ticket_events')
      .select('ticket_id')
      .where('kind', '=', 'escalate')
      .where('ticket_id', 'in', ids)
      .execute();

  it('moves an overdue ticket one level up (street → district) with a new time limit, once', async () => {
    const ids = await overdueTickets(2);
    const n = await escalateOverdueTickets(ctx.db, { now: new Date() });
    expect(n).toBeGreaterThanOrEqual(2);
    const rows = await state(ids);
    expect(rows.map((r) => [r.level, r.escalations])).toEqual([
      ['district', 1],
      ['district', 1],
    ]);
    for (const r of rows) expect(r.next_escalation_at!.getTime()).toBeGreaterThan(Date.now());
    expect(await escalateOverdueTickets(ctx.db, { now: new Date() })).toBe(0);
    expect(await escalateEvents(ids)).toHaveLength(2);
    const t = (await ctx.request('GET', `/api/tickets/${ids[0]}`, { as: s.jk_admin })).body;
    expect(t.events.at(-1).note).toBe('超期未办结，由街道升级至区县督办');
    expect(t.overdue).toBe(true);
    // the district's dispatcher now has it among his to-dos
    const todo = (
      await ctx.request('GET', '/api/tickets/queue?tab=todo&pageSize=200', { as: s.jk_admin })
    ).body;
    expect(todo.items.map((x: { id: number }) => x.id)).toEqual(expect.arrayContaining(ids));
  });

  it('a run that crashes half way leaves no ticket escalated twice or skipped', async () => {
    const ids = await overdueTickets(5);
    const audits = async () =>
      (
        await ctx.db
          .selectFrom('audit_log')
          .select('entity_id')
          .where('action', '=', 'ticket.escalated')
          .where('entity_id', 'in', ids.map(String))
          .execute()
      ).length;
    // killed inside the second batch's transaction: that batch is not written at all
    let batches = 0;
    await expect(
      escalateOverdueTickets(ctx.db, {
        batchSize: 2,
        beforeCommit: () => {
          if (++batches === 2) throw new Error('worker killed');
        },
      }),
    ).rejects.toThrow('worker killed');
    let rows = await state(ids);
    expect(rows.map((r) => r.escalations)).toEqual([1, 1, 0, 0, 0]);
    expect(await escalateEvents(ids)).toHaveLength(2);
    expect(await audits()).toBe(2);
    // killed between batches: the committed ones stay, once
    batches = 0;
    await expect(
      escalateOverdueTickets(ctx.db, {
        batchSize: 2,
        afterBatch: () => {
          if (++batches === 1) throw new Error('worker killed again');
        },
      }),
    ).rejects.toThrow('worker killed again');
    rows = await state(ids);
    expect(rows.map((r) => r.escalations)).toEqual([1, 1, 1, 1, 0]);
    // the next run finishes the rest, and nothing twice
    await escalateOverdueTickets(ctx.db);
    rows = await state(ids);
    expect(rows.every((r) => r.escalations === 1 && r.level === 'district')).toBe(true);
    expect(await escalateEvents(ids)).toHaveLength(5);
    expect(await audits()).toBe(5);
  });

  it('two workers at once escalate each ticket once', async () => {
    const ids = await overdueTickets(6);
    const [a, b] = await Promise.all([
      escalateOverdueTickets(ctx.db),
      escalateOverdueTickets(ctx.db),
    ]);
    expect(a + b).toBeGreaterThanOrEqual(6);
    expect((await state(ids)).every((r) => r.escalations === 1)).toBe(true);
    expect(await escalateEvents(ids)).toHaveLength(6);
  });

  it('stops at the city and never escalates a closed ticket', async () => {
    const [top, closedOne] = await overdueTickets(2);
    await ctx.db.updateTable('tickets').set({ level: 'district' }).where('id', '=', top!).execute();
    await ctx.db
      .updateTable('tickets')
      .set({ status: 'closed', closed_at: new Date() })
      .where('id', '=', closedOne!)
      .execute();
    await escalateOverdueTickets(ctx.db);
    const [t, c] = await state([top!, closedOne!]);
    expect([t!.level, t!.escalations, t!.next_escalation_at]).toEqual(['city', 1, null]);
    expect(c!.escalations).toBe(0);
  });

  it('reminds once when the reminder time comes, a chunk per transaction', async () => {
    const t = await ok(await gridEvent({ title: '临期' }));
    const others = [(await ok(await gridEvent())).id, (await ok(await gridEvent())).id];
    await ctx.db
      .updateTable('tickets')
      .set({ remind_at: new Date(Date.now() - 1000) })
      .where('id', 'in', [t.id, ...others])
      .execute();
    const due = await ctx.db
      .selectFrom('tickets')
      .select('id')
      .where('reminded_at', 'is', null)
      .where('closed_at', 'is', null)
      .where('remind_at', '<=', new Date())
      .execute();
    expect(await remindDueTickets(ctx.db, new Date(), 2)).toBe(due.length);
    expect(await remindDueTickets(ctx.db)).toBe(0);
    const events = await ctx.db
      .selectFrom('ticket_events')
      .select('ticket_id')
      .where('kind', '=', 'remind')
      .where('ticket_id', 'in', [t.id, ...others])
      .execute();
    expect(events).toHaveLength(3);
    const d = (await ctx.request('GET', `/api/tickets/${t.id}`, { as: s.jk_admin })).body;
    expect(d.events.filter((e: { kind: string }) => e.kind === 'remind')).toHaveLength(1);
    expect(d.dueSoon).toBe(true);
    const soon = (
      await ctx.request('GET', '/api/tickets/queue?tab=dueSoon&pageSize=200', { as: s.jk_grid })
    ).body;
    expect(soon.items.map((x: { id: number }) => x.id)).toContain(t.id);
  });
});

describe('statistics, ranking and export', () => {
  it('counts per unit match a recomputation, and ranks by on-time rate then satisfaction', async () => {
    const res = await ctx.request('GET', '/api/tickets/stats', { as: s.jk_admin });
    expect(res.status).toBe(200);
    const rows = await ctx.db
      .selectFrom('tickets')
      .select([
        'department_id',
        'status',
        'closed_at',
        'closed_on_time',
        'due_at',
        'rating',
        'region_path',
      ])
      .execute();
    const now = Date.now();
    const own = rows.filter((r) => r.region_path.startsWith('410100/410171/'));
    for (const u of res.body.units) {
      const mine = own.filter((r) => r.department_id === u.departmentId);
      expect(u.received).toBe(mine.length);
      expect(u.closed).toBe(mine.filter((r) => r.status === 'closed').length);
      expect(u.open).toBe(mine.filter((r) => r.closed_at === null).length);
      expect(u.overdue).toBe(
        mine.filter(
          (r) => (r.closed_at === null && r.due_at.getTime() < now) || r.closed_on_time === false,
        ).length,
      );
      expect(u.satisfied).toBe(mine.filter((r) => r.rating === 'satisfied').length);
    }
    expect(res.body.totals.received).toBe(own.length);
    const ranks = res.body.units.map((u: { onTimeRate: number | null }) => u.onTimeRate ?? -1);
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    expect(
      res.body.resolvedByLevel.find((l: { level: string }) => l.level === 'street').closed,
    ).toBeGreaterThanOrEqual(1);
    // a district admin of another district sees none of these units' tickets
    const js = (await ctx.request('GET', '/api/tickets/stats', { as: s.js_admin })).body;
    expect(js.totals.received).toBe(0);
  });

  it('exports the ledger with its filters to a real workbook', async () => {
    const res = await ctx.request('GET', '/api/tickets/export?source=grid', { as: s.jk_admin });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.raw as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('工单台账')!;
    const numbers: string[] = [];
    ws.eachRow((row, i) => {
      if (i > 2) numbers.push(String(row.getCell(1).value));
    });
    const list = await ctx.request('GET', '/api/tickets?source=grid&pageSize=200', {
      as: s.jk_admin,
    });
    expect(numbers.sort()).toEqual(list.body.items.map((t: { number: string }) => t.number).sort());
    expect(String(ws.getRow(2).getCell(2).value)).toBe('来源');
    expect(wb.getWorksheet('单位统计')).toBeDefined();
    const unitExport = await ctx.request('GET', '/api/tickets/export', { as: s.jk_unit });
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(unitExport.raw as unknown as ArrayBuffer);
    expect(wb2.getWorksheet('单位统计')).toBeUndefined();
  });
});

describe('enterprises', () => {
  it('refuses a second enterprise with the same credit code and a cadre from another district', async () => {
    const dup = await post(s.jk_admin!, '/api/enterprises', {
      creditCode: ENT_CODE,
      name: '重复',
      industry: '汽车',
      regionCode: '410171',
      size: 'small',
    });
    expect(dup.status).toBe(409);
    const jsLeader = await ctx.createUser({
      username: 'js_leader',
      role: 'leader',
      region: '410105',
    });
    const bad = await ctx.request('PATCH', `/api/enterprises/${otherEnterpriseId}`, {
      as: s.jk_admin,
      body: { cadreUserId: jsLeader, version: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('CADRE_INVALID');
    const list = await ctx.request('GET', '/api/enterprises?mine=true', { as: s.jk_leader });
    expect(list.body.items.map((e: { id: number }) => e.id)).toEqual([enterpriseId]);
  });

  it('a project problem belongs to the project and its region', async () => {
    const p = await ctx.request('POST', '/api/projects', {
      as: s.jk_admin,
      body: projectBody('工单测试项目'),
    });
    const t = await ok(
      await post(s.jk_unit!, '/api/tickets', {
        source: 'project',
        categoryId: cat['环评审批'],
        title: '环评批复滞后',
        description: '环评报告已报送15个工作日未批复',
        projectId: p.body.id,
      }),
    );
    expect(t.projectName).toBe('工单测试项目');
    expect(t.regionCode).toBe('410171');
    expect(t.timeLimit).toEqual({ value: 10, unit: 'working_days' });
    const byProject = await ctx.request('GET', `/api/tickets?projectId=${p.body.id}`, {
      as: s.jk_admin,
    });
    expect(byProject.body.items.map((x: { id: number }) => x.id)).toEqual([t.id]);
  });
});

describe('project problems (问题台账, ADR 0015)', () => {
  const beijingDay = (offsetDays: number) =>
    new Date(Date.now() + 8 * 3600_000 + offsetDays * 86400_000).toISOString().slice(0, 10);
  let projectId: number;
  let reportId: number;
  beforeAll(async () => {
    const p = await ok(
      await post(s.jk_admin!, '/api/projects', {
        ...projectBody('问题台账项目'),
        stage: 'building',
      }),
    );
    projectId = p.id;
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    const r = await ok(
      await post(s.jk_admin!, `/api/projects/${projectId}/reports`, {
        month,
        invested: '800',
        progress: '主体施工',
        problems: '用电增容审批滞后',
      }),
    );
    reportId = r.id;
  });
  const raise = (as: Session, extra: Record<string, unknown> = {}) =>
    post(as, '/api/tickets', {
      source: 'project',
      categoryId: cat['项目推进问题'],
      title: '施工用电增容审批滞后',
      description: '二期负荷增至8000kVA，增容方案待批复',
      projectId,
      ...extra,
    });

  it('raised from a report with 责任单位 and 整改期限: dispatched at once, due that evening, 销号 after the reply', async () => {
    const rectifyBy = beijingDay(7);
    const t = await ok(
      await raise(s.jk_admin!, { rectifyBy, reportId, departmentId: dept['经开区建设局'] }),
    );
    expect(t).toMatchObject({
      status: 'dispatched',
      departmentName: '经开区建设局',
      rectifyBy,
      reportId,
      reportMonth: expect.stringMatching(/^\d{4}-\d{2}$/),
    });
    // 24:00 Beijing of the 整改期限 day, not the category's five working days
    expect(t.dueAt).toBe(new Date(Date.parse(`${rectifyBy}T16:00:00Z`)).toISOString());
    const detail = (await ctx.request('GET', `/api/tickets/${t.id}`, { as: s.jk_admin })).body;
    expect(detail.events.map((e: { kind: string }) => e.kind)).toEqual(['create', 'dispatch']);
    expect(detail.events[1].note).toBe(`派遣至经开区建设局，整改期限${rectifyBy}`);
    // the unit rectifies and replies; the office 销号
    await ok(await act(s.jk_unit!, t.id, 'start'));
    await ok(await act(s.jk_unit!, t.id, 'reply', { reply: '增容方案已批复，已送电' }));
    const closed = await ok(await act(s.jk_admin!, t.id, 'close', { note: '销号' }));
    expect(closed).toMatchObject({
      status: 'closed',
      overdue: false,
      reply: '增容方案已批复，已送电',
    });
    // the ledger: the project's problems, with the counts
    const ledger = await ctx.request(
      'GET',
      `/api/tickets?source=project&projectId=${projectId}&pageSize=50`,
      { as: s.jk_view },
    );
    expect(ledger.body.items.find((x: { id: number }) => x.id === t.id)).toMatchObject({
      rectifyBy,
      reportId,
      status: 'closed',
    });
    // the export carries 整改期限 and 调度月份
    const res = await ctx.request('GET', '/api/tickets/export?source=project', { as: s.jk_admin });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.raw as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('工单台账')!;
    const header = (ws.getRow(2).values as unknown[]).slice(1).map(String);
    const row = (ws.getRow(3).values as unknown[]).slice(1).map((v) => String(v ?? ''));
    expect(row[header.indexOf('整改期限')]).toBe(rectifyBy);
    expect(row[header.indexOf('调度月份')]).toBe(t.reportMonth);
  });

  it("refuses a past 整改期限, another project's report, problem fields on other sources and a dispatch by a unit", async () => {
    const other = await ok(await post(s.jk_admin!, '/api/projects', projectBody('另一个项目')));
    const before = await ctx.countRows('audit_log');
    const past = await raise(s.jk_admin!, { rectifyBy: beijingDay(-1) });
    expect(past.status).toBe(400);
    expect(past.body.message).toBe('整改期限不能早于今天');
    const wrongReport = await post(s.jk_admin!, '/api/tickets', {
      source: 'project',
      categoryId: cat['项目推进问题'],
      title: '问题',
      description: '描述',
      projectId: other.id,
      reportId,
    });
    expect(wrongReport.status).toBe(404);
    expect(hasChinese(wrongReport.body.message)).toBe(true);
    const stray = await gridEvent({ rectifyBy: beijingDay(3) });
    expect(stray.status).toBe(400);
    expect(stray.body.issues[0].path).toBe('rectifyBy');
    const byUnit = await raise(s.jk_unit!, { departmentId: dept['经开区建设局'] });
    expect(byUnit.status).toBe(403);
    const foreignUnit = await raise(s.jk_admin!, { departmentId: dept['金水区住建局'] });
    expect(foreignUnit.status).toBe(400);
    expect(await ctx.countRows('audit_log')).toBe(before);
  });

  it('counts open and overdue project problems on the dashboard', async () => {
    const dash = async () =>
      (await ctx.request('GET', '/api/dashboard', { as: s.jk_admin })).body.warnings as {
        openProblems: number;
        overdueProblems: number;
      };
    const before = await dash();
    const t = await ok(await raise(s.jk_admin!, { departmentId: dept['经开区建设局'] }));
    await ctx.db
      .updateTable('tickets')
      .set({ due_at: new Date(Date.now() - 3600_000) })
      .where('id', '=', t.id)
      .execute();
    const after = await dash();
    expect(after.openProblems).toBe(before.openProblems + 1);
    expect(after.overdueProblems).toBe(before.overdueProblems + 1);
  });

  it('an old problem link finds its ticket, within the data scope only', async () => {
    const t = await ok(await raise(s.jk_admin!, { departmentId: dept['经开区建设局'] }));
    await ctx.db
      .updateTable('tickets')
      .set({ legacy_problem_id: 4242 } as never)
      .where('id', '=', t.id)
      .execute();
    const found = await ctx.request('GET', '/api/problems/4242', { as: s.jk_admin });
    expect(found.body).toEqual({ ticketId: t.id });
    // another district: refused as its ticket is
    const elsewhere = await ctx.request('GET', '/api/problems/4242', { as: s.js_admin });
    const ticketThere = await ctx.request('GET', `/api/tickets/${t.id}`, { as: s.js_admin });
    expect(ticketThere.status).toBeGreaterThanOrEqual(403);
    expect(elsewhere.status).toBe(ticketThere.status);
    expect(elsewhere.body).not.toHaveProperty('ticketId');
    expect((await ctx.request('GET', '/api/problems/4343', { as: s.jk_admin })).status).toBe(404);
  });
});

describe('due times on the official calendar', () => {
  it('3 working days from 30 September 2026 end on the 调休 Saturday 10 October; a correction moves open tickets', async () => {
    const t = await ok(
      await post(s.jk_admin!, '/api/tickets', {
        source: 'request',
        categoryId: cat['帮办代办'],
        title: '国庆前申请帮办',
        description: '企业开办帮办代办',
        regionCode: '410171',
      }),
    );
    const closedOne = await ok(
      await post(s.jk_admin!, '/api/tickets', {
        source: 'request',
        categoryId: cat['帮办代办'],
        title: '已办结的不动',
        description: '已办结',
        regionCode: '410171',
      }),
    );
    // accepted at 10:00 Beijing time on 30 September 2026
    const at = new Date('2026-09-30T02:00:00Z');
    await ctx.db
      .updateTable('tickets')
      .set({ created_at: at } as never)
      .where('id', 'in', [t.id, closedOne.id])
      .execute();
    await ctx.db
      .updateTable('tickets')
      .set({ status: 'closed', closed_at: new Date(), due_at: new Date('2026-10-01T00:00:00Z') })
      .where('id', '=', closedOne.id)
      .execute();
    const city = s.city!;
    const put = (corrections: unknown[]) =>
      ctx.request('PUT', '/api/calendar/2026', { as: city, body: { corrections } });
    expect((await put([])).status).toBe(200);
    const due = async (id: number) =>
      (await ctx.request('GET', `/api/tickets/${id}`, { as: s.jk_admin })).body;
    // 1–7 October off (国庆节、中秋节); Thu 8, Fri 9 and the 调休 Saturday 10 work: due 24:00 on the 10th
    const expectedDue = '2026-10-10T16:00:00.000Z';
    // with 8 October made a holiday: 9, 10, then Monday 12
    const correctedDue = '2026-10-12T16:00:00.000Z';
    const before = await due(t.id);
    expect(before.dueAt).toBe(expectedDue);
    expect(before.timeLimit).toEqual({ value: 3, unit: 'working_days' });

    const moved = await put([{ date: '2026-10-08', kind: 'holiday', name: '临时调整' }]);
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.recomputed).toBeGreaterThanOrEqual(1);
    expect((await due(t.id)).dueAt).toBe(correctedDue);
    expect((await due(closedOne.id)).dueAt).toBe('2026-10-01T00:00:00.000Z');
    await put([]);
    expect((await due(t.id)).dueAt).toBe(expectedDue);
  });
});
