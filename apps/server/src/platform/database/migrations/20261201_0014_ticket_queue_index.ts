import { sql, type Kysely } from 'kysely';

// The city's queues list open tickets by due time across every district: an
// index on the open ones by due time lets the page stop after its 20 rows
// instead of sorting every open ticket (bench/README.md, "Tickets").
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX tickets_open_by_due_idx ON tickets (due_at) WHERE closed_at IS NULL`.execute(
    db,
  );
}
