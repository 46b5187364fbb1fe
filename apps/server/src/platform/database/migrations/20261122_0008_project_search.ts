import { sql, type Kysely } from 'kysely';

// Project name search (`name ILIKE '%…%'`, project.repository.ts) read every
// row: on 1 M projects 0.8 s for 海尔压缩机 (bench/README.md). A trigram GIN
// index serves it for 3+ characters; Chinese characters make trigrams on
// both engines (PostgreSQL with a UTF-8 ctype, and PGlite). pg_trgm is a
// trusted extension (PostgreSQL 13+), so the database owner may create it;
// PGlite must have it loaded when the database is opened (db.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX projects_name_trgm_idx ON projects USING gin (name gin_trgm_ops);
  `.execute(db);
}
