import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  createTestContext,
  hasChinese,
  USER_PASSWORD,
  type TestContext,
} from '../../test/harness';
import { LoginThrottle } from './login-throttle';
import { LOGIN_LOCK_AFTER_FAILURES as LOCK_AFTER_FAILURES } from '@xiangmu/contracts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'alice', role: 'district_admin', region: '410171' });
  await ctx.createUser({ username: 'bob', role: 'viewer', region: '410171' });
  await ctx.createUser({ username: 'carol', role: 'viewer', region: '410171' });
  await ctx.createUser({ username: 'dave', role: 'viewer', region: '410171' });
});
afterAll(() => ctx?.close());

const login = (username: string, password: string) =>
  ctx.request('POST', '/api/auth/login', { body: { username, password } });

function sessionOf(res: { headers: Record<string, unknown>; body: any }) {
  const raw = String([res.headers['set-cookie']].flat()[0]);
  return {
    cookie: raw.split(';')[0]!,
    csrf: res.body.csrfToken as string,
    userId: res.body.id,
    username: res.body.username,
  };
}

describe('login', () => {
  it('sets an HttpOnly, SameSite session cookie and returns the user with a CSRF token', async () => {
    const res = await login('alice', USER_PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body.username).toBe('alice');
    expect(res.body.csrfToken).toMatch(/^[\w-]{20,}$/);
    const cookie = String([res.headers['set-cookie']].flat()[0]);
    expect(cookie).toMatch(/^xm_sid=/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    const me = await ctx.request('GET', '/api/me', { as: sessionOf(res) });
    expect(me.body.username).toBe('alice');
  });

  it('is case-insensitive on the username', async () => {
    expect((await login('ALICE', USER_PASSWORD)).status).toBe(200);
  });

  it('says the same for an unknown user and a wrong password', async () => {
    const a = await login('nobody', 'Whatever-1');
    const b = await login('dave', 'Wrong-Pass-1');
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.body.code).toBe('INVALID_CREDENTIALS');
    expect(b.body.code).toBe('INVALID_CREDENTIALS');
    expect(hasChinese(b.body.message)).toBe(true);
  });

  it(`locks the account after ${LOCK_AFTER_FAILURES} wrong passwords, even against the right one`, async () => {
    for (let i = 1; i < LOCK_AFTER_FAILURES; i++) {
      const res = await login('bob', `Wrong-Pass-${i}`);
      expect(res.status).toBe(401);
      expect(res.body.message).toContain(`再失败${LOCK_AFTER_FAILURES - i}次`);
    }
    const locked = await login('bob', 'Wrong-Pass-x');
    expect(locked.status).toBe(423);
    expect(locked.body.code).toBe('ACCOUNT_LOCKED');
    expect(hasChinese(locked.body.message)).toBe(true);
    const right = await login('bob', USER_PASSWORD);
    expect(right.status).toBe(423);
    const failures = await ctx.db
      .selectFrom('audit_log')
      .select('after')
      .where('action', '=', 'auth.login_failed')
      .where('actor_name', 'like', '%(bob)')
      .execute();
    expect(failures.length).toBe(LOCK_AFTER_FAILURES + 1);
  });

  it('an admin unlocks the account, and the right password works again', async () => {
    const bob = await ctx.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'bob')
      .executeTakeFirstOrThrow();
    const admin = await ctx.sessionFor('alice');
    const res = await ctx.request('POST', `/api/users/${bob.id}/unlock`, { as: admin });
    expect(res.status).toBe(200);
    expect(res.body.locked).toBe(false);
    expect((await login('bob', USER_PASSWORD)).status).toBe(200);
  });

  it('a lock expires by itself', async () => {
    await ctx.db
      .updateTable('users')
      .set({ failed_attempts: 5, locked_until: new Date(Date.now() - 1000) })
      .where('username', '=', 'carol')
      .execute();
    expect((await login('carol', USER_PASSWORD)).status).toBe(200);
    const carol = await ctx.db
      .selectFrom('users')
      .select('failed_attempts')
      .where('username', '=', 'carol')
      .executeTakeFirstOrThrow();
    expect(carol.failed_attempts).toBe(0);
  });

  it('a disabled account cannot log in, and its sessions stop working', async () => {
    await ctx.createUser({ username: 'erin', role: 'viewer', region: '410171' });
    const s = sessionOf(await login('erin', USER_PASSWORD));
    await ctx.db
      .updateTable('users')
      .set({ disabled: true })
      .where('username', '=', 'erin')
      .execute();
    const res = await login('erin', USER_PASSWORD);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ACCOUNT_DISABLED');
    expect((await ctx.request('GET', '/api/me', { as: s })).status).toBe(401);
  });

  it('one address is throttled after many failures across usernames', async () => {
    const local = await createTestContext({ throttle: new LoginThrottle(3, 60_000) });
    try {
      for (const u of ['user1', 'user2', 'user3'])
        expect(
          (await local.request('POST', '/api/auth/login', { body: { username: u, password: 'x' } }))
            .status,
        ).toBe(401);
      const res = await local.request('POST', '/api/auth/login', {
        body: { username: 'admin', password: ADMIN_PASSWORD },
      });
      expect(res.status).toBe(429);
      expect(res.body.code).toBe('TOO_MANY_ATTEMPTS');
    } finally {
      await local.close();
    }
  });
});

