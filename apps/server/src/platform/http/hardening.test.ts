import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XLSX_CONTENT_TYPE } from '@xiangmu/contracts';
import { createXiangmu, type Xiangmu } from '../../bootstrap';
import {
  castSession,
  createCast,
  createTestContext,
  freshDatabase,
  hasChinese,
  type Session,
  type TestContext,
} from '../../test/harness';
import { createWorld, routeSpecs, type World } from '../../test/route-specs';
import { contentDisposition } from './download';
import { forbiddenCharIn } from './input';
import { normalizedPath } from './paths';

let ctx: TestContext;
let w: World;
let admin: Session;
let port: number;

beforeAll(async () => {
  ctx = await createTestContext();
  w = await createWorld(ctx, await createCast(ctx));
  admin = await castSession(ctx, w.cast, 'city_admin', 'own');
  await ctx.xm.app.listen({ port: 0, host: '127.0.0.1' });
  port = (ctx.xm.app.server.address() as AddressInfo).port;
});
afterAll(() => ctx?.close());

/** What a write could leave behind. */
async function written() {
  const [audit, photos, attachments, imports] = await Promise.all([
    ctx.countRows('audit_log'),
    ctx.db
      .selectFrom('ticket_photos')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .execute(),
    ctx.db
      .selectFrom('attachments')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .execute(),
    ctx.db
      .selectFrom('project_imports')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .execute(),
  ]);
  return JSON.stringify({ audit, photos, attachments, imports });
}

/**
 * A real HTTP client over a real socket (inject never shows a reset): sends
 * `body` in 64 KB writes, as a browser uploads, chunked unless told the
 * length, then asks GET /healthz on the same kept-alive socket.
 */
async function upload(
  path: string,
  type: string,
  body: Buffer,
  opts: { chunked?: boolean } = {},
): Promise<{
  status: number;
  json: any;
  headers: http.IncomingHttpHeaders;
  socketReused: boolean;
}> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const first = await new Promise<{
      status: number;
      json: any;
      headers: http.IncomingHttpHeaders;
    }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: encodeURI(path),
          method: 'POST',
          agent,
          headers: {
            cookie: admin.cookie,
            'x-csrf-token': admin.csrf,
            'content-type': type,
            ...(opts.chunked ? {} : { 'content-length': String(body.length) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode!,
              json: JSON.parse(Buffer.concat(chunks).toString()),
              headers: res.headers,
            }),
          );
        },
      );
      req.on('error', reject);
      let off = 0;
      const step = 64 * 1024;
      const pump = () => {
        while (off < body.length) {
          const ok = req.write(body.subarray(off, off + step));
          off += step;
          if (!ok) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    const socketReused = await new Promise<boolean>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200 && req.reusedSocket));
      });
      req.on('error', reject);
    });
    return { ...first, socketReused };
  } finally {
    agent.destroy();
  }
}

const jpeg = (bytes: number) => {
  const b = Buffer.alloc(bytes, 7);
  b.set([0xff, 0xd8, 0xff, 0xe0]);
  return b;
};
const MB = 1024 * 1024;

describe('a body over its limit is answered 413 in Chinese, over a kept connection, and writes nothing', () => {
  const cases: Array<[string, () => Promise<string>, string, Buffer, string]> = [
    [
      'an 11 MB photo of a ticket',
      async () => (await routeSpecs['POST /api/tickets/:id/photos']!.build(w, admin)).url,
      'image/jpeg',
      jpeg(11 * MB),
      'ATTACHMENT_TOO_LARGE',
    ],
    [
      'an 11 MB photo of a project',
      async () => (await routeSpecs['POST /api/projects/:id/attachments']!.build(w, admin)).url,
      'image/jpeg',
      jpeg(11 * MB),
      'ATTACHMENT_TOO_LARGE',
    ],
    [
      'a 21 MB ledger to import',
      async () => '/api/projects/imports?filename=台账.xlsx',
      XLSX_CONTENT_TYPE,
      Buffer.alloc(21 * MB, 1),
      'IMPORT_TOO_LARGE',
    ],
    [
      'a 2 MB JSON body',
      async () => '/api/departments',
      'application/json',
      Buffer.from(JSON.stringify({ name: '部'.repeat(700_000), regionCode: '410171' })),
      'BODY_TOO_LARGE',
    ],
  ];
  for (const chunked of [false, true])
    it.each(cases)(`%s${chunked ? ' (chunked)' : ''}`, async (_name, url, type, body, code) => {
      const target = await url();
      const before = await written();
      const res = await upload(target, type, body, { chunked });
      expect(res.status).toBe(413);
      expect(res.json.code).toBe(code);
      expect(res.json.message).toMatch(/\d+ ?MB/);
      expect(hasChinese(res.json.message)).toBe(true);
      expect(res.socketReused).toBe(true);
      expect(await written()).toBe(before);
    });

  it('a browser form upload (multipart) to the photo route is refused in Chinese, not reset', async () => {
    const { url } = await routeSpecs['POST /api/tickets/:id/photos']!.build(w, admin);
    const res = await upload(url, 'multipart/form-data; boundary=x', jpeg(3 * MB));
    expect(res.status).toBe(415);
    expect(hasChinese(res.json.message)).toBe(true);
    expect(res.socketReused).toBe(true);
  });

  it('a photo within the limit still goes in', async () => {
    const { url } = await routeSpecs['POST /api/tickets/:id/photos']!.build(w, admin);
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(9 * MB, 1)]);
    const res = await upload(url, 'image/png', png);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.size).toBe(png.length);
  });
});

