import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createXiangmu } from '../bootstrap';
import { loadConfig } from '../platform/config/config';
import { createLogger } from '../platform/logging/logger';

const config = loadConfig();
const log = createLogger(config.logLevel);
const here = dirname(fileURLToPath(import.meta.url));

const xm = await createXiangmu({
  database: { url: config.databaseUrl, dataDir: config.dataDir },
  logger: log,
  adminPassword: config.adminPassword,
  demoSeed: config.demoSeed,
  secureCookies: config.secureCookies,
  publicDocs: config.publicDocs,
  trustProxy: config.trustProxy,
  // the embedded database lives in this process, so its worker must too
  runWorker: config.runWorker || !config.databaseUrl,
  webDist: config.webDist ? resolve(config.webDist) : join(here, '../../../web/dist'),
});

if (xm.generatedAdminPassword) {
  // Printed once, on the first start only.
  log.warn(`已创建市级管理员 admin，初始密码：${xm.generatedAdminPassword}（首次登录须修改）`);
  console.log(
    `\n  首次启动：管理员账号 admin，初始密码 ${xm.generatedAdminPassword}（首次登录须修改）\n`,
  );
}

await xm.app.listen({ port: config.port, host: config.host });
log.info(
  { engine: xm.engine, dataDir: xm.engine === 'pglite' ? config.dataDir : undefined },
  `xiangmu 已启动：http://localhost:${config.port}`,
);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    log.info(`收到 ${signal}，正在关闭`);
    xm.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
