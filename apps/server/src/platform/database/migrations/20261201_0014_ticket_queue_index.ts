import { sql, type Kysely } from 'kysely';

// The queues count and list a region's open tickets by due time. With the
// columns their filters read carried in the index, the counts are
// index-only scans instead of one heap visit per open ticket
// (bench/README.md, "Tickets"): it replaces migration 0013's narrower index.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX tickets_open_due_idx;
    CREATE INDEX tickets_open_queue_idx ON tickets (region_path text_pattern_ops, due_at)
      INCLUDE (status, level, escalations, remind_at, department_id, created_by, rating)
      WHERE closed_at IS NULL;
  `.execute(db);
}
