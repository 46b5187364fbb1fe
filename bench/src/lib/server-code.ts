// The server's own code run in the benchmark's process, on a Kysely that
// records every statement it sends, so the SQL behind an endpoint can be
// replayed on a raw pg connection (as projects-list.ts does for its cases).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as KyselyModule from 'kysely';
import type { Kysely, LogEvent } from 'kysely';
import type pgTypes from 'pg';
import { importFromServer, onCleanup, repoRoot } from './harness';
import { loadPg } from './postgres';

export interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

export type Actor = Record<string, unknown> & { scopePath: string; activeRegionCode: string };

/** imports a module of the repo by its path from the repo root */
export const importRepo = async <T>(path: string) =>
  (await import(pathToFileURL(join(repoRoot, path)).href)) as T;

/** the Actor the server builds from a session, for a user whose active region is his own */
export async function actorFor(raw: pgTypes.Client, username: string): Promise<Actor> {
  const r = (
    await raw.query<{
      id: number;
      display_name: string;
      phone: string | null;
      role: string;
      region_code: string;
      region_name: string;
      path: string;
      department_id: number | null;
      department_name: string | null;
    }>(
      `select u.id, u.display_name, u.phone, u.role, u.region_code, g.name as region_name, g.path,
              u.department_id, d.name as department_name
       from users u join regions g on g.code = u.region_code
       left join departments d on d.id = u.department_id where u.username = $1`,
      [username],
    )
  ).rows[0];
  if (!r) throw new Error(`no user ${username}`);
  return {
    userId: r.id,
    username,
    displayName: r.display_name,
    phone: r.phone,
    role: r.role,
    regionCode: r.region_code,
    regionName: r.region_name,
    departmentId: r.department_id,
    departmentName: r.department_name,
    activeRegionCode: r.region_code,
    activeRegionName: r.region_name,
    scopePath: r.path,
    mustChangePassword: false,
    sessionId: 0,
    csrfToken: '',
    ip: '127.0.0.1',
  };
}

/**
 * A Kysely on one pooled connection (JIT off, as the server's pool) that
 * records what it sends. db.ts is loaded for its pg type parsers
 * (int8 → number, date → text), as in the server. With one connection the
 * statements a service runs with Promise.all are sent one after the other.
 */
export async function capturingDb(dbUrl: string) {
  const { module: kysely } = await importFromServer<typeof KyselyModule>('kysely');
  const { pg } = await loadPg();
  await importRepo('apps/server/src/platform/database/db.ts');
  const pool = new pg.Pool({ connectionString: dbUrl, max: 1, options: '-c jit=off' });
  pool.on('error', () => {});
  let captured: Statement[] = [];
  const db: Kysely<unknown> = new kysely.Kysely<unknown>({
    dialect: new kysely.PostgresDialect({ pool }),
    log: (e: LogEvent) => {
      if (e.level === 'query') captured.push({ sql: e.query.sql, parameters: e.query.parameters });
    },
  });
  let closed = false;
  const api = {
    /** what `run` sent, in order, and what it returned */
    async capture<T>(run: (db: Kysely<unknown>) => Promise<T>) {
      captured = [];
      const result = await run(db);
      return { statements: captured, result };
    },
    close: async () => {
      if (!closed) await db.destroy();
      closed = true;
    },
  };
  onCleanup(() => api.close());
  return api;
}

/** the statements one after the other on `raw`: the total and each one's time (ms) */
export async function runStatements(raw: pgTypes.Client, statements: readonly Statement[]) {
  const each: number[] = [];
  const t0 = performance.now();
  for (const s of statements) {
    const s0 = performance.now();
    await raw.query(s.sql, s.parameters as unknown[]);
    each.push(performance.now() - s0);
  }
  return { total: performance.now() - t0, each };
}

export const p50 = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** milliseconds with 2–3 significant digits */
export const ms = (x: number) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));
