// Administrative commands: npm run db:migrate | db:seed | db:reset | audit:verify … | backup | restore
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { prepareDatabase } from '../bootstrap';
import { loadConfig } from '../platform/config/config';
import { openDatabase } from '../platform/database/db';
import { migrateToLatest } from '../platform/database/migrate';
import { rebuildRollups, verifyRollups } from '../modules/rollups';
import { verifyAndCheckpoint } from '../modules/audit';
import { lockDataDir } from '../platform/backup/data-dir-lock';
import { runBackupCommand } from './backup-cli';

const command = process.argv[2];
const config = loadConfig();

// backup and restore open the database themselves, or must not (a restore target, a running server's)
if (command === 'backup' || command === 'restore')
  process.exit(await runBackupCommand(command, process.argv.slice(3), config));

// never open the embedded database beside a running server's instance: that corrupts it
let unlock = () => {};
if (!config.databaseUrl) {
  try {
    unlock = lockDataDir(config.dataDir);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
const where = config.databaseUrl ? 'PostgreSQL 服务器' : `嵌入式数据库 ${config.dataDir}`;

try {
  switch (command) {
    case 'db:migrate': {
      const done = await migrateToLatest(handle.db);
      console.log(done.length ? `已执行迁移：${done.join(', ')}` : '数据库已是最新，无需迁移');
      break;
    }
    case 'db:seed': {
      const r = await prepareDatabase(handle.db, {
        adminPassword: config.adminPassword,
        demoSeed: true,
      });
      if (r.generatedAdminPassword)
        console.log(`管理员 admin 初始密码：${r.generatedAdminPassword}（首次登录须修改）`);
      console.log(r.demoSeeded ? '演示数据已载入' : '演示数据此前已载入，未重复写入');
      break;
    }
    case 'db:reset': {
      // Drops everything, the append-only audit log included: a deliberate,
      // whole-database operation for development and demos only.
      await sql`DROP SCHEMA public CASCADE; CREATE SCHEMA public;`.execute(handle.db);
      const r = await prepareDatabase(handle.db, {
        adminPassword: config.adminPassword,
        demoSeed: config.demoSeed,
      });
      if (r.generatedAdminPassword)
        console.log(`管理员 admin 初始密码：${r.generatedAdminPassword}（首次登录须修改）`);
      console.log(`已重建 ${where}`);
      break;
    }
    case 'rollups:verify': {
      // compares every maintained rollup with a full recomputation
      await migrateToLatest(handle.db);
      const diffs = await verifyRollups(handle.db);
      for (const d of diffs)
        console.log(
          `${d.rollup} ${JSON.stringify(d.key)}: 保存值 ${JSON.stringify(d.kept)}，重新计算 ${JSON.stringify(d.recomputed)}`,
        );
      console.log(
        diffs.length
          ? `发现 ${diffs.length} 处汇总与重新计算不一致（npm run rollups:rebuild 可重建）`
          : '全部汇总与重新计算一致',
      );
      if (diffs.length) process.exitCode = 1;
      break;
    }
    case 'rollups:rebuild': {
      await migrateToLatest(handle.db);
      await rebuildRollups(handle.db);
      console.log('已按基础数据重建全部汇总');
      break;
    }
    case 'audit:verify': {
      // recomputes the audit hash chain; the checkpoint file (outside the
      // database) catches a deleted tail — docs/adr/0018-audit-hash-chain.md
      await migrateToLatest(handle.db);
      const at = process.argv.indexOf('--checkpoint');
      const file = at > 0 ? process.argv[at + 1] : undefined;
      const path = resolve(file ?? join(config.dataDir, 'audit-checkpoint.json'));
      const { report, checkpoint, written } = await verifyAndCheckpoint(handle.db, path);
      for (const p of report.problems) console.log(p.message);
      console.log(
        checkpoint
          ? `检查点（${checkpoint.at}）：第${checkpoint.seq}条，哈希 ${checkpoint.hash}`
          : `没有检查点 ${path}：首次校验，链尾的删除要到下次校验才能发现`,
      );
      if (report.problems.length) {
        console.log(
          `审计日志校验未通过：发现 ${report.problems.length} 处问题（共 ${report.entries} 条）`,
        );
        process.exitCode = 1;
      } else
        console.log(
          `审计日志完整：共 ${report.entries} 条，链头第${report.head?.seq ?? 0}条，哈希 ${report.head?.hash ?? '-'}` +
            (written ? `；检查点已更新 ${path}` : ''),
        );
      break;
    }
    default:
      console.error(
        '用法: cli.ts db:migrate | db:seed | db:reset | rollups:verify | rollups:rebuild | audit:verify [--checkpoint 文件] | backup [--out 文件] | restore 文件 [--force]',
      );
      process.exitCode = 2;
  }
} finally {
  await handle.close();
  unlock();
}
