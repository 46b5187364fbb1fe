import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE project_imports (
      id serial PRIMARY KEY,
      user_id integer NOT NULL REFERENCES users(id),
      actor_name text NOT NULL,
      -- the uploader's active region: rows outside it are refused
      region_code varchar(32) NOT NULL REFERENCES regions(code),
      filename text NOT NULL,
      status text NOT NULL CHECK (status IN ('validating','validated','applying','applied','failed')),
      processed_rows integer NOT NULL DEFAULT 0,
      total_rows integer,
      valid_rows integer NOT NULL DEFAULT 0,
      create_rows integer NOT NULL DEFAULT 0,
      update_rows integer NOT NULL DEFAULT 0,
      unchanged_rows integer NOT NULL DEFAULT 0,
      rejected_rows integer NOT NULL DEFAULT 0,
      errors jsonb NOT NULL DEFAULT '[]',
      failure text,
      created_at timestamptz NOT NULL DEFAULT now(),
      applied_at timestamptz
    );
    CREATE INDEX project_imports_region_idx ON project_imports (region_code, id DESC);

    -- valid rows staged during validation; applied in one statement
    CREATE TABLE project_import_rows (
      import_id integer NOT NULL REFERENCES project_imports(id),
      row_number integer NOT NULL,
      action text NOT NULL CHECK (action IN ('create','update','unchanged')),
      project_id integer,
      project_version integer,
      data jsonb NOT NULL,
      PRIMARY KEY (import_id, row_number)
    );
  `.execute(db);
}