describe('characters no field takes are refused at the boundary', () => {
  it.each([
    ['NUL', 'a\u0000b'],
    ['a C0 control', '经开区\u0001建设局'],
    ['a vertical tab', 'a\u000bb'],
    ['DEL', 'a\u007fb'],
    ['a lone surrogate', 'a\ud800b'],
    ['a non-character', 'a\uffffb'],
  ])('%s in a JSON body, a query or a key', async (_name, bad) => {
    const before = await written();
    const body = await ctx.request('POST', '/api/departments', {
      as: admin,
      body: { name: bad, regionCode: '410171' },
    });
    expect(body.status).toBe(400);
    expect(body.body.message).toMatch(/不可见的|不完整的/);
    // a query string is UTF-8 on the wire: a lone surrogate cannot travel in it
    if (!/[\ud800-\udfff]/u.test(bad)) {
      const query = await ctx.request('GET', `/api/users?q=${encodeURIComponent(bad)}`, {
        as: admin,
      });
      expect(query.status).toBe(400);
    }
    const key = await ctx.request('POST', '/api/departments', {
      as: admin,
      rawBody: `{"name":"新部门","regionCode":"410171",${JSON.stringify(bad)}:1}`,
    });
    expect(key.status).toBe(400);
    expect(await written()).toBe(before);
  });

  it('a lone surrogate escaped in raw JSON is refused, a real pair (emoji) is text', async () => {
    const lone = await ctx.request('POST', '/api/departments', {
      as: admin,
      rawBody: '{"name":"部门\\ud83d","regionCode":"410171"}',
    });
    expect(lone.status).toBe(400);
    expect(forbiddenCharIn({ a: ['ok', { b: 'x\udc00' }] })).toBe('\udc00');
    expect(forbiddenCharIn({ a: '😀 中文\t\n\r' })).toBeNull();
  });

  it('tabs and line breaks stay ordinary text', async () => {
    const { url, body } = await routeSpecs['PATCH /api/projects/:id']!.build(w, admin);
    const res = await ctx.request('PATCH', url, {
      as: admin,
      body: { ...body, content: '一期：厂房\r\n二期：\t仓库' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.content).toBe('一期：厂房\r\n二期：\t仓库');
  });
});

describe('auth is decided on the normalized path', () => {
  it('normalizes escapes, slashes and dot segments', () => {
    expect(normalizedPath('/%61pi/users?x=1')).toBe('/api/users');
    expect(normalizedPath('/%2561%2570i/users')).toBe('/api/users');
    expect(normalizedPath('//api//users/')).toBe('/api/users');
    expect(normalizedPath('/x/../api/./users')).toBe('/api/users');
    expect(normalizedPath('/API/Users')).toBe('/api/users');
    expect(normalizedPath('/%zz/api')).toBe('/%zz/api');
  });

  const spellings = [
    '/%61pi/departments',
    '/%61%70%69/departments',
    '/api/%64epartments',
    '/%2561pi/departments',
    '//api/departments',
    '/api//departments',
    '/./api/departments',
    '/x/../api/departments',
    '/API/departments',
    '/api/departments/',
    '/api/departments;x',
  ];

  it.each(spellings)('%s: no session, no data', async (url) => {
    const res = await ctx.request('GET', url);
    expect([401, 404]).toContain(res.status);
    expect(JSON.stringify(res.body)).not.toContain('经开区建设局');
  });

  it.each(spellings)(
    '%s: a write without the CSRF token is refused, nothing written',
    async (url) => {
      const before = await written();
      const res = await ctx.request('POST', url, {
        as: admin,
        headers: { 'x-csrf-token': 'wrong' },
        body: { name: `绕过${w.seq()}`, regionCode: '410171' },
      });
      expect([403, 404]).toContain(res.status);
      expect(await written()).toBe(before);
    },
  );

  it('the router does take an escaped path for the route, so the check must hold there', async () => {
    // proves the spelling reaches the handler: with a valid session it works
    const res = await ctx.request('GET', '/%61pi/departments', { as: admin });
    expect(res.status).toBe(200);
    const refused = await ctx.request('GET', '/%61pi/departments');
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('UNAUTHENTICATED');
  });
});

describe('security headers', () => {
  it('API answers: no-store, a data-only CSP, nosniff, no framing', async () => {
    for (const [url, as] of [
      ['/api/departments', admin],
      ['/api/departments', undefined],
      ['/api/nope', admin],
    ] as const) {
      const res = await ctx.request('GET', url, as ? { as } : {});
      expect(res.headers['cache-control'], url).toBe('no-store');
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
    const exported = await ctx.request('GET', '/api/projects/export', { as: admin });
    expect(exported.status).toBe(200);
    expect(exported.headers['cache-control']).toBe('no-store');
  });

  it('a ticket photo: sandboxed, typed, not sniffed, a safe file name', async () => {
    const { url } = await routeSpecs['GET /api/tickets/:id/photos/:photoId']!.build(w, admin);
    const id = Number(url.split('/').pop());
    await ctx.db
      .updateTable('ticket_photos')
      .set({ filename: '现场"照片"\r\n; x=1.png' })
      .where('id', '=', id)
      .execute();
    const res = await ctx.request('GET', url, { as: admin });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const disposition = String(res.headers['content-disposition']);
    expect(disposition).toMatch(/^inline; filename="file\.png"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toBe('现场_照片___; x=1.png');
  });

  it('Content-Disposition: ASCII names kept, others with an ASCII fallback, quotes never raw', () => {
    expect(contentDisposition('inline', 'a.png')).toBe(
      `inline; filename="a.png"; filename*=UTF-8''a.png`,
    );
    expect(contentDisposition('attachment', "现场(1)'s.jpg")).toBe(
      `attachment; filename="file.jpg"; filename*=UTF-8''%E7%8E%B0%E5%9C%BA%281%29%27s.jpg`,
    );
    expect(contentDisposition('inline', 'a"b\\c.png')).toBe(
      `inline; filename="a_b_c.png"; filename*=UTF-8''a_b_c.png`,
    );
  });
});

describe('the web pages and the API docs', () => {
  let xm: Xiangmu;
  let publicDocs: Xiangmu;
  const drops: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    const dist = mkdtempSync(join(tmpdir(), 'xm-web-'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>项目为王</title>');
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    const start = async (o: { secureCookies: boolean; publicDocs: boolean }) => {
      const database = await freshDatabase();
      drops.push(database.drop);
      return createXiangmu({
        database: { url: database.url, poolSize: 2 },
        logger: pino({ level: 'silent' }),
        demoSeed: false,
        runWorker: false,
        webDist: dist,
        ...o,
      });
    };
    xm = await start({ secureCookies: true, publicDocs: false });
    publicDocs = await start({ secureCookies: false, publicDocs: true });
  });
  afterAll(async () => {
    await xm?.close();
    await publicDocs?.close();
    for (const drop of drops) await drop();
  });

  it('HTML pages carry the CSP; HSTS behind HTTPS only; assets stay cacheable', async () => {
    for (const url of ['/', '/projects/1', '/login']) {
      const res = await xm.app.inject({ url });
      expect(res.statusCode).toBe(200);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    }
    const asset = await xm.app.inject({ url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).not.toContain('no-store');
    const plain = await publicDocs.app.inject({ url: '/' });
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    expect(plain.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('/docs needs a session unless XIANGMU_PUBLIC_DOCS=true', async () => {
    for (const url of ['/docs', '/docs/json', '/docs/static/index.html', '/%64ocs/json']) {
      const res = await xm.app.inject({ url });
      expect(res.statusCode, url).toBe(401);
      expect(hasChinese(res.json().message)).toBe(true);
    }
    const login = await xm.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: xm.generatedAdminPassword! },
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    // the first admin must change his password first, docs included
    const blocked = await xm.app.inject({ url: '/docs/json', headers: { cookie } });
    expect(blocked.statusCode).toBe(403);
    await xm.db.updateTable('users').set({ must_change_password: false }).execute();
    await xm.db.deleteFrom('sessions').execute();
    const again = await xm.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: xm.generatedAdminPassword! },
    });
    const fresh = String(again.headers['set-cookie']).split(';')[0]!;
    const doc = await xm.app.inject({ url: '/docs/json', headers: { cookie: fresh } });
    expect(doc.statusCode).toBe(200);
    expect(doc.json().openapi).toMatch(/^3\./);
    const open = await publicDocs.app.inject({ url: '/docs/json' });
    expect(open.statusCode).toBe(200);
    const page = await publicDocs.app.inject({ url: '/docs' });
    expect([200, 302]).toContain(page.statusCode);
  });
});
