import { sql, type Kysely } from 'kysely';

// One ledger of project problems (docs/adr/0015): a problem raised on a
// project is a ticket of source 'project'. Tickets gain what a problem had
// that tickets lacked — 整改期限 (rectify_by, the due time is the end of that
// day in Beijing), the monthly report it came from, and the old problem id
// (old links redirect) — and every problem moves over with its history:
// raised → 登记 + 派遣, changes, 销号 with the evidence as the unit's reply,
// reopenings; evidence photos are copied into the ticket's photos. Each moved
// problem gets an audit row naming both ids; the problem tables go.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE tickets
      ADD COLUMN rectify_by date,
      ADD COLUMN report_id integer REFERENCES monthly_reports(id),
      ADD COLUMN legacy_problem_id integer UNIQUE;
    CREATE INDEX tickets_report_idx ON tickets (report_id) WHERE report_id IS NOT NULL;

    -- the category problems are filed under: the first one of source 'project'
    INSERT INTO ticket_categories (source, name, limit_value, limit_unit)
    SELECT 'project', '项目推进问题', 5, 'working_days'
    WHERE NOT EXISTS (SELECT 1 FROM ticket_categories WHERE source = 'project');

    INSERT INTO tickets (
      source, category_id, title, description, region_code, region_path, level, status,
      project_id, requester_name, department_id, created_by, created_by_name,
      limit_value, limit_unit, due_at, remind_at, reminded_at, next_escalation_at,
      dispatched_at, reply, replied_at, closed_at, closed_on_time, resolved_level,
      rectify_by, report_id, legacy_problem_id, version, created_at, updated_at)
    SELECT 'project', c.id, p.title, coalesce(nullif(p.description, ''), p.title),
      p.region_code, r.path, t.level,
      CASE WHEN p.status = 'closed' THEN 'closed' ELSE 'dispatched' END,
      p.project_id, '', p.department_id, p.raised_by, p.raised_by_name,
      c.limit_value, c.limit_unit, t.due_at,
      t.due_at - greatest(interval '1 hour', (t.due_at - p.raised_at) / 4),
      -- nobody is reminded now of what was due long ago
      CASE WHEN p.status = 'open' AND t.due_at - greatest(interval '1 hour', (t.due_at - p.raised_at) / 4) < now()
           THEN now() END,
      -- overdue open problems escalate a day after the move, not at once
      CASE WHEN p.status = 'open' AND t.level <> 'city' THEN greatest(t.due_at, now() + interval '1 day') END,
      p.raised_at,
      p.evidence, p.closed_at, p.closed_at,
      CASE WHEN p.status = 'closed' THEN p.closed_at <= t.due_at END,
      CASE WHEN p.status = 'closed' THEN t.level END,
      p.due_on, p.report_id, p.id, 1, p.raised_at, p.updated_at
    FROM problems p
    JOIN regions r ON r.code = p.region_code
    CROSS JOIN LATERAL (
      SELECT CASE WHEN r.level IN ('city', 'district', 'street') THEN r.level ELSE 'grid' END AS level,
             -- the end of the due day in Beijing
             (((p.due_on + 1)::timestamp - interval '8 hours') AT TIME ZONE 'UTC') AS due_at
    ) t
    CROSS JOIN LATERAL (
      SELECT id, limit_value, limit_unit FROM ticket_categories
      WHERE source = 'project' ORDER BY id LIMIT 1
    ) c
    ORDER BY p.id;

    -- the history, event by event; a raise is the registration and the dispatch
    INSERT INTO ticket_events (ticket_id, kind, from_status, to_status, level, department_name, note, actor_id, actor_name, at)
    SELECT t.id, x.kind, x.from_status, x.to_status, t.level, x.department_name, x.note, e.actor_id, e.actor_name, e.at
    FROM problem_events e
    JOIN tickets t ON t.legacy_problem_id = e.problem_id
    JOIN problems p ON p.id = e.problem_id
    JOIN departments d ON d.id = p.department_id
    CROSS JOIN LATERAL (VALUES
      (1, 'create', NULL, 'accepted', NULL, '提出项目问题', e.action = 'raised'),
      (2, 'dispatch', 'accepted', 'dispatched', d.name, '派遣至' || d.name || '，整改期限' || p.due_on, e.action = 'raised'),
      (1, 'update', NULL, NULL, NULL, e.note, e.action = 'updated'),
      (1, 'close', 'dispatched', 'closed', d.name, '销号：' || coalesce(e.note, ''), e.action = 'closed'),
      (1, 'reopen', 'closed', 'dispatched', d.name, '重新打开：' || coalesce(e.note, ''), e.action = 'reopened')
    ) AS x(n, kind, from_status, to_status, department_name, note, applies)
    WHERE x.applies
    ORDER BY e.id, x.n;

    -- evidence photos (the project's own attachments) become the ticket's photos
    INSERT INTO ticket_photos (ticket_id, filename, content_type, size, sha256, data, uploaded_by, uploader_name, created_at)
    SELECT DISTINCT ON (t.id, a.id) t.id, a.filename, a.content_type, a.size, a.sha256, a.data, a.uploaded_by, a.uploader_name, a.created_at
    FROM (
      SELECT id AS problem_id, evidence_attachment_id AS attachment_id FROM problems WHERE evidence_attachment_id IS NOT NULL
      UNION
      SELECT problem_id, attachment_id FROM problem_events WHERE attachment_id IS NOT NULL
    ) ev
    JOIN tickets t ON t.legacy_problem_id = ev.problem_id
    JOIN attachments a ON a.id = ev.attachment_id
    ORDER BY t.id, a.id;

    INSERT INTO audit_log (actor_id, actor_name, action, entity_type, entity_id, region_code, before, after)
    SELECT NULL, '系统（数据迁移）', 'ticket.migrated_from_problem', 'ticket', t.id::text, t.region_code,
      jsonb_build_object('problemId', t.legacy_problem_id),
      jsonb_build_object('ticketId', t.id, 'status', t.status, 'rectifyBy', t.rectify_by, 'title', t.title)
    FROM tickets t WHERE t.legacy_problem_id IS NOT NULL
    ORDER BY t.id;

    DROP TABLE problem_events;
    DROP TABLE problems;
  `.execute(db);
}
