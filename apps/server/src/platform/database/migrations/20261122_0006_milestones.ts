import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- 倒排工期 templates: ordered nodes, each so many working days before the next
    CREATE TABLE milestone_templates (
      id serial PRIMARY KEY,
      name text NOT NULL UNIQUE,
      steps jsonb NOT NULL,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE milestones (
      id serial PRIMARY KEY,
      project_id integer NOT NULL REFERENCES projects(id),
      region_code varchar(32) NOT NULL REFERENCES regions(code),
      seq integer NOT NULL,
      name text NOT NULL,
      owner_user_id integer REFERENCES users(id),
      owner_name text NOT NULL,
      due_on date NOT NULL,
      -- worked back from target_on by offset_workdays: both or neither
      target_on date,
      offset_workdays integer CHECK (offset_workdays >= 0),
      done_on date,
      evidence text,
      status text NOT NULL DEFAULT 'green' CHECK (status IN ('green','yellow','red','done')),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((target_on IS NULL) = (offset_workdays IS NULL)),
      CHECK ((status = 'done') = (done_on IS NOT NULL))
    );
    CREATE INDEX milestones_project_idx ON milestones (project_id, seq);
    CREATE INDEX milestones_region_due_idx ON milestones (region_code, due_on);
    CREATE INDEX milestones_owner_idx ON milestones (owner_user_id, due_on) WHERE owner_user_id IS NOT NULL;
    CREATE INDEX milestones_open_due_idx ON milestones (due_on) WHERE status <> 'done';
    CREATE INDEX milestones_derived_idx ON milestones (target_on) WHERE target_on IS NOT NULL AND status <> 'done';

    -- the admin's corrections to the official calendar (chinese-days):
    -- a holiday on a weekday, or a weekend made a working day (调休)
    CREATE TABLE calendar_days (
      day date PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('holiday','workday')),
      name text NOT NULL,
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}
