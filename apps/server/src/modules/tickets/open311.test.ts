import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, hasChinese, type Session, type TestContext } from '../../test/harness';
import { insertDepartment } from '../users/department.repository';

/** GeoReport v2 as an Open311 client speaks it: form posts, .json paths, [{code, description}] errors. */

let ctx: TestContext;
let admin: Session;
let apiKey: string;
let clientId: number;
let serviceCode: string;

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  ctx.request('POST', '/api/open311/v2/requests.json', {
    rawBody: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });

beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.createUser({ username: 'jk_admin', role: 'district_admin', region: '410171' });
  await ctx.createUser({ username: 'js_admin', role: 'district_admin', region: '410105' });
  admin = await ctx.sessionFor('jk_admin');
  const c = await ctx.request('POST', '/api/open311/clients', {
    as: admin,
    body: { name: '潮河街道视频监控平台', regionCode: '410171561' },
  });
  expect(c.status, JSON.stringify(c.body)).toBe(200);
  apiKey = c.body.apiKey;
  clientId = c.body.id;
  const services = await ctx.request('GET', '/api/open311/v2/services.json');
  serviceCode = services.body.find(
    (x: { service_name: string }) => x.service_name === '占道经营',
  ).service_code;
});
afterAll(() => ctx?.close());

describe('Open311 GeoReport v2', () => {
  it('lists the 有诉即办 and grid categories as services, without a session', async () => {
    const res = await ctx.request('GET', '/api/open311/v2/services.json');
    expect(res.status).toBe(200);
    const names = res.body.map((x: { service_name: string }) => x.service_name);
    expect(names).toEqual(expect.arrayContaining(['帮办代办', '占道经营', '入户走访']));
    expect(names).not.toContain('用地保障'); // enterprise demands go through 包联干部, not Open311
    expect(res.body[0]).toMatchObject({ metadata: false, type: 'realtime' });
    const def = await ctx.request('GET', `/api/open311/v2/services/${serviceCode}.json`);
    expect(def.body).toEqual({ service_code: serviceCode, attributes: [] });
    const xml = await ctx.request('GET', `/api/open311/v2/services/${serviceCode}.xml`);
    expect(xml.status).toBe(400);
    expect(xml.body[0].description).toContain('JSON');
  });

  it('creates a request from a form post with the api_key, and reports its status as the loop goes on', async () => {
    const res = await form({
      api_key: apiKey,
      service_code: serviceCode,
      lat: '34.70',
      long: '113.72',
      address_string: '第三大街与经南五路交叉口',
      description: '摄像头识别：人行道占道经营',
      first_name: '平台',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const id = res.body[0].service_request_id;
    expect(res.body[0].service_notice).toMatch(/工单编号GD\d{14}/);
    const t = await ctx.request('GET', `/api/tickets/${id}`, { as: admin });
    expect(t.body).toMatchObject({
      source: 'grid',
      status: 'submitted',
      regionCode: '410171561',
      level: 'street',
      address: '第三大街与经南五路交叉口',
      createdByName: '接入系统：潮河街道视频监控平台',
    });
    const status = await ctx.request('GET', `/api/open311/v2/requests/${id}.json`);
    expect(status.body[0]).toMatchObject({
      service_request_id: id,
      status: 'open',
      lat: 34.7,
      long: 113.72,
    });
    expect(JSON.stringify(status.body)).not.toContain('平台'); // no requester name in public status

    const dept = await insertDepartment(ctx.db, { name: '经开区城管局', region_code: '410171' });
    const step = async (action: string, body: Record<string, unknown> = {}) => {
      const cur = await ctx.request('GET', `/api/tickets/${id}`, { as: admin });
      const r = await ctx.request('POST', `/api/tickets/${id}/${action}`, {
        as: admin,
        body: { version: cur.body.version, ...body },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    await step('accept');
    await step('dispatch', { departmentId: dept.id });
    await step('start');
    await step('reply', { reply: '已劝离，恢复通行' });
    await step('close');
    const closed = await ctx.request(
      'GET',
      `/api/open311/v2/requests.json?service_request_id=${id}`,
    );
    expect(closed.body[0]).toMatchObject({
      status: 'closed',
      status_notes: '已劝离，恢复通行',
      agency_responsible: '经开区城管局',
    });
  });

  it('one ticket for a request sent twice with the same Idempotency-Key', async () => {
    const fields = {
      api_key: apiKey,
      service_code: serviceCode,
      address_string: '经南八路',
      description: '重复推送的告警',
    };
    const a = await form(fields, { 'idempotency-key': 'camera-alert-778899' });
    const b = await form(fields, { 'idempotency-key': 'camera-alert-778899' });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const same = await ctx.db
      .selectFrom('tickets')
      .select('id')
      .where('idempotency_key', '=', 'camera-alert-778899')
      .execute();
    expect(same).toHaveLength(1);
    expect(b.body[0].service_request_id).toBe(a.body[0].service_request_id);
  });

  it('refuses a wrong or revoked key, a missing location and bad fields in GeoReport form, creating nothing', async () => {
    const count = async () =>
      Number(
        (
          await ctx.db
            .selectFrom('tickets')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const cases: [Record<string, string>, number][] = [
      [{ api_key: 'wrong', service_code: serviceCode, address_string: 'x', description: 'y' }, 403],
      [{ service_code: serviceCode, address_string: 'x', description: 'y' }, 403],
      [{ api_key: apiKey, service_code: serviceCode, description: '没有位置' }, 400],
      [{ api_key: apiKey, service_code: '99999', address_string: 'x', description: 'y' }, 400],
      [
        {
          api_key: apiKey,
          service_code: serviceCode,
          address_string: 'x',
          description: '<img src=x>',
        },
        400,
      ],
      [
        { api_key: apiKey, service_code: serviceCode, lat: 'north', long: '113', description: 'y' },
        400,
      ],
      [
        {
          api_key: apiKey,
          service_code: serviceCode,
          address_string: 'x',
          description: 'y',
          jurisdiction_id: '410105',
        },
        403,
      ],
    ];
    for (const [fields, status] of cases) {
      const res = await form(fields);
      expect(res.status, JSON.stringify([fields, res.body])).toBe(status);
      expect(Array.isArray(res.body)).toBe(true);
      expect(res.body[0].code).toBe(status);
      expect(hasChinese(res.body[0].description)).toBe(true);
    }
    const revoke = await ctx.request('POST', `/api/open311/clients/${clientId}/revoke`, {
      as: admin,
    });
    expect(revoke.status).toBe(200);
    const revoked = await form({
      api_key: apiKey,
      service_code: serviceCode,
      address_string: 'x',
      description: 'y',
    });
    expect(revoked.status).toBe(403);
    expect(await count()).toBe(before);
  });

  it('the clients are kept per region: another district neither sees nor revokes them', async () => {
    const js = await ctx.sessionFor('js_admin');
    const list = await ctx.request('GET', '/api/open311/clients', { as: js });
    expect(list.body.map((c: { id: number }) => c.id)).not.toContain(clientId);
    const res = await ctx.request('POST', `/api/open311/clients/${clientId}/revoke`, { as: js });
    expect(res.body.code).toBe('REGION_OUT_OF_SCOPE');
  });
});
