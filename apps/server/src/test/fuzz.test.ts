import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  castSession,
  createCast,
  createTestContext,
  type Session,
  type TestContext,
} from './harness';
import { pendingValidations } from '../modules/imports';
import { createWorld, routeSpecs } from './route-specs';

/**
 * Property-based fuzzing of every operation the server publishes in its
 * OpenAPI document (/docs/json): path parameters, every query parameter and
 * every JSON body, generated from the operation's own schema — values that
 * pass it, values near its bounds and hostile ones (control characters, lone
 * surrogates, SQL and markup, huge numbers, wrong types, missing and extra
 * fields, broken JSON). Whatever comes in: never a 5xx, and a 4xx writes
 * nothing. A fixed seed and a bounded number of runs per operation keep the
 * run the same on every machine; a failure prints the shrunk request.
 */

const SEED = 20261207;
// about 700 requests in all; XIANGMU_FUZZ_RUNS=200 for a long hunt
const RUNS = Number(process.env.XIANGMU_FUZZ_RUNS ?? 6);
/** to chase one failure: XIANGMU_FUZZ_ONLY='stage$' fuzzes the matching operations only */
const ONLY = new RegExp(process.env.XIANGMU_FUZZ_ONLY ?? '');

/** Operations not fuzzed, and why. */
const SKIPPED: Record<string, string> = {
  // ends the caller's session: every later run would only test the 401
  'POST /api/auth/logout': 'ends the session the runs share',
  // a full database dump per call; its own test covers it
  'GET /api/system/backup': 'a whole backup per request',
};
/** Writes on a refusal by design: a failed login is audited and throttled. */
const WRITES_ON_4XX = new Set(['POST /api/auth/login']);

interface Schema {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  nullable?: boolean;
}
interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

const hostileStrings = [
  '',
  ' ',
  'a\u0000b',
  '\u0001\u0002\u001f',
  '\u000b\u000c',
  '\u007f',
  '\ud800',
  'x\udfffy',
  '\ufffe',
  "'; DROP TABLE users; --",
  "x' OR '1'='1",
  '<script>alert(1)</script>',
  '%',
  '_',
  '\\',
  '%00',
  '../../etc/passwd',
  '${jndi:ldap://x}',
  '9'.repeat(40),
  '-1',
  '0',
  '1e400',
  '-0',
  'NaN',
  'Infinity',
  '0x10',
  '１２３',
  '0000-01-01',
  '9999-12-31',
  '2100-12-31',
  '1899-12-31',
  '2026-02-30',
  '2026-13-01',
  '2026-12-07T25:61:00Z',
  'true',
  'null',
  '[]',
  '{}',
  '郑州'.repeat(1200),
  'x'.repeat(10_000),
  '😀'.repeat(30),
  '\u202e\u200b\u00ad',
];
const hostileNumbers = [
  0,
  -1,
  0.5,
  -0.000001,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
  -(2 ** 53),
  1e21,
  1e308,
  -1e308,
  5e-324,
];

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...hostileStrings) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom(...hostileNumbers) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [1, 'a'], { a: { b: 1 } }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