describe('first admin and forced password change', () => {
  it('creates admin with the configured password, who must change it first', async () => {
    const res = await login('admin', ADMIN_PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body.mustChangePassword).toBe(true);
    expect(res.body.role).toBe('city_admin');
    const s = sessionOf(res);
    const blocked = await ctx.request('GET', '/api/users', { as: s });
    expect(blocked.status).toBe(403);
    expect(blocked.body.code).toBe('PASSWORD_CHANGE_REQUIRED');

    const weak = await ctx.request('POST', '/api/me/password', {
      as: s,
      body: { currentPassword: ADMIN_PASSWORD, newPassword: 'short' },
    });
    expect(weak.status).toBe(400);
    expect(weak.body.code).toBe('PASSWORD_TOO_WEAK');
    expect(weak.body.message).toContain('至少8位');

    const same = await ctx.request('POST', '/api/me/password', {
      as: s,
      body: { currentPassword: ADMIN_PASSWORD, newPassword: ADMIN_PASSWORD },
    });
    expect(same.body.code).toBe('PASSWORD_REUSED');

    const wrong = await ctx.request('POST', '/api/me/password', {
      as: s,
      body: { currentPassword: 'nope', newPassword: 'Brand-New-2026' },
    });
    expect(wrong.body.code).toBe('PASSWORD_WRONG');

    const ok = await ctx.request('POST', '/api/me/password', {
      as: s,
      body: { currentPassword: ADMIN_PASSWORD, newPassword: 'Brand-New-2026' },
    });
    expect(ok.status).toBe(200);
    expect((await ctx.request('GET', '/api/users', { as: s })).status).toBe(200);
    expect((await login('admin', ADMIN_PASSWORD)).status).toBe(401);
    expect((await login('admin', 'Brand-New-2026')).body.mustChangePassword).toBe(false);
  });

  it('a password change ends the other sessions of that user', async () => {
    await ctx.createUser({ username: 'frank', role: 'viewer', region: '410171' });
    const a = sessionOf(await login('frank', USER_PASSWORD));
    const b = sessionOf(await login('frank', USER_PASSWORD));
    const res = await ctx.request('POST', '/api/me/password', {
      as: a,
      body: { currentPassword: USER_PASSWORD, newPassword: 'Other-New-2026' },
    });
    expect(res.status).toBe(200);
    expect((await ctx.request('GET', '/api/me', { as: a })).status).toBe(200);
    expect((await ctx.request('GET', '/api/me', { as: b })).status).toBe(401);
  });
});

