import { createHash, randomBytes } from 'node:crypto';
import type { Open311Client } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { escapeLike } from '../../platform/database/filters';
import { DomainError } from '../../platform/http/domain-error';
import { assertCan, assertPathInScope, auditActorOf, type Actor } from '../access';
import { recordAudit } from '../audit';
import { getRegionInScope } from '../regions';
import * as repo from './ticket.repository';
import { createTicket, ticketNumber } from './ticket.service';

/**
 * Open311 GeoReport v2 on top of the ticket engine: existing clients (12345
 * hotlines, camera and AI-alert systems, third-party apps) list the services
 * (our 有诉即办 and 网格事件 categories), submit requests with their api_key
 * and follow their status. https://wiki.open311.org/GeoReport_v2
 */

export const OPEN311_SOURCES = ['request', 'grid'] as const;

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export async function listClients(db: Db, actor: Actor): Promise<Open311Client[]> {
  assertCan(actor, 'open311.manage');
  const rows = await db
    .selectFrom('open311_clients as c')
    .innerJoin('regions as r', 'r.code', 'c.region_code')
    .select([
      'c.id',
      'c.name',
      'c.region_code',
      'r.name as region_name',
      'c.active',
      'c.created_at',
    ])
    .select((eb) =>
      eb
        .selectFrom('tickets')
        .select((x) => x.fn.countAll<string>().as('n'))
        .whereRef('tickets.open311_client_id', '=', 'c.id')
        .as('requests'),
    )
    .where('r.path', 'like', `${escapeLike(actor.scopePath)}%`)
    .orderBy('c.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    regionCode: r.region_code,
    regionName: r.region_name,
    active: r.active,
    createdAt: r.created_at.toISOString(),
    requests: Number(r.requests ?? 0),
  }));
}

/** The api_key is returned once; only its hash is kept. */
export async function createClient(
  db: Db,
  actor: Actor,
  input: { name: string; regionCode: string },
) {
  assertCan(actor, 'open311.manage');
  return db.transaction().execute(async (trx) => {
    const region = await getRegionInScope(trx, actor, input.regionCode);
    const apiKey = `xm311_${randomBytes(24).toString('base64url')}`;
    const who = auditActorOf(actor);
    const row = await trx
      .insertInto('open311_clients')
      .values({
        name: input.name,
        region_code: region.code,
        key_hash: hashKey(apiKey),
        created_by_name: who.name,
      })
      .returning(['id', 'name', 'region_code', 'active', 'created_at'])
      .executeTakeFirstOrThrow();
    const client = {
      id: row.id,
      name: row.name,
      regionCode: row.region_code,
      regionName: region.name,
      active: row.active,
      createdAt: row.created_at.toISOString(),
      requests: 0,
    };
    await recordAudit(trx, who, {
      action: 'integration.client_created',
      entityType: 'open311_client',
      entityId: row.id,
      regionCode: region.code,
      after: client,
    });
    return { ...client, apiKey };
  });
}

export async function revokeClient(db: Db, actor: Actor, id: number) {
  assertCan(actor, 'open311.manage');
  return db.transaction().execute(async (trx) => {
    const c = await trx
      .selectFrom('open311_clients as c')
      .innerJoin('regions as r', 'r.code', 'c.region_code')
      .select(['c.id', 'c.active', 'c.region_code', 'r.path'])
      .where('c.id', '=', id)
      .executeTakeFirst();
    if (!c) throw new DomainError('OPEN311_CLIENT_NOT_FOUND');
    assertPathInScope(actor, c.path);
    await trx.updateTable('open311_clients').set({ active: false }).where('id', '=', id).execute();
    await recordAudit(trx, auditActorOf(actor), {
      action: 'integration.client_revoked',
      entityType: 'open311_client',
      entityId: id,
      regionCode: c.region_code,
      before: { active: c.active },
      after: { active: false },
    });
    return { ok: true as const };
  });
}

async function clientOfKey(db: Db, apiKey: string | undefined) {
  const c = apiKey
    ? await db
        .selectFrom('open311_clients as c')
        .innerJoin('regions as r', 'r.code', 'c.region_code')
        .select(['c.id', 'c.name', 'c.active', 'r.path'])
        .where('c.key_hash', '=', hashKey(apiKey))
        .executeTakeFirst()
    : undefined;
  if (!c || !c.active) throw new DomainError('OPEN311_KEY_INVALID');
  return c;
}

// --- GeoReport v2 -------------------------------------------------------------

export async function listServices(db: Db) {
  const rows = await db
    .selectFrom('ticket_categories')
    .select(['id', 'source', 'name', 'limit_value', 'limit_unit'])
    .where('active', '=', true)
    .where('source', 'in', [...OPEN311_SOURCES])
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    service_code: String(r.id),
    service_name: r.name,
    description: `${r.source === 'grid' ? '网格事件' : '有诉即办'}：${r.name}，办理时限${r.limit_value}${r.limit_unit === 'hours' ? '小时' : '个工作日'}`,
    metadata: false,
    type: 'realtime' as const,
    keywords: r.source === 'grid' ? '网格事件,一网统管' : '有诉即办,帮办代办',
    group: r.source === 'grid' ? '网格事件' : '有诉即办',
  }));
}

