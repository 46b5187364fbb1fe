import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditActionLabels, auditEntityLabels } from '@xiangmu/contracts';
import {
  castSession,
  createCast,
  createTestContext,
  hasChinese,
  type TestContext,
} from './harness';
import { createWorld, routeSpecs, type World } from './route-specs';

let ctx: TestContext;
let w: World;

beforeAll(async () => {
  ctx = await createTestContext();
  w = await createWorld(ctx, await createCast(ctx));
});
afterAll(() => ctx?.close());

const writeRoutes = Object.entries(routeSpecs).filter(([key]) => !key.startsWith('GET '));

/** A change of an existing object: PATCH/PUT, or an action that says so. */
const isUpdate = (key: string, action: string) =>
  /^(PATCH|PUT) /.test(key) && !/_set$|\.region_switched$/.test(action)
    ? true
    : /[._](updated|renamed)$/.test(action);

/** Everything a write may touch, to prove a refused request changed nothing. */
async function snapshot() {
  const [users, departments, regions, audit, jobs] = await Promise.all([
    ctx.db.selectFrom('users').selectAll().orderBy('id').execute(),
    ctx.db.selectFrom('departments').selectAll().orderBy('id').execute(),
    ctx.db.selectFrom('regions').select(['code', 'name', 'version']).orderBy('code').execute(),
    ctx.countRows('audit_log'),
    ctx.countRows('jobs'),
  ]);
  return JSON.stringify({ users, departments, regions, audit, jobs });
}

async function allowedCaller(key: string) {
  const spec = routeSpecs[key]!;
  const role = spec.roles.includes('city_admin') ? 'city_admin' : spec.roles[0]!;
  return castSession(ctx, w.cast, role, 'own');
}

describe('every write is audited', () => {
  it('lists an audit action for every write route', () => {
    for (const [key, spec] of writeRoutes) expect(spec.audit, key).toMatch(/^[a-z]+\.[a-z_]+$/);
  });

  it.each(writeRoutes)('%s writes its audit row in the same request', async (key, spec) => {
    const caller = await allowedCaller(key);
    const { url, body, upload } = await spec.build(w, caller);
    const before = await ctx.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirstOrThrow();
    const res = await ctx.request(key.split(' ')[0]!, url, {
      as: spec.kind === 'public' ? undefined : caller,
      body,
      upload,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    spec.onSuccess?.(w, caller, body);
    const rows = await ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '>', Number(before.max ?? 0))
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.action)).toContain(spec.audit);
    // the 审计日志 shows each row in Chinese (issue 15.2)
    for (const r of rows) {
      expect(auditActionLabels[r.action], `label of ${r.action}`).toBeDefined();
      expect(auditEntityLabels[r.entity_type], `label of ${r.entity_type}`).toBeDefined();
    }
    const row = rows.find((r) => r.action === spec.audit)!;
    expect(row.actor_name).not.toBe('');
    expect(row.at).toBeInstanceOf(Date);
    // it names the object it changed, and an update says before and after (issue 14.3)
    expect(row.entity_type, 'entity_type').toMatch(/^[a-z0-9_]+$/);
    expect(row.entity_id, 'entity_id').toMatch(/^\S+$/);
    if (isUpdate(key, row.action)) {
      expect(row.before, 'before').not.toBeNull();
      expect(row.after, 'after').not.toBeNull();
      expect(row.after, 'after differs from before').not.toEqual(row.before);
    }
  });
});

const hostile = [
  "'; DROP TABLE users; --",
  '<script>alert(1)</script>',
  "x' OR '1'='1",
  'Robert"); DELETE FROM departments; --',
];