/** A value the schema accepts, or close to it: what gets past validation into the service. */
function plausible(s: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  const nullable = (a: fc.Arbitrary<unknown>) =>
    s.nullable
      ? fc.oneof({ weight: 5, arbitrary: a }, { weight: 1, arbitrary: fc.constant(null) })
      : a;
  switch (s.type) {
    case 'integer': {
      const min =
        Math.max(s.minimum ?? -(2 ** 31), Number.MIN_SAFE_INTEGER) + (s.exclusiveMinimum ? 1 : 0);
      const max = Math.min(s.maximum ?? 2 ** 31, Number.MAX_SAFE_INTEGER);
      // ids are small in the fixture world: hit real rows often
      return nullable(
        fc.oneof(
          fc.integer({ min: Math.max(min, 1), max: Math.max(Math.min(max, 40), Math.max(min, 1)) }),
          fc.integer({ min, max }),
          fc.constantFrom(min, max),
        ),
      );
    }
    case 'number': {
      const min = s.minimum ?? -1e9;
      const max = s.maximum ?? 1e9;
      return nullable(fc.oneof(fc.double({ min, max, noNaN: true }), fc.constantFrom(min, max)));
    }
    case 'boolean':
      return nullable(fc.boolean());
    case 'array': {
      if (depth > 4 || !s.items) return fc.constant([]);
      return nullable(
        fc.array(plausible(s.items, depth + 1), {
          minLength: s.minItems ?? 0,
          maxLength: Math.min(s.maxItems ?? 5, 5),
        }),
      );
    }
    case 'object':
      return nullable(objectOf(s, depth));
    case 'string':
    default:
      return nullable(plausibleString(s));
  }
}

function plausibleString(s: Schema): fc.Arbitrary<string> {
  if (s.format === 'date' || s.pattern?.includes('-02-29'))
    return fc
      .date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
  if (s.format === 'date-time')
    return fc
      .date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString());
  if (s.pattern) {
    try {
      return fc
        .stringMatching(new RegExp(s.pattern, 'u'))
        .filter((x) => x.length <= (s.maxLength ?? 200));
    } catch {
      /* a pattern fast-check cannot build from: fall through */
    }
  }
  return fc.oneof(
    fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 30, 30) }),
    fc.constantFrom('经开区', '12.5', '2026-12', '410171', 'admin', '郑州市'),
  );
}

/** An object for the schema: each field plausible or hostile, now and then one missing or extra. */
function objectOf(s: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries(s.properties ?? {});
  const field = (p: Schema) =>
    fc.oneof(
      { weight: 4, arbitrary: plausible(p, depth + 1) },
      { weight: 1, arbitrary: hostileValue },
    );
  const required = new Set(s.required ?? []);
  return fc
    .record(Object.fromEntries(props.map(([k, p]) => [k, field(p)])), {
      requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)),
    })
    .chain((obj) =>
      fc
        .record(
          {
            drop: fc.option(fc.constantFrom(...(props.length ? props.map(([k]) => k) : ['x']))),
            extra: fc.option(
              fc.tuple(
                fc.constantFrom('isAdmin', 'id', 'regionPath', '__proto__', 'version2'),
                hostileValue,
              ),
            ),
          },
          { requiredKeys: [] },
        )
        .map(({ drop, extra }) => {
          const out: Record<string, unknown> = { ...obj };
          if (drop) delete out[drop];
          if (extra) Object.defineProperty(out, extra[0], { value: extra[1], enumerable: true });
          return out;
        }),
    );
}

/** A raw body that is not the JSON the route wants. */
const brokenJson = fc.constantFrom(
  '',
  'null',
  '[]',
  '"text"',
  '123',
  '{',
  '{"a":}',
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
  `${'['.repeat(3000)}${']'.repeat(3000)}`,
  '{"version":1e400}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
);

/** encodeURIComponent, but a lone surrogate goes out as the bytes a broken client would send */
const encode = (v: string) => {
  try {
    return encodeURIComponent(v);
  } catch {
    return v
      .split('')
      .map((c) => (/[\ud800-\udfff]/.test(c) ? '%ED%A0%80' : encodeURIComponent(c)))
      .join('');
  }
};

interface FuzzRequest {
  path: string;
  query: string;
  body: { json: unknown } | { raw: string } | { bytes: Uint8Array; type: string } | null;
  as: Session;
}

/** A request the route table (route-specs) knows to succeed, with the caller it was built for. */
interface Template {
  url: string;
  body: Record<string, unknown> | undefined;
  as: Session;
}

/**
 * Requests for one operation: mostly a known-good request of the route table
 * with one or two fields (or one query parameter) made hostile — so the odd
 * value reaches the service and the database, not just the schema — and
 * otherwise a request generated from the schema alone.
 */
