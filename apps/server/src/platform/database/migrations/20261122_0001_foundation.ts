import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE regions (
      code varchar(32) PRIMARY KEY,
      name text NOT NULL,
      level text NOT NULL CHECK (level IN ('city','district','street','grid1','grid2','grid3','micro')),
      parent_code varchar(32) REFERENCES regions(code),
      path text NOT NULL UNIQUE,
      official boolean NOT NULL DEFAULT true,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX regions_parent_idx ON regions (parent_code);
    CREATE INDEX regions_path_idx ON regions (path text_pattern_ops);

    CREATE TABLE departments (
      id serial PRIMARY KEY,
      name text NOT NULL,
      region_code varchar(32) NOT NULL REFERENCES regions(code),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (region_code, name)
    );

    CREATE TABLE users (
      id serial PRIMARY KEY,
      username text NOT NULL,
      display_name text NOT NULL,
      phone text,
      role text NOT NULL CHECK (role IN ('city_admin','district_admin','unit_officer','leader','grid_worker','enterprise','viewer')),
      region_code varchar(32) NOT NULL REFERENCES regions(code),
      department_id integer REFERENCES departments(id),
      password_hash text NOT NULL,
      must_change_password boolean NOT NULL DEFAULT true,
      failed_attempts integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      disabled boolean NOT NULL DEFAULT false,
      last_login_at timestamptz,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX users_username_idx ON users (lower(username));
    CREATE INDEX users_region_idx ON users (region_code);

    CREATE TABLE sessions (
      id serial PRIMARY KEY,
      token_hash text NOT NULL UNIQUE,
      user_id integer NOT NULL REFERENCES users(id),
      csrf_token text NOT NULL,
      active_region_code varchar(32) NOT NULL REFERENCES regions(code),
      ip text,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX sessions_expires_idx ON sessions (expires_at);
    CREATE INDEX sessions_user_idx ON sessions (user_id);

    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor_id integer,
      actor_name text NOT NULL,
      action text NOT NULL,
      entity_type text NOT NULL,
      entity_id text,
      region_code varchar(32),
      before jsonb,
      after jsonb,
      ip text
    );
    CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
    CREATE INDEX audit_log_region_idx ON audit_log (region_code, at DESC);
    CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id);

    CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
    END $$;
    CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

    CREATE TABLE jobs (
      id bigserial PRIMARY KEY,
      name text NOT NULL,
      payload jsonb NOT NULL DEFAULT '{}',
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','succeeded','failed')),
      run_at timestamptz NOT NULL DEFAULT now(),
      attempts integer NOT NULL DEFAULT 0,
      max_attempts integer NOT NULL DEFAULT 3,
      started_at timestamptz,
      finished_at timestamptz,
      error text,
      result jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE status = 'queued';
    CREATE INDEX jobs_name_idx ON jobs (name, created_at DESC);

    CREATE TABLE job_schedules (
      name text PRIMARY KEY,
      interval_seconds integer NOT NULL CHECK (interval_seconds > 0),
      next_run_at timestamptz NOT NULL
    );
  `.execute(db);
}
