import type { Kysely } from 'kysely';

// Placeholder, filled in by the work of issue 14 that owns it.
export async function up(_db: Kysely<unknown>): Promise<void> {}
