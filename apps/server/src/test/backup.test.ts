import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pino from 'pino';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXiangmu, type Xiangmu } from '../bootstrap';
import {
  countTables,
  latestMigration,
  MANIFEST,
  tablesOf,
  type BackupManifest,
} from '../platform/backup/archive';
import { LOCK_FILE } from '../platform/backup/data-dir-lock';
import { restoreEmbedded, type RestoreResult } from '../platform/backup/embedded';
import { restorePostgres } from '../platform/backup/postgres';
import { openDatabase, type DatabaseOptions, type Db } from '../platform/database/db';
import { migrateToLatest } from '../platform/database/migrate';
import { verifyAuditChain } from '../modules/audit';
import { verifyRollups } from '../modules/rollups';
import { hashPassword } from '../modules/users/password';
import { insertUser } from '../modules/users/user.repository';
import { ADMIN_PASSWORD, engine, freshDatabase, USER_PASSWORD } from './harness';
import { projectBody } from './route-specs';

const root = resolve(fileURLToPath(import.meta.url), '../../../../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const cli = join(root, 'apps/server/src/entrypoints/cli.ts');
const run = promisify(execFile);

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'xm-backup-test-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** An empty place to restore into, of the engine under test. */
interface Target {
  database: DatabaseOptions;
  /** the environment that points the CLI at it */
  env: Record<string, string>;
  restore(file: string, opts?: { force?: boolean }): Promise<RestoreResult>;
  open(): Promise<{ db: Db; close(): Promise<void> }>;
  drop(): Promise<void>;
}

let seq = 0;
async function freshTarget(): Promise<Target> {
  if (engine === 'pglite') {
    const dataDir = join(scratch, `data-${++seq}`);
    return {
      database: { dataDir },
      env: { XIANGMU_DATA_DIR: dataDir },
      restore: (file, opts) => restoreEmbedded(file, dataDir, opts),
      open: () => openDatabase({ dataDir }),
      drop: async () => {},
    };
  }
  const { url, drop } = await freshDatabase();
  return {
    database: { url: url!, poolSize: 4 },
    env: { DATABASE_URL: url! },
    restore: (file, opts) => restorePostgres(file, url!, opts),
    open: () => openDatabase({ url: url!, poolSize: 2 }),
    drop,
  };
}

const boot = (database: DatabaseOptions, demoSeed: boolean) =>
  createXiangmu({
    database,
    logger: pino({ level: 'silent' }),
    adminPassword: ADMIN_PASSWORD,
    demoSeed,
    secureCookies: false,
    runWorker: false,
  });

/** A city admin signed in through the login route. */
async function signIn(xm: Xiangmu, username: string) {
  await insertUser(xm.db, {
    username,
    display_name: '备份管理员',
    phone: null,
    role: 'city_admin',
    region_code: '410100',
    department_id: null,
    password_hash: await hashPassword(USER_PASSWORD),
    must_change_password: false,
  });
  const res = await xm.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password: USER_PASSWORD },
  });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = String(res.headers['set-cookie']).split(';')[0]!;
  return { cookie, csrf: res.json().csrfToken as string };
}

async function download(xm: Xiangmu, who: { cookie: string }): Promise<string> {
  const res = await xm.app.inject({
    method: 'GET',
    url: '/api/system/backup',
    headers: { cookie: who.cookie },
  });
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="xiangmu-/);
  const file = join(scratch, `download-${++seq}.bak`);
  await writeFile(file, res.rawPayload);
  return file;
}

const auditRows = (db: Db, ids?: number[]) => {
  let q = db.selectFrom('audit_log').selectAll().orderBy('id');
  if (ids) q = q.where('id', 'in', ids);
  return q.execute();
};

const until = async (ok: () => boolean) => {
  while (!ok()) await new Promise((r) => setTimeout(r, 20));
};

