import { Migrator, sql, type MigrationProvider } from 'kysely';
import type { Db } from './db';
import { migrations } from './migrations';

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Applies every pending migration; throws (and applies nothing more) on the first failure. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  if (await isUpToDate(db)) return [];
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`数据库迁移失败 (migration ${failed} failed): ${String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** One cheap query on a warm start instead of the migrator's lock-and-compare. */
async function isUpToDate(db: Db): Promise<boolean> {
  const table = await sql<{
    t: string | null;
  }>`select to_regclass('kysely_migration')::text as t`.execute(db);
  if (!table.rows[0]?.t) return false;
  const { rows } = await sql<{
    name: string | null;
  }>`select max(name) as name from kysely_migration`.execute(db);
  return rows[0]?.name === Object.keys(migrations).sort().at(-1);
}
