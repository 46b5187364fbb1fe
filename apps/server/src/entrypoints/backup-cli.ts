// npm run backup [-- --out FILE] | npm run restore -- FILE [--force]
// The target is the configured database: DATABASE_URL, else XIANGMU_DATA_DIR.
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { recordAudit } from '../modules/audit';
import { systemActor } from '../modules/access';
import { BackupError, defaultBackupName, type BackupManifest } from '../platform/backup/archive';
import { dataDirHolder, lockDataDir } from '../platform/backup/data-dir-lock';
import { createEmbeddedBackup, restoreEmbedded } from '../platform/backup/embedded';
import { createPostgresBackup, restorePostgres } from '../platform/backup/postgres';
import type { Config } from '../platform/config/config';
import { openDatabase } from '../platform/database/db';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Writes beside the target and renames at the end: no half file under the backup's name. */
async function save(stream: Readable, out: string): Promise<number> {
  await mkdir(dirname(out), { recursive: true });
  const partial = `${out}.partial`;
  try {
    await pipeline(stream, createWriteStream(partial));
    await rename(partial, out);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return (await stat(out)).size;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function summary(m: BackupManifest): string {
  const rows = Object.values(m.tables).reduce((a, b) => a + b, 0);
  return `${Object.keys(m.tables).length} 张表、${rows} 行，其中审计记录 ${m.tables.audit_log ?? 0} 条`;
}

/** The embedded database is open in a running server: take the backup through it. */
async function backupThroughServer(config: Config, args: string[], out: string | undefined) {
  const base = option(args, '--server') ?? `http://127.0.0.1:${config.port}`;
  const username = process.env.XIANGMU_BACKUP_USER ?? 'admin';
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: process.env.XIANGMU_BACKUP_PASSWORD }),
  }).catch((err: unknown) => {
    throw new BackupError(`连接不上运行中的服务 ${base}：${String(err)}（可用 --server 指定地址）`);
  });
  const me = (await login.json()) as { message?: string; csrfToken?: string };
  if (!login.ok)
    throw new BackupError(`以 ${username} 登录 ${base} 失败：${me.message ?? login.status}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  try {
    const res = await fetch(`${base}/api/system/backup`, { headers: { cookie } });
    if (!res.ok || !res.body) {
      const body = (await res.json().catch(() => ({}))) as { message?: string };
      throw new BackupError(`服务拒绝了备份请求：${body.message ?? res.status}`);
    }
    const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
    const file = resolve(out ?? join('backups', name ?? defaultBackupName('pglite')));
    const size = await save(Readable.fromWeb(res.body as never), file);
    console.log(`已经由运行中的服务备份到 ${file}（${mb(size)}）`);
  } finally {
    await fetch(`${base}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': me.csrfToken ?? '' },
    }).catch(() => {});
  }
}

async function backup(config: Config, args: string[]) {
  const out = option(args, '--out');
  if (!config.databaseUrl) {
    if (dataDirHolder(config.dataDir)) {
      if (process.env.XIANGMU_BACKUP_PASSWORD) return backupThroughServer(config, args, out);
      throw new BackupError(
        `嵌入式数据库 ${config.dataDir} 正由运行中的服务使用，另一个进程不能直接读取。请二选一：\n` +
          `  1) 以市级管理员身份登录后，在浏览器打开 /api/system/backup 下载备份；\n` +
          `  2) XIANGMU_BACKUP_USER=<市级管理员账号> XIANGMU_BACKUP_PASSWORD=<密码> npm run backup（经运行中的服务备份）`,
      );
    }
    if (!existsSync(join(config.dataDir, 'PG_VERSION')))
      throw new BackupError(
        `${config.dataDir} 中没有嵌入式数据库，无可备份（XIANGMU_DATA_DIR 设对了吗？）`,
      );
  }
  const unlock = config.databaseUrl ? () => {} : lockDataDir(config.dataDir);
  const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await recordAudit(handle.db, systemActor, {
      action: 'system.backup',
      entityType: 'system',
      after: { engine: handle.engine, via: 'cli' },
    });
    const { manifest, stream } = config.databaseUrl
      ? await createPostgresBackup(handle.db, config.databaseUrl)
      : await createEmbeddedBackup(handle.db, handle.pglite!);
    const file = resolve(out ?? join('backups', defaultBackupName(manifest.engine)));
    const size = await save(stream, file);
    await stream.removed;
    console.log(`已备份到 ${file}（${mb(size)}；${summary(manifest)}）`);
  } finally {
    await handle.close();
    unlock();
  }
}

async function restore(config: Config, args: string[]) {
  const file = args.find((a) => !a.startsWith('--'));
  if (!file)
    throw new BackupError(
      '用法：npm run restore -- <备份文件> [--force]（恢复到 DATABASE_URL 或 XIANGMU_DATA_DIR）',
    );
  const force = args.includes('--force');
  const target = config.databaseUrl ? 'PostgreSQL 数据库（DATABASE_URL）' : config.dataDir;
  const r = config.databaseUrl
    ? await restorePostgres(resolve(file), config.databaseUrl, { force })
    : await restoreEmbedded(resolve(file), config.dataDir, { force });
  // the restored database says where it came from
  const unlock = config.databaseUrl ? () => {} : lockDataDir(config.dataDir);
  const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await recordAudit(handle.db, systemActor, {
      action: 'system.restored',
      entityType: 'system',
      after: { file: resolve(file), backupCreatedAt: r.manifest.createdAt, migrated: r.migrated },
    });
  } finally {
    await handle.close();
    unlock();
  }
  console.log(`已将 ${file} 恢复到 ${target}：${summary(r.manifest)}，行数与备份清单一致`);
  console.log(`备份时间 ${r.manifest.createdAt}，数据库迁移 ${r.manifest.migration ?? '无'}`);
  if (r.migrated.length) console.log(`已执行迁移：${r.migrated.join(', ')}`);
  if (r.keptAt) console.log(`原数据目录已改名保留在 ${r.keptAt}`);
}

/** Runs `backup` or `restore`; returns the exit code. Failures print their Chinese message. */
export async function runBackupCommand(
  command: 'backup' | 'restore',
  args: string[],
  config: Config,
): Promise<number> {
  try {
    await (command === 'backup' ? backup(config, args) : restore(config, args));
    return 0;
  } catch (err) {
    if (err instanceof BackupError) {
      console.error(`${command === 'backup' ? '备份' : '恢复'}失败：${err.message}`);
      return 1;
    }
    throw err;
  }
}
