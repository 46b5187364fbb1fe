import { sql, type Kysely } from 'kysely';

// 驾驶舱: the city's yearly investment targets per region, and the index the
// warning counts read (red and yellow milestones of a region).
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
    CREATE INDEX milestones_warning_idx ON milestones (region_code, status) WHERE status IN ('red', 'yellow');
  `.execute(db);
}