describe('backup while writes go on, restore into a fresh target', () => {
  let source: Target;
  let xm: Xiangmu;
  let target: Target;
  let restored: { db: Db; close(): Promise<void> } | undefined;
  let result: RestoreResult;
  let written = 0;
  let writtenAtStart = 0;

  beforeAll(async () => {
    // demo data: projects, monthly reports with photos, tickets, thousands of audit rows
    source = await freshTarget();
    xm = await boot(source.database, true);
    const admin = await signIn(xm, 'backup_admin');
    let writing = true;
    const writer = (async () => {
      while (writing) {
        const res = await xm.app.inject({
          method: 'POST',
          url: '/api/projects',
          headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
          payload: projectBody(`备份期间写入${written + 1}`),
        });
        if (res.statusCode !== 200) throw new Error(res.body);
        written++;
      }
    })();
    await until(() => written >= 3);
    writtenAtStart = written;
    const file = await download(xm, admin);
    const writtenAtEnd = written;
    await until(() => written >= writtenAtEnd + 3);
    writing = false;
    await writer;
    target = await freshTarget();
    result = await target.restore(file);
    restored = await target.open();
  }, 600_000);
  afterAll(async () => {
    await restored?.close();
    await xm?.close();
    await source?.drop();
    await target?.drop();
  });

  it('has every table with the row counts of the snapshot', async () => {
    expect(await tablesOf(restored!.db)).toEqual(await tablesOf(xm.db));
    expect(await countTables(restored!.db)).toEqual(result.manifest.tables);
    expect(result.manifest.tables.projects).toBeGreaterThan(50);
    expect(result.manifest.tables.tickets).toBeGreaterThan(100);
    expect(result.manifest.tables.monthly_reports).toBeGreaterThan(50);
    expect(result.manifest.tables.audit_log).toBeGreaterThan(writtenAtStart);
  });

  it('was taken during the writes: some before it, some after', async () => {
    const mine = await restored!.db
      .selectFrom('projects')
      .select('id')
      .where('name', 'like', '备份期间写入%')
      .execute();
    expect(mine.length).toBeGreaterThanOrEqual(writtenAtStart);
    expect(mine.length).toBeLessThan(written);
  });

  it('holds every written project with its audit row, and no audit row without its project', async () => {
    const projects = await restored!.db
      .selectFrom('projects')
      .select('id')
      .where('name', 'like', '备份期间写入%')
      .execute();
    const audited = await restored!.db
      .selectFrom('audit_log')
      .select('entity_id')
      .where('action', '=', 'project.created')
      .where('after', 'is not', null)
      .execute();
    const auditedIds = new Set(audited.map((a) => Number(a.entity_id)));
    for (const p of projects) expect(auditedIds.has(p.id), `project ${p.id}`).toBe(true);
    const all = new Set(
      (await restored!.db.selectFrom('projects').select('id').execute()).map((p) => p.id),
    );
    for (const id of auditedIds) expect(all.has(id), `audit of project ${id}`).toBe(true);
  });

  it('has the audit log exactly as it was: same ids, every column the same', async () => {
    const back = await auditRows(restored!.db);
    const ids = back.map((r) => r.id);
    expect(await auditRows(xm.db, ids)).toEqual(back);
    // the backup holds the row saying who took it
    expect(
      back.some((r) => r.action === 'system.backup' && r.actor_name.includes('backup_admin')),
    ).toBe(true);
  });

  it('has the same audit hash chain (a prefix of the source one), and it verifies', async () => {
    const back = await restored!.db.selectFrom('audit_chain').selectAll().orderBy('seq').execute();
    expect(back.length).toBe(result.manifest.tables.audit_log);
    const source = await xm.db
      .selectFrom('audit_chain')
      .selectAll()
      .where('seq', '<=', back.at(-1)!.seq)
      .orderBy('seq')
      .execute();
    expect(back).toEqual(source);
    const report = await verifyAuditChain(restored!.db);
    expect(report.problems).toEqual([]);
    expect(report.entries).toBe(back.length);
  });

  it('agrees with itself: the dashboard rollups match a recomputation', async () => {
    expect(await verifyRollups(restored!.db)).toEqual([]);
  });

  it('opens with its migrations up to date, and the server starts on it', async () => {
    expect(result.migrated).toEqual([]);
    expect(result.manifest.migration).toBe(latestMigration());
    expect(await migrateToLatest(restored!.db)).toEqual([]);
    await restored!.close();
    restored = undefined;
    const again = await boot(target.database, false);
    try {
      expect((await again.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect(await countTables(again.db).then((c) => c.projects)).toBe(
        result.manifest.tables.projects,
      );
    } finally {
      await again.close();
    }
  }, 120_000);
});

async function fakeBackup(manifest: Partial<BackupManifest>): Promise<string> {
  const stage = await mkdtemp(join(scratch, 'fake-'));
  await writeFile(
    join(stage, MANIFEST),
    JSON.stringify({
      format: 'xiangmu-backup',
      formatVersion: 1,
      engine,
      createdAt: new Date().toISOString(),
      serverVersion: 'PostgreSQL',
      serverVersionNum: engine === 'pglite' ? 180006 : 150000,
      migration: latestMigration(),
      tables: {},
      ...manifest,
    }),
  );
  const file = `${stage}.bak`;
  await tar.c({ file, cwd: stage, gzip: true }, [MANIFEST]);
  return file;
}

describe('restore refuses, in Chinese, and leaves the target as it was', () => {
  let backupFile: string;
  beforeAll(async () => {
    const source = await freshTarget();
    const xm = await boot(source.database, false);
    const admin = await signIn(xm, 'backup_admin');
    backupFile = await download(xm, admin);
    await xm.close();
    await source.drop();
  }, 120_000);

  /** what the target holds: nothing at all, or its tables' counts */
  async function contents(t: Target) {
    if (engine === 'pglite') {
      const dir = t.database.dataDir!;
      if (!existsSync(dir) || readdirSync(dir).length === 0) return 'empty';
    }
    const h = await t.open();
    try {
      const n = await countTables(h.db);
      return Object.keys(n).length ? n : 'empty';
    } finally {
      await h.close();
    }
  }

  it.each([
    [
      'a file that is no backup',
      async () => writeFileUnder('junk', 'PK\u0003\u0004 not a backup'),
      /不是 xiangmu 的备份/,
    ],
    [
      "the other engine's backup",
      () => fakeBackup({ engine: engine === 'pglite' ? 'postgres' : 'pglite' }),
      engine === 'pglite' ? /PostgreSQL 服务器的备份/ : /嵌入式数据库的备份/,
    ],
    [
      'a database version this one cannot read',
      () => fakeBackup({ serverVersionNum: 990000, serverVersion: 'PostgreSQL 99.0' }),
      engine === 'pglite' ? /不一致/ : /不能恢复到更低的版本/,
    ],
    [
      'a backup from a newer release',
      () => fakeBackup({ migration: '99991231_9999_future' }),
      /更新版本的程序/,
    ],
  ])(
    '%s',
    async (_what, make, message) => {
      const t = await freshTarget();
      try {
        await expect(t.restore(await make())).rejects.toThrow(message);
        expect(await contents(t)).toBe('empty');
      } finally {
        await t.drop();
      }
    },
    60_000,
  );

  it('a backup whose data does not match its manifest (damaged)', async () => {
    const stage = await mkdtemp(join(scratch, 'damaged-'));
    await tar.x({ file: backupFile, cwd: stage });
    const m = JSON.parse(await readFile(join(stage, MANIFEST), 'utf8')) as BackupManifest;
    m.tables.users! += 1;
    await writeFile(join(stage, MANIFEST), JSON.stringify(m));
    const file = `${stage}.bak`;
    const data = engine === 'pglite' ? 'pgdata' : 'database.dump';
    await tar.c({ file, cwd: stage, gzip: engine === 'pglite' }, [MANIFEST, data]);
    const t = await freshTarget();
    try {
      await expect(t.restore(file)).rejects.toThrow(
        /备份文件可能已损坏：users（备份 \d+ 行，恢复后 \d+ 行）/,
      );
      expect(await contents(t)).toBe('empty');
    } finally {
      await t.drop();
    }
  }, 60_000);

  it('a target that is not empty, unless --force (which keeps the old data directory)', async () => {
    const t = await freshTarget();
    try {
      await t.restore(backupFile);
      const before = await contents(t);
      expect(before).not.toBe('empty');
      await expect(t.restore(backupFile)).rejects.toThrow(/不是空的|已有 \d+ 张表/);
      expect(await contents(t)).toEqual(before);
      const forced = await t.restore(backupFile, { force: true });
      expect(await contents(t)).toEqual(before);
      if (engine === 'pglite') expect(existsSync(forced.keptAt!)).toBe(true);
    } finally {
      await t.drop();
    }
  }, 120_000);

  it('a target in use by a running server', async () => {
    const t = await freshTarget();
    const other = spawn('sleep', ['60']);
    try {
      let pgClient: { end(): Promise<void> } | undefined;
      if (engine === 'pglite') {
        const { mkdir } = await import('node:fs/promises');
        await mkdir(t.database.dataDir!, { recursive: true });
        await writeFile(join(t.database.dataDir!, LOCK_FILE), JSON.stringify({ pid: other.pid }));
        await expect(t.restore(backupFile, { force: true })).rejects.toThrow(
          /正被运行中的服务（进程 \d+）使用/,
        );
        expect(readdirSync(t.database.dataDir!)).toEqual([LOCK_FILE]);
      } else {
        const pg = (await import('pg')).default;
        const c = new pg.Client({ connectionString: t.database.url });
        await c.connect();
        pgClient = c;
        await expect(t.restore(backupFile, { force: true })).rejects.toThrow(/1 个其他连接/);
        await pgClient.end();
        expect(await contents(t)).toBe('empty');
      }
    } finally {
      other.kill();
      await t.drop();
    }
  }, 60_000);
});

async function writeFileUnder(name: string, content: string) {
  const file = join(scratch, name);
  await writeFile(file, content);
  return file;
}

describe('npm run backup / npm run restore', () => {
  const cliRun = async (env: Record<string, string>, ...args: string[]) => {
    try {
      const r = await run(tsx, [cli, ...args], {
        cwd: scratch,
        env: Object.fromEntries(
          Object.entries({ ...process.env, LOG_LEVEL: 'silent', ...env }).filter(([, v]) => v),
        ),
      });
      return { code: 0, out: r.stdout, err: r.stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, out: e.stdout, err: e.stderr };
    }
  };

  it('backs up a stopped server and restores it elsewhere, same counts', async () => {
    const source = await freshTarget();
    const xm = await boot(source.database, false);
    await signIn(xm, 'cli_admin');
    const counts = await countTables(xm.db);
    await xm.close();
    const file = join(scratch, `cli-${++seq}.bak`);
    const b = await cliRun(source.env, 'backup', '--out', file);
    expect(b.err).toBe('');
    expect(b.code).toBe(0);
    expect(b.out).toMatch(/^已备份到 .+张表/);

    const target = await freshTarget();
    const r = await cliRun(target.env, 'restore', file);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/行数与备份清单一致/);
    const h = await target.open();
    try {
      // the backup's own row is in it, and the restore wrote one more
      const back = await countTables(h.db);
      // (tables beside the audit log, such as its hash chain, grow with it)
      const others = (c: Record<string, number>) =>
        Object.fromEntries(Object.entries(c).filter(([t]) => !t.startsWith('audit_')));
      expect(others(back)).toEqual(others(counts));
      expect(back.audit_log).toBe(counts.audit_log! + 2);
      const last = await h.db
        .selectFrom('audit_log')
        .select('action')
        .orderBy('id', 'desc')
        .limit(2)
        .execute();
      expect(last.map((a) => a.action)).toEqual(['system.restored', 'system.backup']);
    } finally {
      await h.close();
    }
    const again = await cliRun(target.env, 'restore', file);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^恢复失败：.*(不是空的|已有 \d+ 张表).*--force/);
    await target.drop();
    await source.drop();
  }, 420_000);

  it('with the embedded database open in a running server, goes through the server or says how', async () => {
    const source = await freshTarget();
    const xm = await boot(source.database, false);
    try {
      await signIn(xm, 'cli_admin');
      await xm.app.listen({ port: 0, host: '127.0.0.1' });
      const port = (xm.app.server.address() as { port: number }).port;
      // on PostgreSQL: a data directory marked as held by this (running) process
      const dataDir = source.database.dataDir ?? join(scratch, `held-${++seq}`);
      if (!source.database.dataDir) {
        const { mkdir } = await import('node:fs/promises');
        await mkdir(dataDir);
        await writeFile(join(dataDir, LOCK_FILE), JSON.stringify({ pid: process.pid }));
      }
      const env = { XIANGMU_DATA_DIR: dataDir, DATABASE_URL: '' };
      const refused = await cliRun(env, 'backup');
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/正由运行中的服务使用[\s\S]*\/api\/system\/backup/);
      // nor does any other command open it beside the server
      const migrate = await cliRun(env, 'db:migrate');
      expect(migrate.code).toBe(1);
      expect(migrate.err).toMatch(/正被另一个进程（\d+）使用/);

      const file = join(scratch, `through-${++seq}.bak`);
      const via = await cliRun(
        { ...env, XIANGMU_BACKUP_USER: 'cli_admin', XIANGMU_BACKUP_PASSWORD: USER_PASSWORD },
        'backup',
        '--server',
        `http://127.0.0.1:${port}`,
        '--out',
        file,
      );
      expect(via.err).toBe('');
      expect(via.out).toMatch(/已经由运行中的服务备份到/);
      const target = await freshTarget();
      const r = await target.restore(file);
      expect(r.manifest.tables.users).toBe(await countTables(xm.db).then((c) => c.users));
      await target.drop();
      // a wrong password: refused with the server's message, no file
      const bad = join(scratch, `bad-${++seq}.bak`);
      const wrong = await cliRun(
        { ...env, XIANGMU_BACKUP_USER: 'cli_admin', XIANGMU_BACKUP_PASSWORD: 'wrong-password' },
        'backup',
        '--server',
        `http://127.0.0.1:${port}`,
        '--out',
        bad,
      );
      expect(wrong.code).toBe(1);
      expect(wrong.err).toMatch(/^备份失败：以 cli_admin 登录 .+ 失败：.*[\u4e00-\u9fff]/);
      expect(existsSync(bad)).toBe(false);
    } finally {
      await xm.close();
      await source.drop();
    }
  }, 420_000);
});

describe('the archive', () => {
  it('starts with its manifest, readable by any tar', async () => {
    const source = await freshTarget();
    const xm = await boot(source.database, false);
    const admin = await signIn(xm, 'archive_admin');
    const file = await download(xm, admin);
    await xm.close();
    await source.drop();
    const names: string[] = [];
    await tar.t({ file, onReadEntry: (e) => names.push(e.path) });
    expect(names[0]).toBe(MANIFEST);
    expect(names).toContain(engine === 'pglite' ? 'pgdata/PG_VERSION' : 'database.dump');
    expect(names.some((n) => n.endsWith('postmaster.pid') || n.endsWith(LOCK_FILE))).toBe(false);
    expect((await readFile(file)).subarray(0, 2).equals(Buffer.from([0x1f, 0x8b]))).toBe(
      engine === 'pglite',
    );
  }, 60_000);
});
