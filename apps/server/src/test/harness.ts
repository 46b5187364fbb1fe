import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { roles as allRoles, XLSX_CONTENT_TYPE, type Role } from '@xiangmu/contracts';
import { createXiangmu, type Xiangmu } from '../bootstrap';
import type { TrustProxy } from '../platform/http/app';
import { LoginThrottle } from '../modules/auth/login-throttle';
import { insertSession } from '../modules/auth/session.repository';
import { insertDepartment } from '../modules/users/department.repository';
import { hashPassword } from '../modules/users/password';
import { insertUser } from '../modules/users/user.repository';

export const engine = (process.env.XIANGMU_TEST_ENGINE ?? 'pglite') as 'pglite' | 'postgres';
const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const ADMIN_PASSWORD = 'Admin-Init-2026';
export const USER_PASSWORD = 'Fixture-Pass-2026';
/** The region everything under test lives in, and its sibling. */
export const OWN = '410171'; // 郑州经济技术开发区
export const SIBLING = '410105'; // 金水区
export const OWN_STREET = '410171561'; // 潮河街道

/** A fresh database per test file: in-memory PGlite, or a new database on the server. */
export async function freshDatabase(): Promise<{ url?: string; drop: () => Promise<void> }> {
  if (engine === 'pglite') return { drop: async () => {} };
  const name = `xm_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface Session {
  userId: number;
  username: string;
  cookie: string;
  csrf: string;
}

export interface TestContext {
  xm: Xiangmu;
  db: Xiangmu['db'];
  /** a logged-in session for a fixture user, created directly (no argon2 per call) */
  sessionFor(username: string, activeRegion?: string): Promise<Session>;
  request(
    method: string,
    url: string,
    opts?: {
      as?: Session;
      body?: unknown;
      headers?: Record<string, string>;
      rawBody?: string;
      /** a file sent as the request body: an .xlsx, or an image (typed by its first bytes) */
      upload?: Buffer;
      /** the client's address (default 127.0.0.1), for the login throttle */
      remoteAddress?: string;
    },
  ): Promise<{ status: number; body: any; headers: Record<string, unknown>; raw: Buffer }>;
  createUser(u: {
    username: string;
    role: Role;
    region: string;
    departmentId?: number | null;
    mustChange?: boolean;
  }): Promise<number>;
  countRows(
    table: 'users' | 'departments' | 'regions' | 'audit_log' | 'sessions' | 'jobs' | 'projects',
  ): Promise<number>;
  close(): Promise<void>;
}

let hashed: Promise<string> | undefined;

/** The content type a browser would send for the file: an image's, else .xlsx. */
const uploadType = (b: Buffer) =>
  b.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))
    ? 'image/jpeg'
    : b.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))
      ? 'image/png'
      : b.subarray(8, 12).toString('latin1') === 'WEBP'
        ? 'image/webp'
        : XLSX_CONTENT_TYPE;

export async function createTestContext(
  opts: { demoSeed?: boolean; throttle?: LoginThrottle; trustProxy?: TrustProxy } = {},
): Promise<TestContext> {
  const database = await freshDatabase();
  const xm = await createXiangmu({
    database: { url: database.url, poolSize: 4 },
    logger: pino({ level: 'silent' }),
    adminPassword: ADMIN_PASSWORD,
    demoSeed: opts.demoSeed ?? false,
    secureCookies: false,
    runWorker: false,
    // no address slow-down by default: tests log in from one address all the time
    throttle: opts.throttle ?? new LoginThrottle({ addressStepMs: 0 }),
    ...(opts.trustProxy !== undefined ? { trustProxy: opts.trustProxy } : {}),
  });
  const { db } = xm;
  hashed ??= hashPassword(USER_PASSWORD);

  const ctx: TestContext = {
    xm,
    db,
    async sessionFor(username, activeRegion) {
      const u = await db
        .selectFrom('users')
        .select(['id', 'region_code'])
        .where('username', '=', username)
        .executeTakeFirstOrThrow();
      const token = randomBytes(24).toString('base64url');
      const csrf = randomBytes(16).toString('base64url');
      await insertSession(db, {
        token_hash: createHash('sha256').update(token).digest('base64url'),
        user_id: u.id,
        csrf_token: csrf,
        active_region_code: activeRegion ?? u.region_code,
        ip: '127.0.0.1',
        expires_at: new Date(Date.now() + 3600_000),
      });
      return { userId: u.id, username, cookie: `xm_sid=${token}`, csrf };
    },
    async request(method, url, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      if (o.as) {
        headers.cookie = o.as.cookie;
        headers['x-csrf-token'] ??= o.as.csrf;
      }
      let payload: string | Buffer | undefined = o.rawBody;
      if (o.body !== undefined) payload = JSON.stringify(o.body);
      if (payload !== undefined) headers['content-type'] ??= 'application/json';
      if (o.upload) {
        payload = o.upload;
        headers['content-type'] = o.headers?.['content-type'] ?? uploadType(o.upload);
      }
      const res = await xm.app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(payload !== undefined ? { payload } : {}),
        ...(o.remoteAddress ? { remoteAddress: o.remoteAddress } : {}),
      });
      let body: unknown = res.body;
      try {
        body = res.json();
      } catch {
        /* not JSON */
      }
      return { status: res.statusCode, body, headers: res.headers, raw: res.rawPayload };
    },
    async createUser(u) {
      const { id } = await insertUser(db, {
        username: u.username,
        display_name: `测试${u.username}`,
        phone: null,
        role: u.role,
        region_code: u.region,
        department_id: u.departmentId ?? null,
        password_hash: await hashed!,
        must_change_password: u.mustChange ?? false,
      });
      return id;
    },
    async countRows(table) {
      const r = await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async close() {
      await xm.close();
      await database.drop();
    },
  };
  return ctx;
}

/** The fixture cast: one user of every role in OWN, and in SIBLING. */
export const roles: readonly Role[] = allRoles;

export interface Cast {
  departmentOwn: number;
  departmentSibling: number;
  /** username of the fixture user with this role in OWN (city_admin: at city level) */
  own: Record<Role, string>;
  /** …in SIBLING; for city_admin: a city admin whose active region is SIBLING */
  sibling: Record<Role, string>;
}

export async function createCast(ctx: TestContext): Promise<Cast> {
  const { id: departmentOwn } = await insertDepartment(ctx.db, {
    name: '经开区建设局',
    region_code: OWN,
  });
  const { id: departmentSibling } = await insertDepartment(ctx.db, {
    name: '金水区住建局',
    region_code: SIBLING,
  });
  const own = {} as Record<Role, string>;
  const sibling = {} as Record<Role, string>;
  for (const role of roles) {
    own[role] = `own_${role}`;
    sibling[role] = `sib_${role}`;
    const dept = role === 'unit_officer';
    await ctx.createUser({
      username: own[role],
      role,
      region: role === 'city_admin' ? '410100' : OWN,
      departmentId: dept ? departmentOwn : null,
    });
    await ctx.createUser({
      username: sibling[role],
      role,
      region: role === 'city_admin' ? '410100' : SIBLING,
      departmentId: dept ? departmentSibling : null,
    });
  }
  return { departmentOwn, departmentSibling, own, sibling };
}

/** A session for the cast member; the sibling city admin works in SIBLING. */
export function castSession(ctx: TestContext, cast: Cast, role: Role, side: 'own' | 'sibling') {
  const username = cast[side][role];
  return ctx.sessionFor(
    username,
    side === 'sibling' && role === 'city_admin' ? SIBLING : undefined,
  );
}

export const hasChinese = (s: unknown) => typeof s === 'string' && /[\u4e00-\u9fff]/.test(s);
