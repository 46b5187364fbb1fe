import { sql, type Kysely } from 'kysely';
import { inBackground } from './background';
import type { Database } from './schema';

/**
 * PGlite runs PostgreSQL as one session in this process, without its
 * background workers: autovacuum never runs (pg_stat_user_tables shows
 * last_autovacuum null for ever). Every UPDATE and DELETE leaves a dead row
 * version behind, so a hot table (projects, sessions, jobs, rollups) grows,
 * its scans slow down and its statistics go stale — the soak benchmark's
 * PGlite throughput fell by 43 % over ten minutes. This does autovacuum's
 * work: the tables past PostgreSQL's default thresholds, one at a time,
 * through the one connection (so never inside someone's transaction).
 */
export async function vacuumDueTables(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string; vacuum: boolean }>`
    select relname as name, n_dead_tup > 50 + 0.2 * n_live_tup as vacuum
      from pg_stat_user_tables
     where schemaname = 'public'
       and (n_dead_tup > 50 + 0.2 * n_live_tup or n_mod_since_analyze > 50 + 0.1 * n_live_tup)
     order by n_dead_tup desc`.execute(db);
  for (const t of rows)
    await (
      t.vacuum ? sql`vacuum (analyze) ${sql.id(t.name)}` : sql`analyze ${sql.id(t.name)}`
    ).execute(db);
  return rows.map((t) => t.name);
}

/**
 * Runs `vacuumDueTables` every `everyMs` until stopped, as background work
 * (requests go first); a failed pass is retried next time.
 */
export function startAutovacuum(db: Kysely<Database>, everyMs: number) {
  let pass: Promise<unknown> | undefined;
  const run = () => {
    pass ??= inBackground(() => vacuumDueTables(db))
      .catch(() => {})
      .finally(() => (pass = undefined));
  };
  const timer = everyMs > 0 ? setInterval(run, everyMs) : undefined;
  timer?.unref();
  return {
    async stop() {
      if (timer) clearInterval(timer);
      await pass;
    },
  };
}
