import { isIP } from 'node:net';
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
  /**
   * 'false' (default), 'true' (any proxy), or the proxies'
   * addresses/CIDR ranges separated by commas: whose X-Forwarded-For gives the
   * client address the login throttle counts by
   */
  XIANGMU_TRUST_PROXY: z
    .string()
    .default('false')
    .refine((v) => parseTrustProxy(v) !== null, {
      message: '应为 true、false 或以逗号分隔的代理地址/网段 (true, false or proxy addresses)',
    }),
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
  trustProxy: boolean | string[];
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
    trustProxy: parseTrustProxy(e.XIANGMU_TRUST_PROXY) ?? false,
    webDist: e.XIANGMU_WEB_DIST,
    logLevel: e.LOG_LEVEL,
  };
}

/** 'true' | 'false' | addresses or CIDR ranges separated by commas; null if not one of them */
function parseTrustProxy(value: string): boolean | string[] | null {
  const v = value.trim();
  if (v === 'true' || v === 'false') return v === 'true';
  const list = v.split(',').map((a) => a.trim());
  const valid = (a: string) => {
    const [ip, bits, ...rest] = a.split('/');
    const family = isIP(ip ?? '');
    if (family === 0 || rest.length > 0) return false;
    return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  };
  return list.every(valid) ? list : null;
}
