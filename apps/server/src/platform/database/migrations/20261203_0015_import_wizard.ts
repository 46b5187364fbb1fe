import { sql, type Kysely } from 'kysely';

// The import wizard (docs/adr/0013): an upload first waits for its column
// mapping ('mapping'); the file stays on disk until applied (file_path), so
// the mapping can change and the file be checked again; the confirmed
// mapping is remembered per region and header shape (import_mappings).
// Real ledgers lack 统一社会信用代码 more often than not: it becomes optional
// and such projects are listed as 待补充.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE project_imports DROP CONSTRAINT project_imports_status_check;
    ALTER TABLE project_imports ADD CONSTRAINT project_imports_status_check
      CHECK (status IN ('mapping','validating','validated','applying','applied','failed'));
    ALTER TABLE project_imports
      ADD COLUMN layout jsonb,
      ADD COLUMN options jsonb,
      ADD COLUMN preview jsonb,
      ADD COLUMN warnings jsonb NOT NULL DEFAULT '[]',
      ADD COLUMN warning_rows integer NOT NULL DEFAULT 0,
      ADD COLUMN file_path text,
      -- the last sign of life of a validation or an apply: a stale one was interrupted
      ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

    CREATE TABLE import_mappings (
      kind text NOT NULL,
      region_code varchar(32) NOT NULL REFERENCES regions(code),
      -- the header's texts in column order, hashed
      signature text NOT NULL,
      columns jsonb NOT NULL,
      amount_unit text NOT NULL CHECK (amount_unit IN ('yi','wan')),
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (kind, region_code, signature)
    );

    ALTER TABLE projects ALTER COLUMN owner_credit_code DROP NOT NULL;
    CREATE INDEX projects_missing_credit_idx ON projects (region_code) WHERE owner_credit_code IS NULL;
  `.execute(db);
}
