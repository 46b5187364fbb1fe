import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_LOCK_AFTER_FAILURES, LOGIN_PAIR_LIMIT } from '@xiangmu/contracts';
import {
  createTestContext,
  hasChinese,
  USER_PASSWORD,
  type Session,
  type TestContext,
} from '../../test/harness';
import { purgeStaleThrottle } from './login-blocks.service';
import { LoginThrottle } from './login-throttle';

let ctx: TestContext;
let city: Session;
let jk: Session;
let js: Session;
let jsVictim: number;

const login = (username: string, password: string, remoteAddress: string) =>
  ctx.request('POST', '/api/auth/login', { body: { username, password }, remoteAddress });

const blocks = async (as: Session) => {
  const res = await ctx.request('GET', '/api/login-blocks', { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as {
    accounts: { userId: number; username: string }[];
    throttles: {
      id: number;
      kind: string;
      address: string | null;
      username: string | null;
      userId: number | null;
      delayMs: number;
    }[];
  };
};

beforeAll(async () => {
  // a 1 ms step and no real waiting: the address slow-down shows, the test does not sleep
  ctx = await createTestContext({
    throttle: new LoginThrottle({ addressFree: 3, addressStepMs: 1 }, async () => {}),
  });
  await ctx.createUser({ username: 'city1', role: 'city_admin', region: '410100' });
  await ctx.createUser({ username: 'jk_admin', role: 'district_admin', region: '410171' });
  await ctx.createUser({ username: 'js_admin', role: 'district_admin', region: '410105' });
  await ctx.createUser({ username: 'jk_victim', role: 'viewer', region: '410171' });
  jsVictim = await ctx.createUser({ username: 'js_victim', role: 'viewer', region: '410105' });
  city = await ctx.sessionFor('city1');
  jk = await ctx.sessionFor('jk_admin');
  js = await ctx.sessionFor('js_admin');
  // a pair of an existing 经开区 user, a pair of a name nobody has, a locked 金水区 account,
  // and an address past its free failures (unknown names, each tried once)
  for (let i = 0; i < LOGIN_PAIR_LIMIT; i++) {
    await login('jk_victim', `Wrong-${i}`, '10.8.0.1');
    await login('ghost_x', `Wrong-${i}`, '10.8.0.2');
  }
  for (let i = 0; i < LOGIN_LOCK_AFTER_FAILURES; i++)
    await login('js_victim', `Wrong-${i}`, `10.8.1.${i % 2}`);
  for (let i = 0; i < 5; i++) await login(`spray_${i}`, 'Wrong-1', '10.8.0.3');
}, 240_000); // 25 argon2 logins on a busy machine
afterAll(() => ctx?.close());

describe('the admin view of login blocks', () => {
  it('a city admin sees every block: pairs, unknown names, slowed addresses, locked accounts', async () => {
    const b = await blocks(city);
    const pair = b.throttles.find((t) => t.kind === 'pair' && t.username === 'jk_victim');
    expect(pair).toMatchObject({ address: '10.8.0.1', userId: expect.any(Number) });
    expect(b.throttles).toContainEqual(
      expect.objectContaining({ kind: 'pair', username: 'ghost_x', userId: null }),
    );
    const slowed = b.throttles.find((t) => t.kind === 'address' && t.address === '10.8.0.3');
    expect(slowed?.delayMs).toBeGreaterThan(0);
    expect(b.accounts.map((a) => a.username)).toContain('js_victim');
  });

  it("a district admin sees his region's users only, and nothing without a region", async () => {
    const own = await blocks(jk);
    expect(own.throttles.map((t) => t.username)).toEqual(['jk_victim']);
    expect(own.accounts).toEqual([]);
    const other = await blocks(js);
    // js_victim's own pairs (his ten failures came from two addresses), nothing of 经开区
    expect(new Set(other.throttles.map((t) => t.username))).toEqual(new Set(['js_victim']));
    expect(other.accounts.map((a) => a.userId)).toEqual([jsVictim]);
  });

  it('a viewer may not look', async () => {
    await ctx.createUser({ username: 'jk_viewer', role: 'viewer', region: '410171' });
    const res = await ctx.request('GET', '/api/login-blocks', {
      as: await ctx.sessionFor('jk_viewer'),
    });
    expect(res.status).toBe(403);
  });
});

describe('lifting a block', () => {
  it('is refused outside the admin\u2019s region, and changes nothing', async () => {
    const pair = (await blocks(city)).throttles.find((t) => t.username === 'jk_victim')!;
    const ghost = (await blocks(city)).throttles.find((t) => t.username === 'ghost_x')!;
    const foreign = await ctx.request('POST', `/api/login-blocks/${pair.id}/lift`, { as: js });
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('REGION_OUT_OF_SCOPE');
    const regionless = await ctx.request('POST', `/api/login-blocks/${ghost.id}/lift`, { as: jk });
    expect(regionless.status).toBe(403);
    expect((await blocks(city)).throttles.map((t) => t.id)).toEqual(
      expect.arrayContaining([pair.id, ghost.id]),
    );
    expect((await login('jk_victim', USER_PASSWORD, '10.8.0.1')).status).toBe(429);
  });

  it('by the district admin lets the user in again from that address, audited', async () => {
    const pair = (await blocks(jk)).throttles.find((t) => t.username === 'jk_victim')!;
    const res = await ctx.request('POST', `/api/login-blocks/${pair.id}/lift`, { as: jk });
    expect(res.status).toBe(200);
    const audit = await ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'auth.login_block_lifted')
      .where('entity_id', '=', String(pair.id))
      .executeTakeFirstOrThrow();
    expect(audit.actor_id).toBe(jk.userId);
    expect(audit.region_code).toBe('410171');
    expect(audit.before).toMatchObject({
      kind: 'pair',
      address: '10.8.0.1',
      username: 'jk_victim',
    });
    expect((await login('jk_victim', USER_PASSWORD, '10.8.0.1')).status).toBe(200);
    // gone: a second lift is a 404 in Chinese
    const again = await ctx.request('POST', `/api/login-blocks/${pair.id}/lift`, { as: jk });
    expect(again.status).toBe(404);
    expect(hasChinese(again.body.message)).toBe(true);
  });

  it("a city admin lifts an address's slow-down", async () => {
    const slowed = (await blocks(city)).throttles.find((t) => t.address === '10.8.0.3')!;
    expect(
      (await ctx.request('POST', `/api/login-blocks/${slowed.id}/lift`, { as: city })).status,
    ).toBe(200);
    expect((await ctx.xm.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const state = await new LoginThrottle({ addressFree: 3, addressStepMs: 1 }).state(
      ctx.db,
      '10.8.0.3',
      'anyone',
    );
    expect(state.delayMs).toBe(0);
    expect((await blocks(city)).throttles.some((t) => t.address === '10.8.0.3')).toBe(false);
  });

  it('a locked account is lifted with 解除锁定 and leaves the list', async () => {
    const res = await ctx.request('POST', `/api/users/${jsVictim}/unlock`, { as: js });
    expect(res.status).toBe(200);
    expect((await blocks(js)).accounts).toEqual([]);
    expect((await login('js_victim', USER_PASSWORD, '10.8.1.5')).status).toBe(200);
  });
});

describe('stale throttle rows', () => {
  it('are purged a day after their last failure, blocks still running are kept', async () => {
    const before = await ctx.db.selectFrom('login_throttle').select('id').execute();
    expect(before.length).toBeGreaterThan(0);
    expect(await purgeStaleThrottle(ctx.db, new Date())).toBe(0);
    const later = new Date(Date.now() + 25 * 3600_000);
    expect(await purgeStaleThrottle(ctx.db, later)).toBe(before.length);
  });
});
