import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { finished, Readable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import * as tar from 'tar';
import { migrations } from '../database/migrations';
import type { Database } from '../database/schema';

/** A backup failure the operator can act on; the message is for him (Chinese). */
export class BackupError extends Error {
  override name = 'BackupError';
}

export const MANIFEST = 'xiangmu-backup.json';

/** What a backup holds, written first into its archive and checked on restore. */
export interface BackupManifest {
  format: 'xiangmu-backup';
  formatVersion: 1;
  engine: 'pglite' | 'postgres';
  createdAt: string;
  /** version() of the database that was backed up */
  serverVersion: string;
  /** server_version_num, e.g. 180006: its major decides what can restore it */
  serverVersionNum: number;
  /** the newest applied migration */
  migration: string | null;
  /** row count of every table, taken in the same snapshot as the data */
  tables: Record<string, number>;
}

export const latestMigration = () => Object.keys(migrations).sort().at(-1)!;
export const pgMajor = (versionNum: number) => Math.floor(versionNum / 10000);

type AnyDb = Kysely<Database>;

/** The public tables, in name order. */
export async function tablesOf(db: AnyDb): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select tablename as name from pg_tables where schemaname = 'public' order by tablename
  `.execute(db);
  return rows.map((r) => r.name);
}

/** Row counts of every table; run inside the snapshot the data comes from. */
export async function countTables(db: AnyDb): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of await tablesOf(db)) {
    const { rows } = await sql<{ n: string | number }>`
      select count(*) as n from ${sql.table(t)}
    `.execute(db);
    counts[t] = Number(rows[0]!.n);
  }
  return counts;
}

/** Describes the database as it is on this connection (the snapshot's). */
export async function describeDatabase(
  db: AnyDb,
  engine: BackupManifest['engine'],
): Promise<BackupManifest> {
  const { rows } = await sql<{ v: string; n: string }>`
    select version() as v, current_setting('server_version_num') as n
  `.execute(db);
  const tables = await countTables(db);
  let migration: string | null = null;
  if ('kysely_migration' in tables) {
    const m = await sql<{ name: string | null }>`
      select max(name) as name from kysely_migration
    `.execute(db);
    migration = m.rows[0]?.name ?? null;
  }
  return {
    format: 'xiangmu-backup',
    formatVersion: 1,
    engine,
    createdAt: new Date().toISOString(),
    serverVersion: rows[0]!.v,
    serverVersionNum: Number(rows[0]!.n),
    migration,
    tables,
  };
}

/**
 * Streams a tar (gzip for the embedded engine's raw files) of the staged
 * directory, manifest first; the stage is removed when the stream closes,
 * whether it ended or was abandoned.
 */
export function archiveStream(
  stage: string,
  entries: string[],
  gzip: boolean,
): Readable & { removed: Promise<void> } {
  const pack = tar.c({ cwd: stage, gzip, portable: true }, [MANIFEST, ...entries]);
  const out = Readable.from(pack);
  // awaited by a CLI before it exits, which would otherwise cut the removal short
  const removed = new Promise<void>((resolve) => {
    finished(out, () => void rm(stage, { recursive: true, force: true }).then(() => resolve()));
  });
  return Object.assign(out, { removed });
}

/**
 * A new stage directory `<prefix>XXXXXX`; stages of the same prefix older
 * than a day are removed first (a process killed mid-backup leaves its own).
 */
export async function newStage(prefix: string): Promise<string> {
  const dir = dirname(prefix);
  const start = basename(prefix);
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(start)) continue;
    const path = join(dir, name);
    const st = await stat(path).catch(() => null);
    if (st?.isDirectory() && st.mtimeMs < dayAgo) await rm(path, { recursive: true, force: true });
  }
  return mkdtemp(prefix);
}

/**
 * Unpacks a backup file into a new directory beside `near` and checks that
 * it is one of ours; the caller removes `dir` when done.
 */
export async function unpackBackup(
  file: string,
  near: string,
): Promise<{ dir: string; manifest: BackupManifest }> {
  const dir = await mkdtemp(`${near}.restoring-`);
  try {
    try {
      await tar.x({ file, cwd: dir, strict: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new BackupError(`找不到备份文件 ${file}`);
      if (code === 'ENOSPC') throw new BackupError(`磁盘空间不足，无法解开备份文件 ${file}`);
      throw new BackupError(`文件 ${file} 不是 xiangmu 的备份（无法作为备份归档读取）`);
    }
    let manifest: BackupManifest;
    try {
      manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as BackupManifest;
    } catch {
      throw new BackupError(`文件 ${file} 不是 xiangmu 的备份（缺少备份清单 ${MANIFEST}）`);
    }
    if (manifest.format !== 'xiangmu-backup' || typeof manifest.tables !== 'object')
      throw new BackupError(`文件 ${file} 不是 xiangmu 的备份（备份清单格式不对）`);
    if (manifest.formatVersion !== 1)
      throw new BackupError(
        `备份格式版本 ${manifest.formatVersion} 不受本程序支持，请用生成该备份的程序版本恢复`,
      );
    if (manifest.migration && manifest.migration > latestMigration())
      throw new BackupError(
        `备份来自更新版本的程序（数据库迁移 ${manifest.migration}，本程序最新为 ${latestMigration()}）：请先升级程序再恢复`,
      );
    return { dir, manifest };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Compares the restored database's row counts with the backup's own. */
export async function checkCounts(db: AnyDb, manifest: BackupManifest): Promise<void> {
  const restored = await countTables(db);
  const differ = Object.entries(manifest.tables)
    .filter(([t, n]) => restored[t] !== n)
    .map(
      ([t, n]) => `${t}（备份 ${n} 行，恢复后 ${t in restored ? `${restored[t]} 行` : '无此表'}）`,
    );
  if (differ.length)
    throw new BackupError(`恢复后的数据与备份清单不一致，备份文件可能已损坏：${differ.join('；')}`);
}

export function defaultBackupName(engine: BackupManifest['engine'], at = new Date()): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace('T', '-')
    .replace(/\.\d+Z$/, '');
  return `xiangmu-${engine}-${stamp}.${engine === 'pglite' ? 'tar.gz' : 'tar'}`;
}
