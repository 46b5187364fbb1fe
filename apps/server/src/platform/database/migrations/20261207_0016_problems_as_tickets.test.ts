import { Migrator, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../test/harness';
import { openDatabase, type DatabaseHandle } from '../db';
import { migrations } from './index';

// Migration 0016 on a database as the problem ledger left it: every problem
// becomes a project ticket with its history, photos and an audit row.
describe('migration 0016: project problems become tickets', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let handle: DatabaseHandle;
  let db: Kysely<any>;
  const migrator = () =>
    new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } });

  beforeAll(async () => {
    database = await freshDatabase();
    handle = await openDatabase({ url: database.url, poolSize: 2 });
    db = handle.db as unknown as Kysely<any>;
    const before = await migrator().migrateTo('20261203_0015_import_wizard');
    if (before.error) throw before.error;
    await sql`
      INSERT INTO regions (code, name, level, parent_code, path) VALUES
        ('410100', '郑州市', 'city', NULL, '410100/'),
        ('410171', '郑州经济技术开发区', 'district', '410100', '410100/410171/');
      INSERT INTO departments (id, name, region_code) VALUES (7, '经开区建设局', '410171');
      INSERT INTO users (id, username, display_name, role, region_code, password_hash)
        VALUES (3, 'jk_admin', '经开区管理员', 'district_admin', '410171', 'x');
      INSERT INTO projects (id, name, name_initials, owner_name, owner_credit_code, region_code,
          industry_cluster, level, total_investment, annual_plan, plan_year, stage)
        VALUES (11, '一汽解放基地', 'yqjfjd', '一汽解放', '91410100MA00000000', '410171',
          '汽车及装备制造', 'district', 100000, 20000, 2026, 'building');
      INSERT INTO monthly_reports (id, project_id, region_code, month, invested, progress, late, source, reporter_name)
        VALUES (21, 11, '410171', '2026-10', 1200, '主体施工', false, 'form', '经开区管理员');
      INSERT INTO attachments (id, project_id, region_code, filename, content_type, size, sha256, data, uploader_name)
        VALUES (31, 11, '410171', '现场.png', 'image/png', 3, 'abc', '\\x010203'::bytea, '经开区建设局');
      INSERT INTO problems (id, project_id, region_code, report_id, title, description, department_id,
          due_on, status, raised_by, raised_by_name, raised_at, closed_at, closed_by_name, evidence,
          evidence_attachment_id, reopen_count)
        VALUES
          (1, 11, '410171', 21, '用电增容审批滞后', '二期负荷增至8000kVA', 7, '2026-10-20', 'closed', 3,
           '经开区管理员', '2026-10-01T02:00:00Z', '2026-10-15T02:00:00Z', '经开区建设局', '已批复', 31, 1),
          (2, 11, '410171', NULL, '土方外运受限', '', 7, '2026-09-30', 'open', 3,
           '经开区管理员', '2026-09-01T02:00:00Z', NULL, NULL, NULL, NULL, 0);
      INSERT INTO problem_events (problem_id, action, note, attachment_id, actor_id, actor_name, at) VALUES
        (1, 'raised', NULL, NULL, 3, '经开区管理员', '2026-10-01T02:00:00Z'),
        (1, 'updated', '整改期限：2026-10-10 → 2026-10-20', NULL, 3, '经开区管理员', '2026-10-02T02:00:00Z'),
        (1, 'closed', '已上报', NULL, NULL, '经开区建设局', '2026-10-05T02:00:00Z'),
        (1, 'reopened', '批复未下达', NULL, 3, '经开区管理员', '2026-10-06T02:00:00Z'),
        (1, 'closed', '已批复', 31, NULL, '经开区建设局', '2026-10-15T02:00:00Z'),
        (2, 'raised', NULL, NULL, 3, '经开区管理员', '2026-09-01T02:00:00Z');
    `.execute(db);
    const after = await migrator().migrateToLatest();
    if (after.error) throw after.error;
  });

  afterAll(async () => {
    await handle?.close();
    await database?.drop();
  });

  it('turns each problem into a project ticket of its project, unit, deadline and report', async () => {
    const tickets = await db
      .selectFrom('tickets')
      .selectAll()
      .orderBy('legacy_problem_id')
      .execute();
    expect(tickets).toHaveLength(2);
    const [closed, open] = tickets;
    expect(closed).toMatchObject({
      source: 'project',
      project_id: 11,
      department_id: 7,
      region_code: '410171',
      region_path: '410100/410171/',
      level: 'district',
      status: 'closed',
      rectify_by: '2026-10-20',
      report_id: 21,
      reply: '已批复',
      closed_on_time: true,
      created_by: 3,
      created_by_name: '经开区管理员',
    });
    // due at the end of 2026-10-20 in Beijing
    expect(new Date(closed.due_at).toISOString()).toBe('2026-10-20T16:00:00.000Z');
    expect(open).toMatchObject({ status: 'dispatched', rectify_by: '2026-09-30', closed_at: null });
    // the title stands in for an empty description
    expect(open.description).toBe('土方外运受限');
    // an open, long overdue problem escalates a day after the move at the earliest
    expect(new Date(open.next_escalation_at).getTime()).toBeGreaterThan(Date.now());
  });

  it('keeps the whole history, in order, as ticket events', async () => {
    const t = await db
      .selectFrom('tickets')
      .select('id')
      .where('legacy_problem_id', '=', 1)
      .executeTakeFirstOrThrow();
    const events = await db
      .selectFrom('ticket_events')
      .select(['kind', 'to_status', 'note', 'actor_name'])
      .where('ticket_id', '=', t.id)
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.kind)).toEqual([
      'create',
      'dispatch',
      'update',
      'close',
      'reopen',
      'close',
    ]);
    expect(events[1]!.note).toBe('派遣至经开区建设局，整改期限2026-10-20');
    expect(events[2]!.note).toBe('整改期限：2026-10-10 → 2026-10-20');
    expect(events[4]).toMatchObject({ note: '重新打开：批复未下达', actor_name: '经开区管理员' });
    expect(events[5]).toMatchObject({ note: '销号：已批复', actor_name: '经开区建设局' });
  });

  it('copies the evidence photo into the ticket and audits each move', async () => {
    const t = await db
      .selectFrom('tickets')
      .select('id')
      .where('legacy_problem_id', '=', 1)
      .executeTakeFirstOrThrow();
    const photos = await db.selectFrom('ticket_photos').selectAll().execute();
    expect(photos).toHaveLength(1);
    expect(photos[0]).toMatchObject({ ticket_id: t.id, filename: '现场.png', size: 3 });
    expect([...new Uint8Array(photos[0].data)]).toEqual([1, 2, 3]);
    const audit = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'ticket.migrated_from_problem')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => [a.entity_id, a.before.problemId])).toEqual([
      [String(t.id), 1],
      [expect.any(String), 2],
    ]);
  });

  it('drops the problem tables', async () => {
    const { rows } = await sql<{ t: string | null }>`
      select to_regclass('problems')::text as t`.execute(db);
    expect(rows[0]!.t).toBeNull();
  });
});
