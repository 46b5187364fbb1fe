import { resolve } from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  XIANGMU_DATA_DIR: z.string().default('./data'),
  XIANGMU_ADMIN_PASSWORD: z.string().min(8).optional(),
  /** 'true' when served behind HTTPS: cookies get the Secure flag */
  XIANGMU_SECURE_COOKIES: z.enum(['true', 'false']).default('false'),
  /** run the job worker inside the API process (always on for the embedded database) */
  XIANGMU_WORKER: z.enum(['on', 'off']).default('on'),
  XIANGMU_DEMO_SEED: z.enum(['on', 'off']).default('on'),
  /** 'true': the API docs (/docs) open without a session */
  XIANGMU_PUBLIC_DOCS: z.enum(['true', 'false']).default('false'),
  XIANGMU_WEB_DIST: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  host: string;
  /** a PostgreSQL server, or undefined for the embedded PGlite in dataDir */
  databaseUrl: string | undefined;
  dataDir: string;
  adminPassword: string | undefined;
  secureCookies: boolean;
  runWorker: boolean;
  demoSeed: boolean;
  publicDocs: boolean;
  webDist: string | undefined;
  logLevel: string;
}

/** Reads the environment once and fails fast, in Chinese and English, on a bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`配置错误 (invalid configuration):\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.XIANGMU_DATA_DIR),
    adminPassword: e.XIANGMU_ADMIN_PASSWORD,
    secureCookies: e.XIANGMU_SECURE_COOKIES === 'true',
    runWorker: e.XIANGMU_WORKER === 'on',
    demoSeed: e.XIANGMU_DEMO_SEED === 'on',
    publicDocs: e.XIANGMU_PUBLIC_DOCS === 'true',
    webDist: e.XIANGMU_WEB_DIST,
    logLevel: e.LOG_LEVEL,
  };
}
