// Administrative commands: npm run db:migrate | db:seed | db:reset
import { sql } from 'kysely';
import { prepareDatabase } from '../bootstrap';
import { loadConfig } from '../platform/config/config';
import { openDatabase } from '../platform/database/db';
import { migrateToLatest } from '../platform/database/migrate';
import { rebuildRollups, verifyRollups } from '../modules/rollups';

const command = process.argv[2];
const config = loadConfig();
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
    default:
      console.error(
        '用法: cli.ts db:migrate | db:seed | db:reset | rollups:verify | rollups:rebuild',
      );
      process.exitCode = 2;
  }
} finally {
  await handle.close();
}
