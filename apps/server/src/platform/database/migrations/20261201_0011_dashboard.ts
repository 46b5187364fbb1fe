import { sql, type Kysely } from 'kysely';

// 驾驶舱: the city's yearly investment targets per region, the library's
// month-end snapshots, and the index the warning counts read (red and yellow
// milestones of a region).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE investment_targets (
      region_code varchar(32) NOT NULL REFERENCES regions(code),
      year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
      -- 万元
      amount numeric(16,2) NOT NULL CHECK (amount > 0),
      set_by text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (year, region_code)
    );
    -- the project library as it stood when a month ended, per region: the
    -- ranking's "change since last month" for the library indicators
    CREATE TABLE library_snapshots (
      month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      region_code varchar(32) NOT NULL,
      projects integer NOT NULL,
      total_investment numeric(20,2) NOT NULL,
      taken_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (month, region_code)
    );
    CREATE INDEX milestones_warning_idx ON milestones (region_code, status) WHERE status IN ('red', 'yellow');
  `.execute(db);
}
