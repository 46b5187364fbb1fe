import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeTableOf } from '../platform/http/app';
import {
  castSession,
  createCast,
  createTestContext,
  hasChinese,
  roles,
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

describe('route table', () => {
  it('every registered /api route has a data-scope spec, and every spec a route', () => {
    const registered = routeTableOf(ctx.xm.app)
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(registered.length).toBeGreaterThan(20);
    expect(registered).toEqual(Object.keys(routeSpecs).sort());
  });

  it('public routes are exactly the ones the specs call public', () => {
    const publicRoutes = routeTableOf(ctx.xm.app)
      .filter((r) => r.public)
      .map((r) => `${r.method} ${r.url}`);
    expect(publicRoutes).toEqual(
      Object.entries(routeSpecs)
        .filter(([, s]) => s.kind === 'public')
        .map(([k]) => k),
    );
  });
});

const protectedRoutes = Object.entries(routeSpecs).filter(([, s]) => s.kind !== 'public');

describe.each(protectedRoutes)('%s', (key, spec) => {
  const method = key.split(' ')[0]!;

  it('refuses a request without a session (401)', async () => {
    const caller = await ctx.sessionFor(w.cast.own.city_admin);
    const { url, body, upload } = await spec.build(w, caller);
    const res = await ctx.request(method, url, { body, upload });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });

  it.each(roles)('role %s from its own region', async (role) => {
    const caller = await castSession(ctx, w.cast, role, 'own');
    const { url, body, upload } = await spec.build(w, caller);
    const res = await ctx.request(method, url, { as: caller, body, upload });
    if (!spec.roles.includes(role)) {
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
      expect(hasChinese(res.body.message)).toBe(true);
      return;
    }
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    spec.onSuccess?.(w, caller, body);
    if (spec.kind === 'list') expect(await spec.containsOwn!(res.body, w, res.raw)).toBe(true);
  });

  it.each(roles)('role %s from the sibling region', async (role) => {
    const caller = await castSession(ctx, w.cast, role, 'sibling');
    const { url, body, upload } = await spec.build(w, caller);
    const res = await ctx.request(method, url, { as: caller, body, upload });
    if (!spec.roles.includes(role)) {
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
      return;
    }
    // A city admin working in a district may still switch anywhere in his city.
    const kind = spec.homeScoped && role === 'city_admin' ? 'self' : spec.kind;
    if (res.status === 200) spec.onSuccess?.(w, caller, body);
    switch (kind) {
      case 'item':
        expect(res.status, JSON.stringify(res.body)).toBe(403);
        expect(res.body.code).toBe('REGION_OUT_OF_SCOPE');
        expect(hasChinese(res.body.message)).toBe(true);
        break;
      case 'list':
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(await spec.containsOwn!(res.body, w, res.raw)).toBe(false);
        break;
      case 'self':
      case 'global':
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        break;
    }
  });
});
