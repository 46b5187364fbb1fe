// Route-table entries of the ticket engine, the enterprise registry and
// Open311 (see RouteSpec in route-specs.ts).
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { creditCodeCheckChar, type Role } from '@xiangmu/contracts';
import { OWN, OWN_STREET, type Session } from './harness';
import type { RouteSpec, World } from './route-specs';
import { tinyPng } from './route-specs.reports';

const admins: readonly Role[] = ['city_admin', 'district_admin'];
const everyone: readonly Role[] = [
  'city_admin',
  'district_admin',
  'unit_officer',
  'leader',
  'viewer',
  'grid_worker',
  'enterprise',
];
const actors = everyone.filter((r) => r !== 'viewer');

const creditCodeOf = (n: number) => {
  const base = `91410100MA9Q${String(n).padStart(5, '0')}`;
  return base + creditCodeCheckChar(base);
};

interface TicketFixtures {
  enterpriseId: number;
  /** an enterprise demand of the fixture enterprise (cadre: own leader), dispatched to OWN's unit */
  targetTicketId: number;
  targetNumber: string;
  /** a grid event in OWN */
  gridTicketId: number;
  open311Key: string;
  open311ClientId: number;
  open311TicketId: number;
  category: Record<string, number>;
}

const fixtures = new WeakMap<World, Promise<TicketFixtures>>();

async function as(w: World, role: Role): Promise<Session> {
  return w.ctx.sessionFor(w.cast.own[role]);
}

async function call(
  w: World,
  method: string,
  url: string,
  body?: Record<string, unknown>,
  role: Role = 'city_admin',
) {
  const res = await w.ctx.request(method, url, { as: await as(w, role), body });
  if (res.status !== 200)
    throw new Error(`ticket fixture ${method} ${url}: ${JSON.stringify(res.body)}`);
  return res.body;
}

async function step(w: World, id: number, action: string, body: Record<string, unknown> = {}) {
  const { version } = await w.ctx.db
    .selectFrom('tickets')
    .select('version')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return call(w, 'POST', `/api/tickets/${id}/${action}`, { version, ...body });
}

export function ticketFixtures(w: World): Promise<TicketFixtures> {
  let f = fixtures.get(w);
  if (!f) {
    f = (async () => {
      const db = w.ctx.db;
      const cats = await db.selectFrom('ticket_categories').select(['id', 'name']).execute();
      const category = Object.fromEntries(cats.map((c) => [c.name, c.id]));
      const code = creditCodeOf(0);
      await db
        .updateTable('users')
        .set({ credit_code: code })
        .where('username', '=', w.cast.own.enterprise)
        .execute();
      const leader = await db
        .selectFrom('users')
        .select('id')
        .where('username', '=', w.cast.own.leader)
        .executeTakeFirstOrThrow();
      const e = await call(w, 'POST', '/api/enterprises', {
        creditCode: code,
        name: '目标企业有限公司',
        industry: '汽车',
        regionCode: OWN,
        size: 'large',
        cadreUserId: leader.id,
      });
      const target = await call(w, 'POST', '/api/tickets', {
        source: 'enterprise',
        categoryId: category['用电用能'],
        title: '目标诉求',
        description: '目标企业的诉求',
        enterpriseId: e.id,
      });
      await step(w, target.id, 'dispatch', { departmentId: w.cast.departmentOwn });
      const grid = await call(w, 'POST', '/api/tickets', {
        source: 'grid',
        categoryId: category['占道经营'],
        title: '目标网格事件',
        description: '网格事件',
        regionCode: OWN_STREET,
      });
      const client = await call(w, 'POST', '/api/open311/clients', {
        name: '目标接入系统',
        regionCode: OWN,
      });
      const submitted = await w.ctx.request('POST', '/api/open311/v2/requests.json', {
        body: {
          api_key: client.apiKey,
          service_code: String(category['占道经营']),
          address_string: '经南五路',
          description: '接入系统推送',
        },
      });
      return {
        enterpriseId: e.id,
        targetTicketId: target.id,
        targetNumber: target.number,
        gridTicketId: grid.id,
        open311Key: client.apiKey,
        open311ClientId: client.id,
        open311TicketId: Number(submitted.body[0].service_request_id),
        category,
      };
    })();
    fixtures.set(w, f);
  }
  return f;
}

