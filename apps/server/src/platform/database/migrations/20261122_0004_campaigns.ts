import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE campaigns (
      id serial PRIMARY KEY,
      number integer NOT NULL UNIQUE,
      name text NOT NULL,
      starts_on date NOT NULL,
      ends_on date NOT NULL CHECK (ends_on >= starts_on),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    -- one project in at most one batch of a period
    CREATE TABLE campaign_entries (
      campaign_id integer NOT NULL REFERENCES campaigns(id),
      project_id integer NOT NULL REFERENCES projects(id),
      region_code varchar(32) NOT NULL REFERENCES regions(code),
      kind text NOT NULL CHECK (kind IN ('sign','start','produce')),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (campaign_id, project_id)
    );
    CREATE INDEX campaign_entries_region_idx ON campaign_entries (campaign_id, region_code, kind);

    -- a district's batch, locked by the city after review
    CREATE TABLE campaign_batch_locks (
      campaign_id integer NOT NULL REFERENCES campaigns(id),
      region_code varchar(32) NOT NULL REFERENCES regions(code),
      kind text NOT NULL CHECK (kind IN ('sign','start','produce')),
      locked_by text NOT NULL,
      locked_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (campaign_id, region_code, kind)
    );
  `.execute(db);
}
