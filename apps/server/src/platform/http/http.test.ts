import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXiangmu, type Xiangmu } from '../../bootstrap';
import { createTestContext, type TestContext } from '../../test/harness';
import { loadConfig } from '../config/config';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx?.close());

describe('health and API docs', () => {
  it('GET /healthz answers without a session', async () => {
    const res = await ctx.request('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves OpenAPI built from the same zod schemas, with every route', async () => {
    // behind login by default (hardening.test.ts has the rest)
    await ctx.createUser({ username: 'docs_reader', role: 'viewer', region: '410100' });
    const as = await ctx.sessionFor('docs_reader');
    expect((await ctx.request('GET', '/docs/json')).status).toBe(401);
    const res = await ctx.request('GET', '/docs/json', { as });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/users', '/api/users/{id}', '/api/audit']),
    );
    const login = res.body.paths['/api/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema.required).toEqual([
      'username',
      'password',
    ]);
    const page = await ctx.request('GET', '/docs', { as });
    expect([200, 302]).toContain(page.status);
  });
});

describe('configuration', () => {
  it('fails fast with a Chinese message on a bad value', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/配置错误[\s\S]*PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
    expect(loadConfig({}).port).toBe(3000);
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ XIANGMU_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16' }).trustProxy).toEqual([
      '10.0.0.1',
      '192.168.0.0/16',
    ]);
    expect(() => loadConfig({ XIANGMU_TRUST_PROXY: '10.0.0.300' })).toThrow(/XIANGMU_TRUST_PROXY/);
    expect(() => loadConfig({ XIANGMU_TRUST_PROXY: '3' })).toThrow(/代理地址/);
  });
});

describe('web UI serving', () => {
  let xm: Xiangmu;
  beforeAll(async () => {
    const dist = mkdtempSync(join(tmpdir(), 'xm-web-'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>项目为王</title>');
    xm = await createXiangmu({
      database: {},
      logger: pino({ level: 'silent' }),
      demoSeed: false,
      secureCookies: true,
      runWorker: false,
      webDist: dist,
    });
  });
  afterAll(() => xm?.close());

  it('serves the single-page app for UI paths and keeps API 404s', async () => {
    for (const url of ['/', '/admin/users', '/login']) {
      const res = await xm.app.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('项目为王');
    }
    const api = await xm.app.inject({ url: '/api/nope', headers: {} });
    expect(api.statusCode).toBe(401);
  });

  it('marks the session cookie Secure behind HTTPS', async () => {
    const res = await xm.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: xm.generatedAdminPassword! },
    });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['set-cookie'])).toContain('Secure');
  });
});