describe('sessions', () => {
  it('logout ends the session and clears the cookie', async () => {
    await ctx.createUser({ username: 'gina', role: 'viewer', region: '410171' });
    const s = sessionOf(await login('gina', USER_PASSWORD));
    const out = await ctx.request('POST', '/api/auth/logout', { as: s });
    expect(out.status).toBe(200);
    expect(String([out.headers['set-cookie']].flat()[0])).toMatch(/xm_sid=;/);
    expect((await ctx.request('GET', '/api/me', { as: s })).status).toBe(401);
  });

  it('a user disabled through the API is refused at once, though his session was just read', async () => {
    await ctx.createUser({ username: 'hank', role: 'viewer', region: '410171' });
    const hank = sessionOf(await login('hank', USER_PASSWORD));
    expect((await ctx.request('GET', '/api/me', { as: hank })).status).toBe(200); // now cached
    const admin = await ctx.sessionFor('alice');
    const u = await ctx.request('GET', `/api/users/${hank.userId}`, { as: admin });
    const res = await ctx.request('PATCH', `/api/users/${hank.userId}`, {
      as: admin,
      body: { disabled: true, version: u.body.version },
    });
    expect(res.status).toBe(200);
    expect((await ctx.request('GET', '/api/me', { as: hank })).status).toBe(401);
  });

  it('an expired session is refused; a forged cookie too', async () => {
    const s = await ctx.sessionFor('dave');
    await ctx.db
      .updateTable('sessions')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('user_id', '=', s.userId)
      .execute();
    expect((await ctx.request('GET', '/api/me', { as: s })).status).toBe(401);
    expect(
      (await ctx.request('GET', '/api/me', { as: { ...s, cookie: 'xm_sid=forged' } })).status,
    ).toBe(401);
  });

  it('only a hash of the token is stored', async () => {
    const res = await login('alice', USER_PASSWORD);
    const token = sessionOf(res).cookie.split('=')[1]!;
    const found = await ctx.db
      .selectFrom('sessions')
      .select('id')
      .where('token_hash', '=', token)
      .execute();
    expect(found).toHaveLength(0);
  });
});

describe('region switcher', () => {
  it('narrows the data scope to the chosen region and refuses regions outside the user', async () => {
    const alice = await ctx.sessionFor('alice');
    const all = await ctx.request('GET', '/api/regions?maxLevel=street', { as: alice });
    expect(all.body.map((r: { code: string }) => r.code)).toContain('410171561');

    const out = await ctx.request('PUT', '/api/me/region', {
      as: alice,
      body: { regionCode: '410105' },
    });
    expect(out.status).toBe(403);
    expect(out.body.code).toBe('REGION_OUT_OF_SCOPE');

    const sw = await ctx.request('PUT', '/api/me/region', {
      as: alice,
      body: { regionCode: '410171560' },
    });
    expect(sw.status).toBe(200);
    expect(sw.body.activeRegionCode).toBe('410171560');
    expect(sw.body.regionCode).toBe('410171');
    const narrowed = await ctx.request('GET', '/api/regions', { as: alice });
    expect(narrowed.body.map((r: { code: string }) => r.code)).toEqual(['410171560']);

    // the switcher still offers his whole region, not just the active one
    const offered = await ctx.request('GET', '/api/me/regions?maxLevel=street', { as: alice });
    expect(offered.body.map((r: { code: string }) => r.code)).toEqual(
      expect.arrayContaining(['410171', '410171560', '410171561']),
    );
    expect(offered.body.some((r: { code: string }) => r.code.startsWith('410105'))).toBe(false);

    // and back up to his own region, which is outside the active one
    const back = await ctx.request('PUT', '/api/me/region', {
      as: alice,
      body: { regionCode: '410171' },
    });
    expect(back.status).toBe(200);
    expect((await ctx.request('GET', '/api/regions', { as: alice })).body.length).toBeGreaterThan(
      5,
    );
  });
});
