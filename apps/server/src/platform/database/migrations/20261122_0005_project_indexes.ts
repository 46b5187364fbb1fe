import { sql, type Kysely } from 'kysely';

// From bench/README.md (1 M projects): a district's stage/level filter and its
// sums become index-only scans (267 ms → 6 ms), and the default sort by
// updated_at can read the existing (updated_at DESC, id DESC) index.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX projects_scope_filter_idx ON projects (region_code, stage, level)
      INCLUDE (total_investment, annual_plan, id);
    DROP INDEX projects_stage_idx;
  `.execute(db);
}
