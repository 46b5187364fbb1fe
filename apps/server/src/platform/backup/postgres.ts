import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type Db } from '../database/db';
import { migrateToLatest } from '../database/migrate';
import {
  archiveStream,
  BackupError,
  checkCounts,
  describeDatabase,
  MANIFEST,
  newStage,
  pgMajor,
  unpackBackup,
  type BackupManifest,
} from './archive';
import type { RestoreResult } from './embedded';

const DUMP = 'database.dump';

/** Runs a PostgreSQL client tool, turning its failures into messages an operator can act on. */
function run(tool: 'pg_dump' | 'pg_restore', args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new BackupError(
              `找不到 ${tool}：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client），版本不低于数据库服务器`,
            )
          : err,
      ),
    );
    child.on('close', (code) => {
      if (code === 0) return resolve();
      const detail = stderr.trim().split('\n').slice(0, 3).join('；');
      if (/server version mismatch/.test(stderr))
        return reject(new BackupError(`本机的 pg_dump 版本低于数据库服务器，无法备份：${detail}`));
      if (/unsupported version/.test(stderr))
        return reject(
          new BackupError(
            `本机的 pg_restore 读不了这个备份（由更新版本的 pg_dump 生成）：请安装不低于备份版本的 PostgreSQL 客户端。${detail}`,
          ),
        );
      if (/does not appear to be a valid archive|could not read input file/.test(stderr))
        return reject(new BackupError(`备份中的数据库文件已损坏，无法恢复：${detail}`));
      reject(new BackupError(`${tool} 失败（退出码 ${code}）：${detail}`));
    });
  });
}

/**
 * pg_dump (custom format) of the database as one snapshot: the row counts
 * of the manifest are read in the exported snapshot that pg_dump then dumps,
 * so they describe exactly the data in the file, writes going on or not.
 */
export async function createPostgresBackup(
  db: Db,
  url: string,
): Promise<{ manifest: BackupManifest; stream: Readable & { removed: Promise<void> } }> {
  const stage = await newStage(join(tmpdir(), 'xiangmu-backup-'));
  try {
    const manifest = await db.connection().execute(async (conn) => {
      await sql`begin isolation level repeatable read read only`.execute(conn);
      try {
        const { rows } = await sql<{ s: string }>`select pg_export_snapshot() as s`.execute(conn);
        const described = await describeDatabase(conn, 'postgres');
        await run('pg_dump', [
          '--format=custom',
          `--snapshot=${rows[0]!.s}`,
          `--file=${join(stage, DUMP)}`,
          `--dbname=${url}`,
        ]);
        return described;
      } finally {
        await sql`commit`.execute(conn);
      }
    });
    await writeFile(join(stage, MANIFEST), JSON.stringify(manifest, null, 2));
    // the dump is compressed already
    return { manifest, stream: archiveStream(stage, [DUMP], false) };
  } catch (err) {
    await rm(stage, { recursive: true, force: true });
    throw err;
  }
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return client;
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e.code === '3D000')
      throw new BackupError('目标数据库不存在：请先创建（如 createdb xiangmu），再恢复');
    throw new BackupError(`无法连接目标数据库（DATABASE_URL）：${e.message ?? String(err)}`);
  }
}

/**
 * pg_restore of a backup into the database at `url`: it must have no tables
 * unless `force`, and no other connection (a running server). One
 * transaction (with `force`, dropping what it replaces in the same one), so a
 * failure leaves the target as it was; then the counts are compared with the
 * backup's and migrations brought up to date.
 */
export async function restorePostgres(
  file: string,
  url: string,
  opts: { force?: boolean } = {},
): Promise<RestoreResult> {
  const { dir, manifest } = await unpackBackup(file, join(tmpdir(), 'xiangmu'));
  try {
    if (manifest.engine !== 'postgres')
      throw new BackupError(
        '这是嵌入式数据库的备份，只能恢复到嵌入式数据库：不设 DATABASE_URL，用 XIANGMU_DATA_DIR 指定目标目录',
      );
    const client = await connect(url);
    try {
      const { rows } = await client.query<{ others: string; tables: string; v: string }>(`
        select
          (select count(*) from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid()) as others,
          (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind in ('r', 'p')) as tables,
          current_setting('server_version_num') as v`);
      const r = rows[0]!;
      if (Number(r.others) > 0)
        throw new BackupError(
          `目标数据库正被 ${r.others} 个其他连接使用（服务可能正在运行）：请先停止服务再恢复`,
        );
      if (pgMajor(Number(r.v)) < pgMajor(manifest.serverVersionNum))
        throw new BackupError(
          `备份来自 PostgreSQL ${pgMajor(manifest.serverVersionNum)}，目标服务器是 PostgreSQL ${pgMajor(Number(r.v))}：不能恢复到更低的版本`,
        );
      if (Number(r.tables) > 0 && !opts.force)
        throw new BackupError(
          `目标数据库已有 ${r.tables} 张表，恢复会替换其中的数据。确认替换请加 --force`,
        );
    } finally {
      await client.end();
    }
    await run('pg_restore', [
      '--no-owner',
      '--no-acl',
      '--exit-on-error',
      '--single-transaction',
      ...(opts.force ? ['--clean', '--if-exists'] : []),
      `--dbname=${url}`,
      join(dir, DUMP),
    ]);
    const handle = await openDatabase({ url, poolSize: 1 });
    try {
      try {
        await checkCounts(handle.db, manifest);
      } catch (err) {
        // pg_restore has committed: an empty target is made empty again
        if (!opts.force)
          await sql`DROP SCHEMA public CASCADE; CREATE SCHEMA public;`.execute(handle.db);
        throw err;
      }
      return { manifest, migrated: await migrateToLatest(handle.db) };
    } finally {
      await handle.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
