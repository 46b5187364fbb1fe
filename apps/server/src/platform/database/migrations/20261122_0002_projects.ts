import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE projects (
      id serial PRIMARY KEY,
      name text NOT NULL,
      -- lower-case pinyin initials of the name, for "hebl" → 海尔…
      name_initials text NOT NULL,
      owner_name text NOT NULL,
      owner_credit_code char(18) NOT NULL,
      region_code varchar(32) NOT NULL REFERENCES regions(code),
      industry_cluster text NOT NULL,
      industry_code text,
      level text NOT NULL CHECK (level IN ('province','city','district')),
      content text NOT NULL DEFAULT '',
      -- money in 万元, exact (docs/adr/0006-money.md)
      total_investment numeric(16,2) NOT NULL CHECK (total_investment >= 0),
      annual_plan numeric(16,2) NOT NULL CHECK (annual_plan >= 0),
      plan_year integer NOT NULL,
      stage text NOT NULL CHECK (stage IN ('planned','negotiating','signed','preparing','building','completed','operating')),
      stage_changed_on date,
      planned_start date,
      planned_end date,
      actual_start date,
      actual_end date,
      leader_name text,
      department_id integer REFERENCES departments(id),
      contact_name text,
      contact_phone text,
      lng numeric(9,6),
      lat numeric(9,6),
      tags text[] NOT NULL DEFAULT '{}',
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (planned_end IS NULL OR planned_start IS NULL OR planned_end >= planned_start)
    );
    CREATE UNIQUE INDEX projects_region_name_idx ON projects (region_code, name);
    CREATE INDEX projects_stage_idx ON projects (region_code, stage);
    CREATE INDEX projects_updated_idx ON projects (updated_at DESC, id DESC);
    CREATE INDEX projects_initials_idx ON projects (name_initials text_pattern_ops);

    CREATE TABLE project_stage_events (
      id serial PRIMARY KEY,
      project_id integer NOT NULL REFERENCES projects(id),
      region_code varchar(32) NOT NULL REFERENCES regions(code),
      from_stage text,
      to_stage text NOT NULL,
      occurred_on date NOT NULL,
      evidence text NOT NULL,
      reason text,
      actor_id integer,
      actor_name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX project_stage_events_project_idx ON project_stage_events (project_id, id);
  `.execute(db);
}
