import { sql, type Kysely } from 'kysely';

// Closed-loop service tickets (issue 5, ADR 0011): categories with their time
// limits, the enterprise registry with 包联干部, tickets with their history,
// co-handling units and photos, and the Open311 clients (external systems).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE ticket_categories (
      id serial PRIMARY KEY,
      source text NOT NULL CHECK (source IN ('enterprise', 'request', 'grid', 'project')),
      name text NOT NULL,
      limit_value integer NOT NULL CHECK (limit_value > 0),
      limit_unit text NOT NULL CHECK (limit_unit IN ('working_days', 'hours')),
      active boolean NOT NULL DEFAULT true,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (source, name)
    );
    -- the categories the seeds name, with the limits they quote (环评 at most
    -- 10 working days, 微网格员 two hours to visit); admins adjust them
    INSERT INTO ticket_categories (source, name, limit_value, limit_unit) VALUES
      ('enterprise', '用地保障', 10, 'working_days'),
      ('enterprise', '用电用能', 5, 'working_days'),
      ('enterprise', '融资需求', 10, 'working_days'),
      ('enterprise', '审批手续', 5, 'working_days'),
      ('enterprise', '用工招聘', 5, 'working_days'),
      ('request', '政策咨询', 1, 'working_days'),
      ('request', '帮办代办', 3, 'working_days'),
      ('request', '投诉建议', 5, 'working_days'),
      ('grid', '入户走访', 2, 'hours'),
      ('grid', '高空抛物', 24, 'hours'),
      ('grid', '火情隐患', 2, 'hours'),
      ('grid', '占道经营', 24, 'hours'),
      ('grid', '乱停乱放', 24, 'hours'),
      ('project', '项目推进问题', 5, 'working_days'),
      ('project', '环评审批', 10, 'working_days');

    CREATE TABLE enterprises (
      id serial PRIMARY KEY,
      credit_code varchar(18) NOT NULL UNIQUE,
      name text NOT NULL,
      industry text NOT NULL,
      region_code varchar(32) NOT NULL REFERENCES regions(code),
      size text NOT NULL CHECK (size IN ('large', 'medium', 'small', 'micro')),
      address text NOT NULL DEFAULT '',
      contact_name text NOT NULL DEFAULT '',
      contact_phone text NOT NULL DEFAULT '',
      cadre_user_id integer REFERENCES users(id),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX enterprises_region_idx ON enterprises (region_code);
    CREATE INDEX enterprises_cadre_idx ON enterprises (cadre_user_id) WHERE cadre_user_id IS NOT NULL;

    CREATE TABLE open311_clients (
      id serial PRIMARY KEY,
      name text NOT NULL,
      region_code varchar(32) NOT NULL REFERENCES regions(code),
      -- sha256 of the key: the key itself is shown once and never stored
      key_hash text NOT NULL UNIQUE,
      active boolean NOT NULL DEFAULT true,
      created_by_name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE tickets (
      id serial PRIMARY KEY,
      source text NOT NULL CHECK (source IN ('enterprise', 'request', 'grid', 'project')),
      category_id integer NOT NULL REFERENCES ticket_categories(id),
      title text NOT NULL,
      description text NOT NULL,
      region_code varchar(32) NOT NULL REFERENCES regions(code),
      -- the region's materialised path, copied once: scope checks are prefix matches
      region_path text NOT NULL,
      -- where it is handled now; escalation moves it up
      level text NOT NULL CHECK (level IN ('grid', 'street', 'district', 'city')),
      status text NOT NULL CHECK (status IN ('submitted', 'accepted', 'dispatched', 'handling', 'replied', 'closed', 'merged')),
      enterprise_id integer REFERENCES enterprises(id),
      project_id integer REFERENCES projects(id),
      requester_user_id integer REFERENCES users(id),
      requester_name text NOT NULL,
      requester_phone text,
      address text NOT NULL DEFAULT '',
      lng double precision,
      lat double precision,
      department_id integer REFERENCES departments(id),
      created_by integer REFERENCES users(id),
      created_by_name text NOT NULL,
      open311_client_id integer REFERENCES open311_clients(id),
      -- 'user:12' or 'open311:3' with the key the submitter sent: one ticket per pair
      idempotency_scope text,
      idempotency_key text,
      limit_value integer NOT NULL,
      limit_unit text NOT NULL,
      due_at timestamptz NOT NULL,
      remind_at timestamptz NOT NULL,
      reminded_at timestamptz,
      -- when the escalation job next looks at it (null: closed, or at the top)
      next_escalation_at timestamptz,
      escalations integer NOT NULL DEFAULT 0,
      dispatched_at timestamptz,
      reply text,
      replied_at timestamptz,
      rating text CHECK (rating IN ('satisfied', 'basic', 'unsatisfied')),
      rating_comment text,
      rated_at timestamptz,
      closed_at timestamptz,
      closed_on_time boolean,
      resolved_level text CHECK (resolved_level IN ('grid', 'street', 'district', 'city')),
      merged_into_id integer REFERENCES tickets(id),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((status IN ('closed', 'merged')) = (closed_at IS NOT NULL)),
      UNIQUE (idempotency_scope, idempotency_key)
    );
    CREATE INDEX tickets_region_created_idx ON tickets (region_path text_pattern_ops, created_at);
    CREATE INDEX tickets_created_idx ON tickets (created_at);
    CREATE INDEX tickets_department_idx ON tickets (department_id, created_at);
    CREATE INDEX tickets_unit_open_idx ON tickets (department_id, due_at) WHERE closed_at IS NULL;
    CREATE INDEX tickets_open_due_idx ON tickets (region_path text_pattern_ops, due_at) WHERE closed_at IS NULL;
    CREATE INDEX tickets_escalation_idx ON tickets (next_escalation_at) WHERE next_escalation_at IS NOT NULL;
    CREATE INDEX tickets_reminder_idx ON tickets (remind_at) WHERE reminded_at IS NULL AND closed_at IS NULL;
    CREATE INDEX tickets_enterprise_idx ON tickets (enterprise_id) WHERE enterprise_id IS NOT NULL;
    CREATE INDEX tickets_project_idx ON tickets (project_id) WHERE project_id IS NOT NULL;
    CREATE INDEX tickets_requester_idx ON tickets (requester_user_id) WHERE requester_user_id IS NOT NULL;
    CREATE INDEX tickets_creator_idx ON tickets (created_by);

    CREATE TABLE ticket_co_handlers (
      ticket_id integer NOT NULL REFERENCES tickets(id),
      department_id integer NOT NULL REFERENCES departments(id),
      PRIMARY KEY (ticket_id, department_id)
    );
    CREATE INDEX ticket_co_handlers_department_idx ON ticket_co_handlers (department_id);

    CREATE TABLE ticket_events (
      id serial PRIMARY KEY,
      ticket_id integer NOT NULL REFERENCES tickets(id),
      kind text NOT NULL,
      from_status text,
      to_status text,
      level text NOT NULL,
      department_name text,
      note text,
      actor_id integer REFERENCES users(id),
      actor_name text NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, id);

    CREATE TABLE ticket_photos (
      id serial PRIMARY KEY,
      ticket_id integer NOT NULL REFERENCES tickets(id),
      filename text NOT NULL,
      content_type text NOT NULL,
      size integer NOT NULL,
      sha256 text NOT NULL,
      data bytea NOT NULL,
      uploaded_by integer REFERENCES users(id),
      uploader_name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ticket_photos_ticket_idx ON ticket_photos (ticket_id);
  `.execute(db);
}