function requestArb(
  pathTemplate: string,
  op: Operation,
  sessions: Session[],
  template: Template | undefined,
): fc.Arbitrary<FuzzRequest> {
  const generated = generatedArb(pathTemplate, op, sessions);
  if (!template) return generated;
  return fc.oneof(
    { weight: 3, arbitrary: mutatedArb(op, template) },
    { weight: 1, arbitrary: generated },
  );
}

function mutatedArb(op: Operation, t: Template): fc.Arbitrary<FuzzRequest> {
  const [path, search = ''] = t.url.split('?') as [string, string?];
  const schema = op.requestBody?.content['application/json']?.schema;
  const bodyKeys = [
    ...new Set([...Object.keys(t.body ?? {}), ...Object.keys(schema?.properties ?? {})]),
  ];
  const query = [...new URLSearchParams(search)];
  const queryKeys = [
    ...new Set([
      ...query.map(([k]) => k),
      ...(op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
    ]),
  ];
  const value = (name: string, props?: Record<string, Schema>) =>
    fc.oneof(
      { weight: 3, arbitrary: hostileValue },
      { weight: 1, arbitrary: props?.[name] ? plausible(props[name]) : hostileValue },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
  const bodyArb: fc.Arbitrary<FuzzRequest['body']> =
    t.body && bodyKeys.length
      ? fc
          .uniqueArray(
            fc
              .constantFrom(...bodyKeys)
              .chain((k) => value(k, schema?.properties).map((v) => [k, v] as const)),
            { minLength: 1, maxLength: 2, selector: ([k]) => k },
          )
          .map((changes) => {
            const json: Record<string, unknown> = { ...t.body };
            for (const [k, v] of changes)
              if (v === undefined) delete json[k];
              else json[k] = v;
            return { json };
          })
      : fc.constant(t.body ? { json: t.body } : null);
  const queryParams = Object.fromEntries(
    (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p.schema]),
  );
  const queryArb: fc.Arbitrary<string> = queryKeys.length
    ? fc
        .option(
          fc
            .constantFrom(...queryKeys)
            .chain((k) => value(k, queryParams).map((v) => [k, v] as const)),
          {
            freq: 2,
          },
        )
        .map((change) => {
          const q = new Map(query);
          if (change) {
            const [k, v] = change;
            if (v === undefined) q.delete(k);
            else q.set(k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
          }
          return [...q].map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
        })
    : fc.constant(search);
  return fc.record({
    path: fc.constant(path),
    query: queryArb,
    body: bodyArb,
    as: fc.constant(t.as),
  });
}

function generatedArb(
  pathTemplate: string,
  op: Operation,
  sessions: Session[],
): fc.Arbitrary<FuzzRequest> {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const pathArb = fc
    .tuple(
      ...pathParams.map((p) =>
        fc.oneof(
          { weight: 5, arbitrary: plausible(p.schema).map(String) },
          { weight: 1, arbitrary: hostileString },
          { weight: 1, arbitrary: fc.constantFrom(...hostileNumbers).map(String) },
        ),
      ),
    )
    .map((values) =>
      pathParams.reduce(
        (url, p, i) => url.replace(`{${p.name}}`, encode(values[i]!)),
        pathTemplate,
      ),
    );
  const queryArb = fc
    .tuple(
      fc.tuple(
        ...queryParams.map((p) =>
          fc.option(
            fc.oneof(
              { weight: 4, arbitrary: plausible(p.schema) },
              { weight: 1, arbitrary: hostileValue },
            ),
            { freq: p.required ? 8 : 2 },
          ),
        ),
      ),
      // an unknown parameter, a repeated one, or a malformed escape
      fc.option(
        fc.oneof(
          hostileString.map((v) => `zz=${encode(v)}`),
          fc.constantFrom(
            '%',
            '%zz',
            'q=%E4%B8',
            '&&=&',
            'page=1&page=2',
            'a[b]=1',
            '__proto__[x]=1',
          ),
        ),
        { freq: 3 },
      ),
    )
    .map(([values, extra]) => {
      const parts = queryParams.flatMap((p, i) => {
        const v = values[i];
        if (v === null || v === undefined) return [];
        const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
        return [`${encode(p.name)}=${encode(text)}`];
      });
      if (extra) parts.push(extra);
      return parts.join('&');
    });
  const content = op.requestBody?.content ?? {};
  const jsonSchema = content['application/json']?.schema;
  const bodyArb: fc.Arbitrary<FuzzRequest['body']> = jsonSchema
    ? fc.oneof(
        { weight: 6, arbitrary: plausible(jsonSchema).map((json) => ({ json })) },
        { weight: 1, arbitrary: hostileValue.map((json) => ({ json })) },
        { weight: 1, arbitrary: brokenJson.map((raw) => ({ raw })) },
      )
    : fc.oneof(
        fc.constant(null),
        // an upload route, or a body where none is expected
        fc.record({
          bytes: fc.uint8Array({ maxLength: 64 }),
          type: fc.constantFrom('image/png', 'image/jpeg', 'application/octet-stream'),
        }),
        brokenJson.map((raw) => ({ raw })),
      );
  return fc.record({
    path: pathArb,
    query: queryArb,
    body: bodyArb,
    as: fc.constantFrom(...sessions),
  });
}

let ctx: TestContext;
let sessions: Session[];
let operations: Array<[string, string, Operation]>;
const templates = new Map<string, Template>();
let fingerprintSql: string;

beforeAll(async () => {
  ctx = await createTestContext();
  const cast = await createCast(ctx);
  const w = await createWorld(ctx, cast);
  sessions = [
    await castSession(ctx, cast, 'city_admin', 'own'),
    await castSession(ctx, cast, 'district_admin', 'own'),
    await castSession(ctx, cast, 'unit_officer', 'own'),
  ];
  // OpenAPI's /api/x/{id} is the route table's /api/x/:id
  for (const [key, spec] of Object.entries(routeSpecs)) {
    const openApiKey = key.replace(/:([a-zA-Z]+)/g, '{$1}');
    if (SKIPPED[openApiKey] || spec.kind === 'public') continue;
    const role = spec.roles.includes('city_admin') ? 'city_admin' : spec.roles[0]!;
    const as = await castSession(ctx, cast, role, 'own');
    const { url, body, upload } = await spec.build(w, as);
    if (!upload) templates.set(openApiKey, { url, body, as });
  }
  const doc = await ctx.request('GET', '/docs/json', { as: sessions[0] });
  expect(doc.status).toBe(200);
  operations = Object.entries(doc.body.paths as Record<string, Record<string, Operation>>)
    .filter(([path]) => path.startsWith('/api/'))
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(
        ([method, op]) =>
          [`${method.toUpperCase()} ${path}`, path, op] as [string, string, Operation],
      ),
    );
  // what a write leaves behind: each table's row count, and the sum of its
  // versions where it has one (an update bumps it); not sessions or the
  // login throttle, which a request may touch without writing data
  const tables = await sql<{ table_name: string; versioned: boolean }>`
    SELECT t.table_name,
           EXISTS (SELECT 1 FROM information_schema.columns c
                   WHERE c.table_schema = 'public' AND c.table_name = t.table_name
                     AND c.column_name = 'version') AS versioned
    FROM information_schema.tables t
    WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      AND t.table_name NOT LIKE 'kysely%' AND t.table_name NOT LIKE 'login%'
      AND t.table_name <> 'sessions'
    ORDER BY t.table_name`.execute(ctx.db);
  fingerprintSql = tables.rows
    .map(
      (t) =>
        `SELECT '${t.table_name}' AS t, count(*)::text AS n, ${t.versioned ? 'coalesce(sum(version), 0)::text' : "''"} AS v FROM "${t.table_name}"`,
    )
    .join(' UNION ALL ');
}, 180_000);
afterAll(() => ctx?.close());

let fingerprintMs = 0;
async function fingerprint(): Promise<string> {
  const t = performance.now();
  const r = await sql<{ t: string; n: string; v: string }>`${sql.raw(fingerprintSql)}`.execute(
    ctx.db,
  );
  fingerprintMs += performance.now() - t;
  return r.rows
    .map((x) => `${x.t}:${x.n}:${x.v}`)
    .sort()
    .join(' ');
}

async function send(method: string, req: FuzzRequest) {
  const url = req.query ? `${req.path}?${req.query}` : req.path;
  const { as } = req;
  const b = req.body;
  if (b === null) return ctx.request(method, url, { as });
  if ('json' in b) return ctx.request(method, url, { as, body: b.json });
  if ('raw' in b) return ctx.request(method, url, { as, rawBody: b.raw });
  return ctx.request(method, url, {
    as,
    upload: Buffer.from(b.bytes),
    headers: { 'content-type': b.type },
  });
}

describe('fuzzing every operation of the OpenAPI document: never a 5xx, a 4xx writes nothing', () => {
  it('the document lists the API', () => {
    expect(operations.length).toBeGreaterThan(100);
    expect(operations.filter(([, , op]) => op.requestBody).length).toBeGreaterThan(40);
  });

  // the list comes from the server, so an operation added later is fuzzed
  // without a line here; each failure names its operation and request
  it('every operation, a fixed number of generated requests each', async () => {
    const failures: string[] = [];
    const took: Array<[string, number]> = [];
    let sent = 0;
    // nothing else writes (no worker): the state before a request is the one after the last
    let state = await fingerprint();
    for (const [key, path, op] of operations) {
      if (SKIPPED[key] || !ONLY.test(key)) continue;
      const method = key.split(' ')[0]!;
      const started = performance.now();
      try {
        await fc.assert(
          fc.asyncProperty(requestArb(path, op, sessions, templates.get(key)), async (req) => {
            const res = await send(method, req);
            sent++;
            // an upload's validation goes on after the answer: what it writes is the upload's
            await Promise.allSettled([...pendingValidations.values()]);
            const before = state;
            state = await fingerprint();
            if (res.status >= 500)
              throw new Error(`${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
            if (res.status >= 400 && !WRITES_ON_4XX.has(key) && state !== before)
              throw new Error(`${res.status} yet wrote: ${diff(before, state)}`);
          }),
          { seed: SEED, numRuns: RUNS, endOnFailure: true },
        );
      } catch (err) {
        // the request fast-check found, and what went wrong with it
        const counterexample = (err as Error).message
          .split('\n')
          .find((l) => l.startsWith('Counterexample'));
        const cause = (err as Error & { cause?: unknown }).cause;
        failures.push(
          `${key}: ${counterexample ?? ''}\n  → ${cause instanceof Error ? cause.message : String(cause ?? (err as Error).message)}`,
        );
        state = await fingerprint();
      }
      took.push([key, performance.now() - started]);
    }
    took.sort((a, b) => b[1] - a[1]);
    console.log(
      `fuzz: ${sent} requests (${Math.round(fingerprintMs)} ms of them checking what was written); slowest operations: ${took
        .slice(0, 8)
        .map(([k, ms]) => `${k} ${Math.round(ms)} ms`)
        .join(', ')}`,
    );
    expect(failures, failures.join('\n\n')).toEqual([]);
    if (!process.env.XIANGMU_FUZZ_ONLY)
      expect(sent).toBeGreaterThan(operations.length * Math.min(RUNS, 5));
  }, 600_000);
});

function diff(before: string, after: string): string {
  const a = new Set(before.split(' '));
  return after
    .split(' ')
    .filter((x) => !a.has(x))
    .join(', ');
}
