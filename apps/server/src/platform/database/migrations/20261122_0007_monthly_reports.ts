import { sql, type Kysely } from 'kysely';

// 月度调度 (monthly reports), their photos, closing a month per district,
// the problem ledger (问题台账), and imports of report ledgers.
// docs/adr/0009-monthly-reports-and-attachments.md
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- photos, kept in the database so a backup holds everything
    CREATE TABLE attachments (
      id serial PRIMARY KEY,
      project_id integer NOT NULL REFERENCES projects(id),
      region_code varchar(32) NOT NULL REFERENCES regions(code),
      filename text NOT NULL,
      content_type text NOT NULL CHECK (content_type IN ('image/jpeg','image/png','image/webp')),
      size integer NOT NULL CHECK (size > 0 AND size <= 10485760),
      sha256 text NOT NULL,
      data bytea NOT NULL,
      uploaded_by integer REFERENCES users(id),
      uploader_name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX attachments_project_idx ON attachments (project_id);

    CREATE TABLE monthly_reports (
      id serial PRIMARY KEY,
      project_id integer NOT NULL REFERENCES projects(id),
      -- the project's region when it reported
      region_code varchar(32) NOT NULL REFERENCES regions(code),
      month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      invested numeric(16,2) NOT NULL CHECK (invested >= 0),
      progress text NOT NULL,
      problems text NOT NULL DEFAULT '',
      -- first submitted after the deadline (REPORT_DEADLINE_DAY of the next month)
      late boolean NOT NULL,
      source text NOT NULL CHECK (source IN ('form','import')),
      reporter_id integer REFERENCES users(id),
      reporter_name text NOT NULL,
      submitted_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      UNIQUE (project_id, month)
    );
    CREATE INDEX monthly_reports_month_idx ON monthly_reports (month, region_code);

    CREATE TABLE monthly_report_photos (
      report_id integer NOT NULL REFERENCES monthly_reports(id),
      attachment_id integer NOT NULL REFERENCES attachments(id),
      position integer NOT NULL,
      PRIMARY KEY (report_id, attachment_id)
    );
    CREATE INDEX monthly_report_photos_attachment_idx ON monthly_report_photos (attachment_id);

    -- a district's month, closed by its project office (or the city): no more
    -- reports; the city may reopen it (audited)
    CREATE TABLE report_month_closures (
      region_code varchar(32) NOT NULL REFERENCES regions(code),
      month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      closed_by text NOT NULL,
      closed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (region_code, month)
    );

    CREATE TABLE problems (
      id serial PRIMARY KEY,
      project_id integer NOT NULL REFERENCES projects(id),
      region_code varchar(32) NOT NULL REFERENCES regions(code),
      report_id integer REFERENCES monthly_reports(id),
      title text NOT NULL,
      description text NOT NULL DEFAULT '',
      department_id integer NOT NULL REFERENCES departments(id),
      due_on date NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
      raised_by integer REFERENCES users(id),
      raised_by_name text NOT NULL,
      raised_at timestamptz NOT NULL DEFAULT now(),
      closed_at timestamptz,
      closed_by_name text,
      evidence text,
      evidence_attachment_id integer REFERENCES attachments(id),
      reopen_count integer NOT NULL DEFAULT 0,
      version integer NOT NULL DEFAULT 1,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((status = 'closed') = (closed_at IS NOT NULL AND evidence IS NOT NULL))
    );
    CREATE INDEX problems_project_idx ON problems (project_id, status);
    CREATE INDEX problems_region_idx ON problems (region_code, status, due_on);
    CREATE INDEX problems_department_idx ON problems (department_id, status);
    CREATE INDEX problems_evidence_idx ON problems (evidence_attachment_id) WHERE evidence_attachment_id IS NOT NULL;

    -- the problem's history: raised, changed, closed with evidence, reopened with a reason
    CREATE TABLE problem_events (
      id serial PRIMARY KEY,
      problem_id integer NOT NULL REFERENCES problems(id),
      action text NOT NULL CHECK (action IN ('raised','updated','closed','reopened')),
      note text,
      attachment_id integer REFERENCES attachments(id),
      actor_id integer REFERENCES users(id),
      actor_name text NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX problem_events_problem_idx ON problem_events (problem_id, id);
    CREATE INDEX problem_events_attachment_idx ON problem_events (attachment_id) WHERE attachment_id IS NOT NULL;

    -- the import machinery serves project ledgers and monthly-report ledgers
    ALTER TABLE project_imports
      ADD COLUMN kind text NOT NULL DEFAULT 'projects' CHECK (kind IN ('projects','monthly_reports'));

    -- an enterprise user reports for the projects his company builds
    ALTER TABLE users ADD COLUMN credit_code varchar(18);
  `.execute(db);
}
