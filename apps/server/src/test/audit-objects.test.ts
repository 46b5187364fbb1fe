import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castSession, createCast, createTestContext, type TestContext } from './harness';
import { createWorld, routeSpecs, type World } from './route-specs';

// Every write names the object it changed in its audit row, and an update
// says what it was before and what it is after (issue 14.3). Walks the route
// table like writes-and-input.test.ts; the jobs are in audit-jobs.test.ts.

let ctx: TestContext;
let w: World;

beforeAll(async () => {
  ctx = await createTestContext();
  w = await createWorld(ctx, await createCast(ctx));
}, 180_000);
afterAll(() => ctx?.close());

const writeRoutes = Object.entries(routeSpecs).filter(([key]) => !key.startsWith('GET '));

/** A change of an existing object: PATCH/PUT, or an action that says so. */
const isUpdate = (key: string, action: string) =>
  /^(PATCH|PUT) /.test(key) && !/_set$|\.region_switched$/.test(action)
    ? true
    : /[._](updated|renamed)$/.test(action);

async function allowedCaller(key: string) {
  const spec = routeSpecs[key]!;
  const role = spec.roles.includes('city_admin') ? 'city_admin' : spec.roles[0]!;
  return castSession(ctx, w.cast, role, 'own');
}

describe('every write names its object in the audit log', () => {
  it.each(writeRoutes)('%s', async (key, spec) => {
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
    const row = await ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '>', Number(before.max ?? 0))
      .where('action', '=', spec.audit!)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    expect(row.entity_type, 'entity_type').toMatch(/^[a-z0-9_]+$/);
    expect(row.entity_id, 'entity_id').toMatch(/^\S+$/);
    if (isUpdate(key, row.action)) {
      expect(row.before, 'before').not.toBeNull();
      expect(row.after, 'after').not.toBeNull();
      expect(row.after, 'after differs from before').not.toEqual(row.before);
    }
  });
});
