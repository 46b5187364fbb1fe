import { sql, type Kysely } from 'kysely';

// The dashboard counts a region's open project problems (tickets of source
// 'project', ADR 0015) on every view. Without an index of their own that
// count read every ticket in the region: 7 ms at 15 000 tickets, growing
// with the grid events and demands that are no problems at all (the soak
// benchmark adds 20 000 in ten minutes). Partial, with due_at for the
// overdue count: an index-only scan of the open problems (0.05 ms).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX tickets_open_problems_idx ON tickets (region_path text_pattern_ops, due_at)
      WHERE source = 'project' AND closed_at IS NULL;
  `.execute(db);
}
