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
import {
  LOGIN_LOCK_AFTER_FAILURES as LOCK_AFTER_FAILURES,
  LOGIN_PAIR_LIMIT as PAIR_LIMIT,
} from '@xiangmu/contracts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'alice', role: 'district_admin', region: '410171' });
  await ctx.createUser({ username: 'bob', role: 'viewer', region: '410171' });
  await ctx.createUser({ username: 'carol', role: 'viewer', region: '410171' });
  await ctx.createUser({ username: 'dave', role: 'viewer', region: '410171' });
});
afterAll(() => ctx?.close());

const login = (username: string, password: string, remoteAddress?: string) =>
  ctx.request('POST', '/api/auth/login', {
    body: { username, password },
    ...(remoteAddress ? { remoteAddress } : {}),
  });

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

  it(`locks the account after ${LOCK_AFTER_FAILURES} wrong passwords from any addresses, even against the right one`, async () => {
    // spread over two addresses, so that no (address, username) pair is blocked first
    for (let i = 1; i < LOCK_AFTER_FAILURES; i++) {
      const res = await login('bob', `Wrong-Pass-${i}`, `10.1.0.${i % 2}`);
      expect(res.status).toBe(401);
      expect(res.body.message).toBe('用户名或密码错误'); // no "再失败N次": it would tell bob exists
    }
    const locked = await login('bob', 'Wrong-Pass-x', '10.1.0.9');
    expect(locked.status).toBe(423);
    expect(locked.body.code).toBe('ACCOUNT_LOCKED');
    expect(hasChinese(locked.body.message)).toBe(true);
    const right = await login('bob', USER_PASSWORD, '10.1.0.8');
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
    expect((await login('bob', USER_PASSWORD, '10.1.0.8')).status).toBe(200);
  });

  it('a lock expires by itself', async () => {
    await ctx.db
      .updateTable('users')
      .set({ failed_attempts: LOCK_AFTER_FAILURES, locked_until: new Date(Date.now() - 1000) })
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

  it(`blocks an (address, username) pair after ${PAIR_LIMIT} failures, and only that pair`, async () => {
    await ctx.createUser({ username: 'ivan', role: 'viewer', region: '410171' });
    await ctx.createUser({ username: 'judy', role: 'viewer', region: '410171' });
    for (let i = 0; i < PAIR_LIMIT; i++)
      expect((await login('ivan', `Wrong-Pass-${i}`, '10.2.0.1')).status).toBe(401);
    const blocked = await login('ivan', USER_PASSWORD, '10.2.0.1');
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(blocked.body.message).toMatch(/请\d+分钟后再试/);
    // the account is not locked: ivan elsewhere, and judy at the same address, get in
    expect((await login('ivan', USER_PASSWORD, '10.2.0.2')).status).toBe(200);
    expect((await login('judy', USER_PASSWORD, '10.2.0.1')).status).toBe(200);
    // a success elsewhere does not lift the block at the guesser's address
    expect((await login('ivan', USER_PASSWORD, '10.2.0.1')).status).toBe(429);
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
});

describe('login does not tell which usernames exist', () => {
  const answer = (r: { status: number; body: unknown }) => ({ status: r.status, body: r.body });

  it('an unknown username and a wrong password get the same answers, attempt by attempt, up to the lock', async () => {
    await ctx.createUser({ username: 'kate', role: 'viewer', region: '410171' });
    // one address per attempt: the account lock (and its mirror for unknown names) decides
    for (let i = 1; i <= LOCK_AFTER_FAILURES + 1; i++) {
      const known = await login('kate', `Wrong-Pass-${i}`, `10.3.1.${i}`);
      const unknown = await login('no_such_user', `Wrong-Pass-${i}`, `10.3.2.${i}`);
      expect(answer(unknown), `attempt ${i}`).toEqual(answer(known));
      expect(known.status).toBe(i < LOCK_AFTER_FAILURES ? 401 : 423);
    }
    // both locked from a fresh address too, whatever the password
    const known = await login('kate', USER_PASSWORD, '10.3.3.1');
    const unknown = await login('no_such_user', USER_PASSWORD, '10.3.3.2');
    expect(known.status).toBe(423);
    expect(answer(unknown)).toEqual(answer(known));
  });

  it('and from one address: the same answers through the pair block', async () => {
    await ctx.createUser({ username: 'liam', role: 'viewer', region: '410171' });
    for (let i = 1; i <= PAIR_LIMIT + 2; i++) {
      const known = await login('liam', `Wrong-Pass-${i}`, '10.4.0.1');
      const unknown = await login('nobody_here', `Wrong-Pass-${i}`, '10.4.0.1');
      expect(answer(unknown), `attempt ${i}`).toEqual(answer(known));
      expect(known.status).toBe(i <= PAIR_LIMIT ? 401 : 429);
    }
  });
});

describe('an office behind one address (NAT) is not locked out by one guesser', () => {
  it('30+ failures for one user slow the address down but let the others in', async () => {
    const delays: number[] = [];
    const local = await createTestContext({
      throttle: new LoginThrottle({}, async (ms) => void delays.push(ms)),
    });
    try {
      await local.createUser({ username: 'xavier', role: 'viewer', region: '410171' });
      await local.createUser({ username: 'yvonne', role: 'viewer', region: '410171' });
      const from = (username: string, password: string, remoteAddress: string) =>
        local.request('POST', '/api/auth/login', { body: { username, password }, remoteAddress });
      const statuses = new Set<number>();
      for (let i = 0; i < 35; i++)
        statuses.add((await from('xavier', `Wrong-Pass-${i}`, '10.5.0.1')).status);
      expect([...statuses].sort()).toEqual([401, 429]); // the pair, never the address, is blocked
      const right = await from('yvonne', USER_PASSWORD, '10.5.0.1');
      expect(right.status).toBe(200);
      expect(right.body.username).toBe('yvonne');
      // the slow-down: nothing for the first failures, then growing, capped
      expect(delays.length).toBeGreaterThan(20);
      expect(delays).toEqual([...delays].sort((a, b) => a - b));
      expect(delays.at(-1)).toBe(new LoginThrottle().policy.addressMaxDelayMs);
      // xavier himself gets in from another address, and is not locked
      expect((await from('xavier', USER_PASSWORD, '10.5.0.2')).status).toBe(200);
      expect((await from('xavier', USER_PASSWORD, '10.5.0.1')).status).toBe(429);
    } finally {
      await local.close();
    }
  });

  it('the delay grows with the failures of the address and stays gentle', () => {
    const t = new LoginThrottle();
    const free = t.policy.addressFree;
    expect(t.delayFor(free)).toBe(0);
    expect(t.delayFor(free + 1)).toBeGreaterThan(0);
    expect(t.delayFor(free + 5)).toBeGreaterThan(t.delayFor(free + 1));
    expect(t.delayFor(10_000)).toBe(t.policy.addressMaxDelayMs);
    expect(t.policy.addressMaxDelayMs).toBeLessThanOrEqual(5_000);
  });

  it('the throttle lives in the database: another API process on it sees the same block', async () => {
    // a second throttle object (a second process, or after a restart) reads the same rows
    const other = new LoginThrottle();
    const state = await other.state(ctx.db, '10.2.0.1', 'IVAN');
    expect(state.pairBlockedUntil).toBeInstanceOf(Date);
    expect((await other.state(ctx.db, '10.2.0.3', 'ivan')).pairBlockedUntil).toBeNull();
  });
});

describe('behind a reverse proxy (XIANGMU_TRUST_PROXY)', () => {
  // The proxy at 10.9.0.1 tells the client's address in X-Forwarded-For.
  const viaProxy = (c: TestContext, username: string, password: string, client: string) =>
    c.request('POST', '/api/auth/login', {
      body: { username, password },
      remoteAddress: '10.9.0.1',
      headers: { 'x-forwarded-for': client },
    });

  it('a trusted proxy: the pair block counts by the client address it forwards', async () => {
    const c = await createTestContext({ trustProxy: ['10.9.0.1'] });
    try {
      await c.createUser({ username: 'kate', role: 'viewer', region: '410171' });
      for (let i = 0; i < PAIR_LIMIT; i++)
        expect((await viaProxy(c, 'kate', `Wrong-Pass-${i}`, '203.0.113.7')).status).toBe(401);
      expect((await viaProxy(c, 'kate', USER_PASSWORD, '203.0.113.7')).status).toBe(429);
      // another client behind the same proxy is not the guesser
      expect((await viaProxy(c, 'kate', USER_PASSWORD, '203.0.113.8')).status).toBe(200);
    } finally {
      await c.close();
    }
  });

  it('an untrusted sender cannot pick its address with the header', async () => {
    const c = await createTestContext();
    try {
      await c.createUser({ username: 'liam', role: 'viewer', region: '410171' });
      // a new forged address each try: all count for the sender's own address
      for (let i = 0; i < PAIR_LIMIT; i++)
        expect((await viaProxy(c, 'liam', `Wrong-Pass-${i}`, `203.0.113.${i + 20}`)).status).toBe(
          401,
        );
      expect((await viaProxy(c, 'liam', USER_PASSWORD, '203.0.113.99')).status).toBe(429);
    } finally {
      await c.close();
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
