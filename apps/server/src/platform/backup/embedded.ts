import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import * as tar from 'tar';
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
import { dataDirHolder, LOCK_FILE } from './data-dir-lock';

// Not copied: PGlite's and our markers of a running instance.
const RUNTIME_FILES = new Set(['postmaster.pid', 'postmaster.opts', LOCK_FILE]);

/**
 * A consistent backup of the embedded database while it serves: the one
 * PGlite session is held (every other query waits), a CHECKPOINT puts all
 * of it in the files, and the files are copied to a stage on disk — seconds,
 * not the length of the download. The archive then streams from the stage.
 */
export async function createEmbeddedBackup(
  db: Db,
  pglite: PGlite,
): Promise<{ manifest: BackupManifest; stream: Readable & { removed: Promise<void> } }> {
  const dataDir = pglite.dataDir;
  const stage = await newStage(dataDir ? `${dataDir}.backup-` : join(tmpdir(), 'xiangmu-backup-'));
  try {
    const pgdata = join(stage, 'pgdata');
    const manifest = await db.connection().execute(async (conn) => {
      await sql`checkpoint`.execute(conn);
      const described = await describeDatabase(conn, 'pglite');
      if (dataDir) {
        await cp(dataDir, pgdata, {
          recursive: true,
          filter: (src) => !RUNTIME_FILES.has(basename(src)),
        });
      } else {
        // in memory (tests): PGlite's own tarball of its virtual file system
        const dump = await pglite.dumpDataDir('none');
        await mkdir(pgdata);
        await pipeline(
          Readable.from(Buffer.from(await dump.arrayBuffer())),
          tar.x({ cwd: pgdata, strip: 1, filter: (p) => !RUNTIME_FILES.has(basename(p)) }),
        );
      }
      return described;
    });
    await writeFile(join(stage, MANIFEST), JSON.stringify(manifest, null, 2));
    return { manifest, stream: archiveStream(stage, ['pgdata'], true) };
  } catch (err) {
    await rm(stage, { recursive: true, force: true });
    throw err;
  }
}

async function isEmptyDir(dir: string): Promise<boolean | 'missing'> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
}

// The PostgreSQL inside this release's PGlite: asked once per process (a
// throwaway in-memory instance takes seconds to start).
let currentVersion: Promise<number> | undefined;
function currentPgliteVersionNum(): Promise<number> {
  currentVersion ??= (async () => {
    const probe = await PGlite.create();
    try {
      const { rows } = await probe.query<{ n: string }>(
        `select current_setting('server_version_num') as n`,
      );
      return Number(rows[0]!.n);
    } finally {
      await probe.close();
    }
  })();
  return currentVersion;
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** migrations applied after the restore (a backup of an older release) */
  migrated: string[];
  /** where the replaced data directory was kept (--force) */
  keptAt?: string;
}

/**
 * Restores an embedded backup into `dataDir`, which must be empty or absent
 * unless `force` (then the old directory is kept beside it, renamed). The
 * database is unpacked and checked beside the target first — opens, same
 * row counts as the backup, migrations brought up to date — and only then
 * moved into place, so a failed restore leaves the target as it was.
 */
export async function restoreEmbedded(
  file: string,
  dataDir: string,
  opts: { force?: boolean } = {},
): Promise<RestoreResult> {
  const holder = dataDirHolder(dataDir);
  if (holder)
    throw new BackupError(
      `目标数据目录 ${dataDir} 正被运行中的服务（进程 ${holder}）使用：请先停止服务再恢复`,
    );
  const empty = await isEmptyDir(dataDir);
  if (empty === false && !opts.force)
    throw new BackupError(
      `目标数据目录 ${dataDir} 不是空的，恢复会替换其中的数据库。确认替换请加 --force（原目录改名保留在旁边）`,
    );
  await mkdir(dirname(dataDir), { recursive: true });
  const { dir, manifest } = await unpackBackup(file, dataDir);
  try {
    if (manifest.engine !== 'pglite')
      throw new BackupError(
        '这是 PostgreSQL 服务器的备份，不能恢复到嵌入式数据库：请设置 DATABASE_URL 指向目标数据库后再恢复',
      );
    const current = await currentPgliteVersionNum();
    if (pgMajor(current) !== pgMajor(manifest.serverVersionNum))
      throw new BackupError(
        `备份的数据库版本（PostgreSQL ${pgMajor(manifest.serverVersionNum)}，${manifest.serverVersion.split(' on ')[0]}）与本程序的嵌入式数据库（PostgreSQL ${pgMajor(current)}）不一致，不能直接恢复：请用生成该备份的程序版本恢复`,
      );
    const pgdata = join(dir, 'pgdata');
    // without its files PGlite would quietly create a new, empty database here
    if (!existsSync(join(pgdata, 'PG_VERSION')))
      throw new BackupError(`备份文件 ${file} 不完整：其中没有数据库文件`);
    let migrated: string[];
    try {
      const handle = await openDatabase({ dataDir: pgdata });
      try {
        await checkCounts(handle.db, manifest);
        migrated = await migrateToLatest(handle.db);
      } finally {
        await handle.close();
      }
    } catch (err) {
      if (err instanceof BackupError) throw err;
      throw new BackupError(`备份中的数据库无法打开，备份文件可能已损坏：${String(err)}`);
    }
    let keptAt: string | undefined;
    if (empty === false) {
      keptAt = `${dataDir}.replaced-${new Date().toISOString().replace(/[-:.]/g, '')}`;
      await rename(dataDir, keptAt);
    } else if (empty === true) {
      await rmdir(dataDir);
    }
    await rename(pgdata, dataDir);
    return { manifest, migrated, ...(keptAt ? { keptAt } : {}) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