type Stage = 'submitted' | 'accepted' | 'dispatched' | 'handling' | 'replied';

/**
 * A new ticket in OWN at `stage`, dispatched to OWN's unit from 'dispatched'
 * on, registered in the caller's name so that every role may see it (each
 * role's share of the tickets is tested in tickets.test.ts).
 */
async function freshTicket(w: World, caller: Session, stage: Stage): Promise<number> {
  const f = await ticketFixtures(w);
  const t =
    stage === 'submitted'
      ? await call(
          w,
          'POST',
          '/api/tickets',
          {
            source: 'grid',
            categoryId: f.category['乱停乱放'],
            title: `待受理${w.seq()}`,
            description: '网格上报',
            regionCode: OWN_STREET,
          },
          'grid_worker',
        )
      : await call(w, 'POST', '/api/tickets', {
          source: 'grid',
          categoryId: f.category['乱停乱放'],
          title: `工单${w.seq()}`,
          description: '登记',
          regionCode: OWN_STREET,
        });
  const order: Stage[] = ['submitted', 'accepted', 'dispatched', 'handling', 'replied'];
  const at = order.indexOf(stage);
  if (at >= 2) await step(w, t.id, 'dispatch', { departmentId: w.cast.departmentOwn });
  if (at >= 3) await step(w, t.id, 'start');
  if (at >= 4) await step(w, t.id, 'reply', { reply: '已办理' });
  await w.ctx.db
    .updateTable('tickets')
    .set({ created_by: caller.userId })
    .where('id', '=', t.id)
    .execute();
  return t.id;
}

const version = async (w: World, id: number) =>
  (
    await w.ctx.db
      .selectFrom('tickets')
      .select('version')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  ).version;

const itemStep = (
  action: string,
  roles: readonly Role[],
  stage: Stage,
  body: (w: World) => Promise<Record<string, unknown>> | Record<string, unknown>,
  audit: string,
  freeText?: string[],
): RouteSpec => ({
  kind: 'item',
  roles,
  build: async (w, caller) => {
    const id = await freshTicket(w, caller, stage);
    return {
      url: `/api/tickets/${id}/${action}`,
      body: { ...(await body(w)), version: await version(w, id) },
    };
  },
  audit,
  ...(freeText ? { freeText } : {}),
});

const ids = (b: { items: { id: number }[] }) => b.items.map((t) => t.id);
const hasTarget = async (b: { items: { id: number }[] }, w: World) => {
  const f = await ticketFixtures(w);
  return ids(b).includes(f.targetTicketId) || ids(b).includes(f.gridTicketId);
};

/** the request body a role may send: a source it may register, in OWN */
async function createBody(w: World, caller: Session) {
  const f = await ticketFixtures(w);
  const role = (
    await w.ctx.db
      .selectFrom('users')
      .select(['role'])
      .where('id', '=', caller.userId)
      .executeTakeFirstOrThrow()
  ).role;
  const common = { title: `新工单${w.seq()}`, description: '诉求内容', regionCode: OWN };
  switch (role) {
    case 'grid_worker':
      return {
        ...common,
        source: 'grid',
        categoryId: f.category['占道经营'],
        regionCode: OWN_STREET,
      };
    case 'enterprise': {
      // his company, registered in OWN under his credit code (given one if he has none)
      const user = await w.ctx.db
        .selectFrom('users')
        .select('credit_code')
        .where('id', '=', caller.userId)
        .executeTakeFirstOrThrow();
      const code = user.credit_code ?? creditCodeOf(caller.userId);
      if (!user.credit_code)
        await w.ctx.db
          .updateTable('users')
          .set({ credit_code: code })
          .where('id', '=', caller.userId)
          .execute();
      const found = await w.ctx.db
        .selectFrom('enterprises')
        .select('id')
        .where('credit_code', '=', code)
        .executeTakeFirst();
      if (!found)
        await w.ctx.db
          .insertInto('enterprises')
          .values({
            credit_code: code,
            name: `企业${caller.userId}`,
            industry: '汽车',
            region_code: OWN,
            size: 'small',
            address: '',
            contact_name: '',
            contact_phone: '',
            cadre_user_id: null,
          })
          .execute();
      return { ...common, source: 'enterprise', categoryId: f.category['用工招聘'] };
    }
    case 'leader':
      return {
        ...common,
        source: 'enterprise',
        categoryId: f.category['用工招聘'],
        enterpriseId: f.enterpriseId,
      };
    default:
      return {
        ...common,
        source: 'request',
        categoryId: f.category['帮办代办'],
        requesterName: '张三',
        requesterPhone: '13800000000',
      };
  }
}

