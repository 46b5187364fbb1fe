import { sql, type Kysely } from 'kysely';

// The dashboard map's project points: the largest located projects of a
// region, read in investment order without sorting the whole library.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX projects_located_idx ON projects (total_investment DESC, id)
      WHERE lng IS NOT NULL AND lat IS NOT NULL;
  `.execute(db);
}