// Input the database itself cannot take used to come back as a 500 (issue 14):
// a NUL byte in text, an id past the int4 columns, a date of year 0000.
describe('input the database cannot store is refused at the boundary, never a 5xx', () => {
  const NUL = 'a\u0000b';
  const bodyCases = writeRoutes.filter(([, spec]) => spec.kind !== 'public');

  it.each(bodyCases)('%s: a NUL byte in any string field', async (key, spec) => {
    const caller = await allowedCaller(key);
    const { url, body } = await spec.build(w, caller);
    const fields = Object.entries(body ?? {}).filter(([, v]) => typeof v === 'string');
    for (const [field] of fields) {
      const before = await snapshot();
      const res = await ctx.request(key.split(' ')[0]!, url, {
        as: caller,
        body: { ...body, [field]: NUL },
      });
      expect(res.status, `${field}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(hasChinese(res.body.message)).toBe(true);
      expect(await snapshot()).toBe(before);
    }
  });

  it.each(bodyCases)('%s: a date of year 0000', async (key, spec) => {
    const caller = await allowedCaller(key);
    const { url, body } = await spec.build(w, caller);
    const dates = Object.entries(body ?? {}).filter(
      ([, v]) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v),
    );
    for (const [field] of dates) {
      const before = await snapshot();
      const res = await ctx.request(key.split(' ')[0]!, url, {
        as: caller,
        body: { ...body, [field]: '0000-01-01' },
      });
      expect(res.status, `${field}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(await snapshot()).toBe(before);
    }
  });

  const idRoutes = Object.keys(routeSpecs).filter((key) => key.includes(':'));
  it.each(idRoutes)('%s: an id past 2³¹−1, and a NUL byte in the path', async (key) => {
    const caller = await allowedCaller(key);
    const [method, pattern] = key.split(' ') as [string, string];
    for (const value of ['2147483648', '9007199254740991', encodeURIComponent(NUL)]) {
      const url = pattern.replace(/:[a-zA-Z]+/g, value);
      const before = await snapshot();
      const res = await ctx.request(method, url, {
        as: routeSpecs[key]!.kind === 'public' ? undefined : caller,
        ...(method === 'GET' ? {} : { body: { version: 1 } }),
      });
      expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
      expect(await snapshot()).toBe(before);
    }
  });

  const listRoutes = Object.entries(routeSpecs).filter(([key]) => key.startsWith('GET '));
  it.each(listRoutes)('%s: a NUL byte in the query string', async (key, spec) => {
    const caller = await allowedCaller(key);
    const { url } = await spec.build(w, caller);
    const res = await ctx.request('GET', `${url}${url.includes('?') ? '&' : '?'}q=a%00b`, {
      as: spec.kind === 'public' ? undefined : caller,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
  });
});

describe('hostile strings in every text field are refused and change nothing', () => {
  const cases = writeRoutes.flatMap(([key, spec]) => hostile.map((h) => [key, h, spec] as const));
  it.each(cases)('%s with %s', async (key, h, spec) => {
    const caller = await allowedCaller(key);
    const { url, body } = await spec.build(w, caller);
    const markup = /[<>]/.test(h);
    const fields = Object.entries(body ?? {}).filter(
      ([k, v]) =>
        typeof v === 'string' &&
        !spec.secret?.includes(k) &&
        (markup || !spec.freeText?.includes(k)),
    );
    for (const [field] of fields) {
      const before = await snapshot();
      const res = await ctx.request(key.split(' ')[0]!, url, {
        as: spec.kind === 'public' ? undefined : caller,
        body: { ...body, [field]: h },
      });
      expect(res.status, `${field}: ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      // Open311 answers in GeoReport's shape, [{ code, description }]
      const message = Array.isArray(res.body) ? res.body[0]?.description : res.body.message;
      expect(hasChinese(message), JSON.stringify(res.body)).toBe(true);
      // a refused login still writes its "login failed" audit row, and nothing else
      if (key === 'POST /api/auth/login') continue;
      expect(await snapshot()).toBe(before);
    }
    // the tables are all still there
    expect(await ctx.countRows('users')).toBeGreaterThan(10);
  });

  it('prose keeps quotes and semicolons as plain text, never as SQL', async () => {
    const admin = await castSession(ctx, w.cast, 'city_admin', 'own');
    const { url, body } = await routeSpecs['PATCH /api/projects/:id']!.build(w, admin);
    const res = await ctx.request('PATCH', url, {
      as: admin,
      body: { ...body, content: hostile[0] },
    });
    expect(res.status).toBe(200);
    expect(res.body.content).toBe(hostile[0]);
    expect(await ctx.countRows('users')).toBeGreaterThan(10);
  });

  it('a search for a SQL fragment is just text: no rows, no error', async () => {
    const admin = await castSession(ctx, w.cast, 'city_admin', 'own');
    for (const h of hostile) {
      const res = await ctx.request('GET', `/api/users?q=${encodeURIComponent(h)}`, { as: admin });
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(0);
    }
    const pct = await ctx.request('GET', `/api/users?q=${encodeURIComponent('%')}`, { as: admin });
    expect(pct.body.total).toBe(0); // % is escaped, not a wildcard
  });

  it('text is stored and returned exactly, never interpreted', async () => {
    const admin = await castSession(ctx, w.cast, 'city_admin', 'own');
    const res = await ctx.request('POST', '/api/departments', {
      as: admin,
      body: { name: '郑州市·城建（二）局-A_1.0、北区', regionCode: '410171' },
    });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('郑州市·城建（二）局-A_1.0、北区');
  });
});

describe('malformed requests', () => {
  it.each(writeRoutes.filter(([, s]) => s.kind !== 'public'))(
    '%s: broken JSON is a 400 in Chinese, nothing written',
    async (key, spec) => {
      const caller = await allowedCaller(key);
      const { url } = await spec.build(w, caller);
      const before = await snapshot();
      const res = await ctx.request(key.split(' ')[0]!, url, {
        as: caller,
        rawBody: '{"name": "未闭合',
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('MALFORMED_REQUEST');
      expect(hasChinese(res.body.message)).toBe(true);
      expect(await snapshot()).toBe(before);
    },
  );

  it('an unknown field is refused and named', async () => {
    const admin = await castSession(ctx, w.cast, 'city_admin', 'own');
    const before = await snapshot();
    const res = await ctx.request('POST', '/api/departments', {
      as: admin,
      body: { name: '新部门', regionCode: '410171', isAdmin: true },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.body.issues)).toContain('isAdmin');
    expect(hasChinese(res.body.issues[0].message)).toBe(true);
    expect(await snapshot()).toBe(before);
  });

  it('a wrong type names the field in Chinese', async () => {
    const admin = await castSession(ctx, w.cast, 'city_admin', 'own');
    const res = await ctx.request('POST', '/api/users', {
      as: admin,
      body: { username: 'abc_def', displayName: 123, role: 'viewer', regionCode: '410171' },
    });
    expect(res.status).toBe(400);
    expect(res.body.issues[0].path).toBe('displayName');
    expect(hasChinese(res.body.issues[0].message)).toBe(true);
  });

  it('an oversized body is a 413 and nothing is written', async () => {
    const admin = await castSession(ctx, w.cast, 'city_admin', 'own');
    const before = await snapshot();
    const res = await ctx.request('POST', '/api/departments', {
      as: admin,
      rawBody: JSON.stringify({ name: '大'.repeat(600_000), regionCode: '410171' }),
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('BODY_TOO_LARGE');
    expect(await snapshot()).toBe(before);
  });

  it('a form post (not JSON) is refused', async () => {
    const admin = await castSession(ctx, w.cast, 'city_admin', 'own');
    const res = await ctx.request('POST', '/api/departments', {
      as: admin,
      rawBody: 'name=x&regionCode=410171',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
    expect(hasChinese(res.body.message)).toBe(true);
  });

  it('a write without the CSRF token is refused', async () => {
    const admin = await castSession(ctx, w.cast, 'city_admin', 'own');
    const before = await snapshot();
    const res = await ctx.request('POST', '/api/departments', {
      as: admin,
      headers: { 'x-csrf-token': 'forged' },
      body: { name: '跨站部门', regionCode: '410171' },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('CSRF_INVALID');
    expect(await snapshot()).toBe(before);
  });

  it('an unknown API path is a 404 in Chinese (401 before login: nothing is revealed)', async () => {
    expect((await ctx.request('GET', '/api/nothing-here')).status).toBe(401);
    const viewer = await castSession(ctx, w.cast, 'viewer', 'own');
    const res = await ctx.request('GET', '/api/nothing-here', { as: viewer });
    expect(res.status).toBe(404);
    expect(hasChinese(res.body.message)).toBe(true);
  });
});