export const ticketRouteSpecs: Record<string, RouteSpec> = {
  'GET /api/tickets/categories': {
    kind: 'global',
    roles: everyone,
    build: async () => ({ url: '/api/tickets/categories' }),
  },
  'POST /api/tickets/categories': {
    kind: 'global',
    roles: ['city_admin'],
    build: async (w) => ({
      url: '/api/tickets/categories',
      body: {
        source: 'request',
        name: `新类别${w.seq()}`,
        timeLimit: { value: 2, unit: 'working_days' },
      },
    }),
    audit: 'ticket.category_created',
  },
  'PATCH /api/tickets/categories/:id': {
    kind: 'global',
    roles: ['city_admin'],
    build: async (w) => {
      const c = await w.ctx.db
        .insertInto('ticket_categories')
        .values({ source: 'grid', name: `待改类别${w.seq()}`, limit_value: 4, limit_unit: 'hours' })
        .returning(['id', 'version'])
        .executeTakeFirstOrThrow();
      return {
        url: `/api/tickets/categories/${c.id}`,
        body: {
          name: `改后类别${w.seq()}`,
          timeLimit: { value: 8, unit: 'hours' },
          version: c.version,
        },
      };
    },
    audit: 'ticket.category_updated',
  },
  'POST /api/tickets': {
    kind: 'item',
    roles: actors,
    build: async (w, caller) => ({ url: '/api/tickets', body: await createBody(w, caller) }),
    audit: 'ticket.created',
    freeText: ['title', 'description'],
  },
  'GET /api/tickets': {
    kind: 'list',
    roles: everyone,
    build: async (w) => {
      await ticketFixtures(w);
      return { url: '/api/tickets?pageSize=200' };
    },
    containsOwn: hasTarget,
  },
  'GET /api/tickets/queue': {
    kind: 'list',
    roles: actors,
    build: async (w) => {
      await ticketFixtures(w);
      return { url: '/api/tickets/queue?tab=all&pageSize=200' };
    },
    containsOwn: hasTarget,
  },
  'GET /api/tickets/stats': {
    kind: 'list',
    roles: ['city_admin', 'district_admin', 'leader', 'viewer'],
    build: async (w) => {
      await ticketFixtures(w);
      return { url: '/api/tickets/stats' };
    },
    containsOwn: (b, w) =>
      b.units.some(
        (u: { departmentId: number; received: number }) =>
          u.departmentId === w.cast.departmentOwn && u.received > 0,
      ),
  },
  'GET /api/tickets/export': {
    kind: 'list',
    roles: ['city_admin', 'district_admin', 'unit_officer', 'leader', 'viewer'],
    build: async (w) => {
      await ticketFixtures(w);
      return { url: '/api/tickets/export?source=enterprise' };
    },
    containsOwn: async (_b, w, raw) => {
      const f = await ticketFixtures(w);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(raw as unknown as ArrayBuffer);
      const numbers: string[] = [];
      wb.getWorksheet('工单台账')!.eachRow((row, i) => {
        if (i > 2) numbers.push(String(row.getCell(1).value));
      });
      return numbers.includes(f.targetNumber);
    },
  },
  'GET /api/tickets/:id': {
    kind: 'item',
    roles: everyone,
    build: async (w, caller) => ({
      url: `/api/tickets/${await freshTicket(w, caller, 'dispatched')}`,
    }),
  },
  'GET /api/problems/:id': {
    kind: 'item',
    roles: everyone,
    // a problem of the old ledger: its ticket carries the old id (migration 0016)
    build: async (w, caller) => {
      const id = await freshTicket(w, caller, 'dispatched');
      await sql`update tickets set legacy_problem_id = ${id + 1_000_000} where id = ${id}`.execute(
        w.ctx.db,
      );
      return { url: `/api/problems/${id + 1_000_000}` };
    },
  },
  'POST /api/tickets/:id/accept': itemStep(
    'accept',
    admins,
    'submitted',
    () => ({ note: '受理' }),
    'ticket.accepted',
    ['note'],
  ),
  'POST /api/tickets/:id/dispatch': itemStep(
    'dispatch',
    admins,
    'accepted',
    (w) => ({ departmentId: w.cast.departmentOwn, note: '请办理' }),
    'ticket.dispatched',
    ['note'],
  ),
  'POST /api/tickets/:id/return': itemStep(
    'return',
    ['city_admin', 'district_admin', 'unit_officer'],
    'dispatched',
    () => ({ reason: '不属于本单位职责' }),
    'ticket.returned',
    ['reason'],
  ),
  'POST /api/tickets/:id/start': itemStep(
    'start',
    ['city_admin', 'district_admin', 'unit_officer'],
    'dispatched',
    () => ({}),
    'ticket.started',
  ),
  'POST /api/tickets/:id/reply': itemStep(
    'reply',
    ['city_admin', 'district_admin', 'unit_officer'],
    'handling',
    () => ({ reply: '已办结' }),
    'ticket.replied',
    ['reply'],
  ),
  'POST /api/tickets/:id/rate': itemStep(
    'rate',
    actors,
    'replied',
    () => ({ rating: 'satisfied', comment: '很好' }),
    'ticket.rated',
    ['comment'],
  ),
  'POST /api/tickets/:id/close': itemStep(
    'close',
    ['city_admin', 'district_admin', 'grid_worker'],
    'replied',
    () => ({ note: '办结' }),
    'ticket.closed',
    ['note'],
  ),
  'POST /api/tickets/:id/reassign': itemStep(
    'reassign',
    admins,
    'dispatched',
    (w) => ({ departmentId: w.cast.departmentOwn, note: '改由本单位办理' }),
    'ticket.reassigned',
    ['note'],
  ),
  'POST /api/tickets/:id/merge': {
    kind: 'item',
    roles: admins,
    build: async (w, caller) => {
      const id = await freshTicket(w, caller, 'accepted');
      const into = await freshTicket(w, caller, 'accepted');
      return {
        url: `/api/tickets/${id}/merge`,
        body: { intoTicketId: into, version: await version(w, id) },
      };
    },
    audit: 'ticket.merged',
  },
  'POST /api/tickets/:id/supervise': itemStep(
    'supervise',
    admins,
    'dispatched',
    () => ({ note: '请加快办理' }),
    'ticket.supervised',
    ['note'],
  ),
  'POST /api/tickets/:id/photos': {
    kind: 'item',
    roles: actors,
    build: async (w, caller) => ({
      url: `/api/tickets/${await freshTicket(w, caller, 'dispatched')}/photos?filename=现场.png`,
      upload: tinyPng(),
    }),
    audit: 'ticket.photo_uploaded',
  },
  'GET /api/tickets/:id/photos/:photoId': {
    kind: 'item',
    roles: everyone,
    build: async (w, caller) => {
      const id = await freshTicket(w, caller, 'dispatched');
      const p = await w.ctx.db
        .insertInto('ticket_photos')
        .values({
          ticket_id: id,
          filename: 'a.png',
          content_type: 'image/png',
          size: tinyPng().length,
          sha256: 'x',
          data: tinyPng(),
          uploaded_by: null,
          uploader_name: '测试',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { url: `/api/tickets/${id}/photos/${p.id}` };
    },
  },
  'GET /api/enterprises': {
    kind: 'list',
    roles: ['city_admin', 'district_admin', 'unit_officer', 'leader', 'viewer'],
    build: async (w) => {
      await ticketFixtures(w);
      return { url: '/api/enterprises?pageSize=200' };
    },
    containsOwn: async (b, w) => ids(b).includes((await ticketFixtures(w)).enterpriseId),
  },
  'POST /api/enterprises': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({
      url: '/api/enterprises',
      body: {
        creditCode: creditCodeOf(50_000 + w.seq()),
        name: `新登记企业${w.seq()}`,
        industry: '电子信息',
        regionCode: OWN,
        size: 'medium',
        address: '经开区第九大街',
        contactName: '李四',
        contactPhone: '13900000000',
      },
    }),
    audit: 'enterprise.created',
    freeText: ['address'],
  },
  'PATCH /api/enterprises/:id': {
    kind: 'item',
    roles: admins,
    build: async (w) => {
      const f = await ticketFixtures(w);
      const e = await w.ctx.db
        .selectFrom('enterprises')
        .select('version')
        .where('id', '=', f.enterpriseId)
        .executeTakeFirstOrThrow();
      return {
        url: `/api/enterprises/${f.enterpriseId}`,
        body: { industry: '新能源汽车', version: e.version },
      };
    },
    audit: 'enterprise.updated',
  },
  'GET /api/open311/clients': {
    kind: 'list',
    roles: admins,
    build: async (w) => {
      await ticketFixtures(w);
      return { url: '/api/open311/clients' };
    },
    containsOwn: async (b, w) => {
      const f = await ticketFixtures(w);
      return (b as { id: number }[]).some((c) => c.id === f.open311ClientId);
    },
  },
  'POST /api/open311/clients': {
    kind: 'item',
    roles: admins,
    build: async (w) => ({
      url: '/api/open311/clients',
      body: { name: `接入系统${w.seq()}`, regionCode: OWN },
    }),
    audit: 'integration.client_created',
  },
  'POST /api/open311/clients/:id/revoke': {
    kind: 'item',
    roles: admins,
    build: async (w) => {
      const c = await w.ctx.db
        .insertInto('open311_clients')
        .values({
          name: `待停用${w.seq()}`,
          region_code: OWN,
          key_hash: `hash-${w.seq()}-${Math.random()}`,
          created_by_name: '测试',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { url: `/api/open311/clients/${c.id}/revoke` };
    },
    audit: 'integration.client_revoked',
  },
  'GET /api/open311/v2/services.json': {
    kind: 'public',
    roles: everyone,
    build: async () => ({ url: '/api/open311/v2/services.json' }),
  },
  'GET /api/open311/v2/services/:code': {
    kind: 'public',
    roles: everyone,
    build: async (w) => ({
      url: `/api/open311/v2/services/${(await ticketFixtures(w)).category['占道经营']}.json`,
    }),
  },
  'POST /api/open311/v2/requests.json': {
    kind: 'public',
    roles: everyone,
    build: async (w) => {
      const f = await ticketFixtures(w);
      return {
        url: '/api/open311/v2/requests.json',
        body: {
          api_key: f.open311Key,
          service_code: String(f.category['占道经营']),
          address_string: '经北一路',
          description: '接入系统推送的事件',
        },
      };
    },
    audit: 'ticket.created',
    freeText: ['description', 'address_string'],
  },
  'GET /api/open311/v2/requests.json': {
    kind: 'public',
    roles: everyone,
    build: async (w) => ({
      url: `/api/open311/v2/requests.json?service_request_id=${(await ticketFixtures(w)).open311TicketId}`,
    }),
  },
  'GET /api/open311/v2/requests/:id': {
    kind: 'public',
    roles: everyone,
    build: async (w) => ({
      url: `/api/open311/v2/requests/${(await ticketFixtures(w)).open311TicketId}.json`,
    }),
  },
};