async function serviceOf(db: Db, code: string) {
  const id = /^\d{1,9}$/.test(code) ? Number(code) : NaN;
  const c = Number.isNaN(id)
    ? undefined
    : await db
        .selectFrom('ticket_categories')
        .select(['id', 'source', 'name'])
        .where('id', '=', id)
        .where('active', '=', true)
        .where('source', 'in', [...OPEN311_SOURCES])
        .executeTakeFirst();
  if (!c)
    throw new DomainError('TICKET_CATEGORY_NOT_FOUND', {
      message: `服务代码 ${code} 不存在或已停用`,
    });
  return c;
}

export async function serviceDefinition(db: Db, code: string) {
  const c = await serviceOf(db, code);
  return { service_code: String(c.id), attributes: [] as never[] };
}

export interface Open311RequestInput {
  api_key?: string | undefined;
  service_code: string;
  description: string;
  lat?: number | undefined;
  long?: number | undefined;
  address_string?: string | undefined;
  first_name?: string | undefined;
  last_name?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
  jurisdiction_id?: string | undefined;
  idempotency_key?: string | undefined;
}

export async function submitRequest(db: Db, input: Open311RequestInput) {
  const client = await clientOfKey(db, input.api_key);
  const service = await serviceOf(db, input.service_code);
  if (input.lat === undefined && input.long === undefined && !input.address_string)
    throw new DomainError('VALIDATION_FAILED', {
      message: '请提供位置：lat/long 或 address_string',
      issues: [{ path: 'lat', message: '请提供位置：lat/long 或 address_string' }],
    });
  const name = `${input.last_name ?? ''}${input.first_name ?? ''}`.trim();
  const text = input.description.trim();
  const { ticket, created } = await createTicket(
    db,
    { open311: { clientId: client.id, name: client.name, scopePath: client.path } },
    {
      source: service.source,
      categoryId: service.id,
      title: `${service.name}：${text.slice(0, 30)}${text.length > 30 ? '…' : ''}`,
      description: text,
      // the client's own region unless it names one inside it
      regionCode: input.jurisdiction_id ?? client.path.split('/').at(-2)!,
      ...(name ? { requesterName: name } : {}),
      ...(input.phone ? { requesterPhone: input.phone } : {}),
      ...(input.address_string ? { address: input.address_string } : {}),
      ...(input.long !== undefined ? { lng: input.long } : {}),
      ...(input.lat !== undefined ? { lat: input.lat } : {}),
      ...(input.idempotency_key ? { idempotencyKey: input.idempotency_key } : {}),
    },
  );
  return {
    created,
    body: [
      {
        service_request_id: String(ticket.id),
        service_notice: `已收到，工单编号${ticket.number}，办理期限${new Date(Date.parse(ticket.dueAt) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')}`,
        account_id: null,
      },
    ],
  };
}

function presentRequest(r: repo.TicketRow) {
  const closed = r.status === 'closed' || r.status === 'merged';
  return {
    service_request_id: String(r.id),
    status: closed ? ('closed' as const) : ('open' as const),
    status_notes:
      r.status === 'merged'
        ? `重复诉求，已合并到工单${r.merged_into_id}`
        : closed
          ? (r.reply ?? '已办结')
          : `办理中（工单编号${ticketNumber(r.id, r.created_at)}）`,
    service_name: r.category_name,
    service_code: String(r.category_id),
    description: r.description,
    agency_responsible: r.department_name ?? '',
    service_notice: '',
    requested_datetime: r.created_at.toISOString(),
    updated_datetime: r.updated_at.toISOString(),
    expected_datetime: r.due_at.toISOString(),
    address: r.address,
    address_id: '',
    zipcode: '',
    lat: r.lat,
    long: r.lng,
    media_url: '',
  };
}

/**
 * Request status is public in GeoReport v2; here it covers only requests that
 * came in through Open311, and never the requester's name or phone.
 */
export async function requestStatus(
  db: Db,
  q: {
    ids?: number[];
    service_code?: string;
    status?: 'open' | 'closed';
    start_date?: Date;
    end_date?: Date;
  },
) {
  let query = repo.ticketRows(db).where('tickets.open311_client_id', 'is not', null);
  if (q.ids) query = query.where('tickets.id', 'in', q.ids.length > 0 ? q.ids : [-1]);
  if (q.service_code)
    query = query.where('tickets.category_id', '=', (await serviceOf(db, q.service_code)).id);
  if (q.status === 'open') query = query.where('tickets.closed_at', 'is', null);
  if (q.status === 'closed') query = query.where('tickets.closed_at', 'is not', null);
  if (q.start_date) query = query.where('tickets.created_at', '>=', q.start_date);
  if (q.end_date) query = query.where('tickets.created_at', '<=', q.end_date);
  const rows = await query.orderBy('tickets.id', 'desc').limit(1000).execute();
  return rows.map(presentRequest);
}
