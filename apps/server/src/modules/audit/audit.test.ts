import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/harness';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'city1', role: 'city_admin', region: '410100' });
  await ctx.createUser({ username: 'jk_admin', role: 'district_admin', region: '410171' });
  await ctx.createUser({ username: 'js_admin', role: 'district_admin', region: '410105' });
});
afterAll(() => ctx?.close());

describe('audit log is append-only in the database itself', () => {
  it.each([
    ['UPDATE', sql`UPDATE audit_log SET action = 'forged'`],
    ['DELETE', sql`DELETE FROM audit_log`],
    ['TRUNCATE', sql`TRUNCATE audit_log`],
  ])('refuses %s', async (_name, statement) => {
    const before = await ctx.countRows('audit_log');
    expect(before).toBeGreaterThan(0);
    await expect(statement.execute(ctx.db)).rejects.toThrow(/append-only/);
    expect(await ctx.countRows('audit_log')).toBe(before);
    const forged = await ctx.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'forged')
      .execute();
    expect(forged).toHaveLength(0);
  });
});

describe('audit page', () => {
  it('records before and after of an edit, and filters by action, actor and date', async () => {
    const admin = await ctx.sessionFor('jk_admin');
    const created = await ctx.request('POST', '/api/departments', {
      as: admin,
      body: { name: '审计测试局', regionCode: '410171' },
    });
    const renamed = await ctx.request('PATCH', `/api/departments/${created.body.id}`, {
      as: admin,
      body: { name: '审计测试二局', version: created.body.version },
    });
    expect(renamed.status).toBe(200);

    const res = await ctx.request('GET', '/api/audit?action=department.updated', { as: admin });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    const entry = res.body.items[0];
    expect(entry.before.name).toBe('审计测试局');
    expect(entry.after.name).toBe('审计测试二局');
    expect(entry.actorName).toContain('jk_admin');
    expect(entry.entityId).toBe(String(created.body.id));

    const byActor = await ctx.request('GET', '/api/audit?actor=jk_admin', { as: admin });
    expect(
      byActor.body.items.every((e: { actorName: string }) => e.actorName.includes('jk_admin')),
    ).toBe(true);
    expect(byActor.body.total).toBeGreaterThanOrEqual(2);

    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const inRange = await ctx.request(
      'GET',
      `/api/audit?from=${today}&to=${today}&action=department.updated`,
      { as: admin },
    );
    expect(inRange.body.total).toBe(1);
    const old = await ctx.request('GET', '/api/audit?from=2020-01-01&to=2020-01-31', { as: admin });
    expect(old.body.total).toBe(0);
  });

  it('a district admin sees only his district; system rows only the city sees', async () => {
    const js = await ctx.sessionFor('js_admin');
    const res = await ctx.request('GET', '/api/audit?pageSize=200', { as: js });
    expect(res.status).toBe(200);
    expect(
      res.body.items.every((e: { regionCode: string | null }) =>
        e.regionCode?.startsWith('410105'),
      ),
    ).toBe(true);

    const admin = await ctx.sessionFor('city1');
    const city = await ctx.request('GET', '/api/audit?pageSize=200&action=region.official_loaded', {
      as: admin,
    });
    expect(city.body.total).toBe(1);
    expect(city.body.items[0].regionCode).toBeNull();
  });

  it('pages', async () => {
    const admin = await ctx.sessionFor('city1');
    const p1 = await ctx.request('GET', '/api/audit?page=1&pageSize=2', { as: admin });
    const p2 = await ctx.request('GET', '/api/audit?page=2&pageSize=2', { as: admin });
    expect(p1.body.items).toHaveLength(2);
    expect(p1.body.items[1].id).toBeGreaterThan(p2.body.items[0].id);
    expect(p1.body.total).toBe(p2.body.total);
  });

  it('refuses a malformed date filter in Chinese', async () => {
    const admin = await ctx.sessionFor('city1');
    const res = await ctx.request('GET', '/api/audit?from=2026-13-45', { as: admin });
    expect(res.status).toBe(400);
    expect(res.body.issues[0].message).toContain('YYYY-MM-DD');
  });
});
