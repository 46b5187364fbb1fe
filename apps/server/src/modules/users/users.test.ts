import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordProblems } from '@xiangmu/contracts';
import {
  createTestContext,
  hasChinese,
  USER_PASSWORD,
  type Session,
  type TestContext,
} from '../../test/harness';
import { generatePassword } from './password';

let ctx: TestContext;
let city: Session;
let jk: Session;
let jkDept: number;
let jsDept: number;

beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'city1', role: 'city_admin', region: '410100' });
  await ctx.createUser({ username: 'jk_admin', role: 'district_admin', region: '410171' });
  city = await ctx.sessionFor('city1');
  jk = await ctx.sessionFor('jk_admin');
  jkDept = (
    await ctx.request('POST', '/api/departments', {
      as: jk,
      body: { name: '经开区建设局', regionCode: '410171' },
    })
  ).body.id;
  jsDept = (
    await ctx.request('POST', '/api/departments', {
      as: city,
      body: { name: '金水区住建局', regionCode: '410105' },
    })
  ).body.id;
});
afterAll(() => ctx?.close());

describe('creating users', () => {
  it('gives a one-time password that satisfies the rule and must be changed', async () => {
    const res = await ctx.request('POST', '/api/users', {
      as: jk,
      body: {
        username: 'zhao_gong',
        displayName: '赵工',
        phone: '13800000000',
        role: 'unit_officer',
        regionCode: '410171',
        departmentId: jkDept,
      },
    });
    expect(res.status).toBe(200);
    expect(passwordProblems(res.body.initialPassword)).toEqual([]);
    expect(res.body.user.mustChangePassword).toBe(true);
    expect(res.body.user.departmentName).toBe('经开区建设局');
    expect(JSON.stringify(res.body)).not.toContain('password_hash');
    const login = await ctx.request('POST', '/api/auth/login', {
      body: { username: 'zhao_gong', password: res.body.initialPassword },
    });
    expect(login.status).toBe(200);
    expect(login.body.mustChangePassword).toBe(true);
  });

  it('refuses a taken username, whatever its case', async () => {
    const res = await ctx.request('POST', '/api/users', {
      as: jk,
      body: {
        username: 'ZHAO_GONG',
        displayName: '另一个赵工',
        role: 'viewer',
        regionCode: '410171',
      },
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('USERNAME_TAKEN');
  });

  it('a district admin cannot create a city admin', async () => {
    const res = await ctx.request('POST', '/api/users', {
      as: jk,
      body: { username: 'sneaky', displayName: '越权', role: 'city_admin', regionCode: '410100' },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ROLE_NOT_ASSIGNABLE');
  });

  it('admins sit at their own level', async () => {
    const res = await ctx.request('POST', '/api/users', {
      as: city,
      body: {
        username: 'street_admin',
        displayName: '街道管理员',
        role: 'district_admin',
        regionCode: '410171561',
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ROLE_REGION_MISMATCH');
  });

  it('refuses a department from another region', async () => {
    const res = await ctx.request('POST', '/api/users', {
      as: city,
      body: {
        username: 'mixed',
        displayName: '错配',
        role: 'unit_officer',
        regionCode: '410171',
        departmentId: jsDept,
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('DEPARTMENT_REGION_MISMATCH');
  });

  it('validates phone numbers in Chinese', async () => {
    const res = await ctx.request('POST', '/api/users', {
      as: jk,
      body: {
        username: 'phone_x',
        displayName: '电话',
        phone: '12345',
        role: 'viewer',
        regionCode: '410171',
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.issues[0].path).toBe('phone');
    expect(hasChinese(res.body.issues[0].message)).toBe(true);
  });
});

describe('editing users', () => {
  it('a stale version gets 409 with the current record; nothing is overwritten', async () => {
    const created = await ctx.request('POST', '/api/users', {
      as: jk,
      body: { username: 'qian', displayName: '钱科员', role: 'viewer', regionCode: '410171' },
    });
    const { id, version } = created.body.user;
    const first = await ctx.request('PATCH', `/api/users/${id}`, {
      as: jk,
      body: { displayName: '钱科长', version },
    });
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(version + 1);
    const second = await ctx.request('PATCH', `/api/users/${id}`, {
      as: city,
      body: { displayName: '钱主任', version },
    });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('VERSION_CONFLICT');
    expect(second.body.current.displayName).toBe('钱科长');
    expect((await ctx.request('GET', `/api/users/${id}`, { as: jk })).body.displayName).toBe(
      '钱科长',
    );
  });

  it('moving a user to another region drops his department; admins cannot disable themselves', async () => {
    const created = await ctx.request('POST', '/api/users', {
      as: city,
      body: {
        username: 'sun',
        displayName: '孙工',
        role: 'unit_officer',
        regionCode: '410171',
        departmentId: jkDept,
      },
    });
    const moved = await ctx.request('PATCH', `/api/users/${created.body.user.id}`, {
      as: city,
      body: { regionCode: '410105', version: created.body.user.version },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.departmentId).toBeNull();
    expect(moved.body.regionName).toBe('金水区');
    // now out of the district admin's reach
    expect(
      (await ctx.request('GET', `/api/users/${created.body.user.id}`, { as: jk })).status,
    ).toBe(403);

    const self = await ctx.request('GET', `/api/users/${jk.userId}`, { as: jk });
    const res = await ctx.request('PATCH', `/api/users/${jk.userId}`, {
      as: jk,
      body: { disabled: true, version: self.body.version },
    });
    expect(res.body.code).toBe('CANNOT_DISABLE_SELF');
  });

  it('an admin cannot reset his own password from the user list', async () => {
    const res = await ctx.request('POST', `/api/users/${jk.userId}/reset-password`, { as: jk });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('CANNOT_RESET_OWN_PASSWORD');
  });

  it("an admin's password reset ends every session of that user at once, cached or not", async () => {
    await ctx.createUser({ username: 'reset_me', role: 'viewer', region: '410171' });
    const signIn = async () => {
      const res = await ctx.request('POST', '/api/auth/login', {
        body: { username: 'reset_me', password: USER_PASSWORD },
      });
      expect(res.status).toBe(200);
      const cookie = String([res.headers['set-cookie']].flat()[0]).split(';')[0]!;
      return { cookie, csrf: res.body.csrfToken, userId: res.body.id, username: 'reset_me' };
    };
    const phone = await signIn();
    const desk = await signIn();
    // both read once, so the session cache holds them
    expect((await ctx.request('GET', '/api/me', { as: phone })).status).toBe(200);
    expect((await ctx.request('GET', '/api/me', { as: desk })).status).toBe(200);
    const res = await ctx.request('POST', `/api/users/${phone.userId}/reset-password`, { as: jk });
    expect(res.status).toBe(200);
    expect((await ctx.request('GET', '/api/me', { as: phone })).status).toBe(401);
    expect((await ctx.request('GET', '/api/me', { as: desk })).status).toBe(401);
    const left = await ctx.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', phone.userId)
      .execute();
    expect(left).toHaveLength(0);
    const audit = await ctx.db
      .selectFrom('audit_log')
      .select('after')
      .where('action', '=', 'user.password_reset')
      .where('entity_id', '=', String(phone.userId))
      .executeTakeFirstOrThrow();
    expect(audit.after).toEqual({ sessionsEnded: 2 });
    // the admin's own session is untouched, and the new password works
    expect((await ctx.request('GET', '/api/me', { as: jk })).status).toBe(200);
    const again = await ctx.request('POST', '/api/auth/login', {
      body: { username: 'reset_me', password: res.body.initialPassword },
    });
    expect(again.status).toBe(200);
    expect(again.body.mustChangePassword).toBe(true);
  });

  it('a district admin cannot touch a city admin', async () => {
    const city1 = await ctx.request('GET', `/api/users/${city.userId}`, { as: jk });
    expect(city1.status).toBe(403);
  });

  it('lists, searches and filters', async () => {
    const byRole = await ctx.request('GET', '/api/users?role=unit_officer', { as: jk });
    expect(byRole.body.items.map((u: { username: string }) => u.username)).toEqual(['zhao_gong']);
    const byName = await ctx.request('GET', `/api/users?q=${encodeURIComponent('钱')}`, {
      as: city,
    });
    expect(byName.body.total).toBe(1);
    const outside = await ctx.request('GET', '/api/users?regionCode=410105', { as: jk });
    expect(outside.status).toBe(403);
  });
});

describe('departments', () => {
  it('refuses a duplicate name in one region but allows it in another', async () => {
    const dup = await ctx.request('POST', '/api/departments', {
      as: jk,
      body: { name: '经开区建设局', regionCode: '410171' },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('DEPARTMENT_NAME_TAKEN');
    const elsewhere = await ctx.request('POST', '/api/departments', {
      as: city,
      body: { name: '经开区建设局', regionCode: '410172' },
    });
    expect(elsewhere.status).toBe(200);
  });

  it('counts users', async () => {
    const list = await ctx.request('GET', '/api/departments?regionCode=410171', { as: jk });
    const d = list.body.find((x: { id: number }) => x.id === jkDept);
    expect(d.userCount).toBe(1);
  });
});

describe('generated passwords', () => {
  it('always satisfy the password rule', () => {
    for (let i = 0; i < 200; i++) expect(passwordProblems(generatePassword())).toEqual([]);
  });
});
