import type {
  CreateEnterpriseRequest,
  Enterprise,
  EnterpriseListQuery,
  UpdateEnterpriseRequest,
} from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { escapeLike } from '../../platform/database/filters';
import { DomainError } from '../../platform/http/domain-error';
import { assertCan, assertPathInScope, auditActorOf, type Actor } from '../access';
import { recordAudit } from '../audit';
import { getRegionInScope } from '../regions';

/**
 * 企业库 for 万人助万企: every enterprise once, by its 统一社会信用代码, with
 * industry, region, size and its 包联干部 (the cadre who collects its demands).
 * An enterprise user is linked to his company by the same code.
 */

function rows(db: Db) {
  return db
    .selectFrom('enterprises as e')
    .innerJoin('regions as r', 'r.code', 'e.region_code')
    .leftJoin('users as u', 'u.id', 'e.cadre_user_id')
    .selectAll('e')
    .select([
      'r.name as region_name',
      'r.path as region_path',
      'u.display_name as cadre_name',
      (eb) =>
        eb
          .selectFrom('tickets')
          .select((x) => x.fn.countAll<string>().as('n'))
          .whereRef('tickets.enterprise_id', '=', 'e.id')
          .where('tickets.closed_at', 'is', null)
          .as('open_tickets'),
    ]);
}
type Row = Awaited<ReturnType<ReturnType<typeof rows>['executeTakeFirstOrThrow']>>;

const present = (r: Row): Enterprise => ({
  id: r.id,
  creditCode: r.credit_code,
  name: r.name,
  industry: r.industry,
  regionCode: r.region_code,
  regionName: r.region_name,
  size: r.size,
  address: r.address,
  contactName: r.contact_name,
  contactPhone: r.contact_phone,
  cadreUserId: r.cadre_user_id,
  cadreName: r.cadre_name,
  openTickets: Number(r.open_tickets ?? 0),
  version: r.version,
});

export async function listEnterprises(db: Db, actor: Actor, q: EnterpriseListQuery) {
  assertCan(actor, 'enterprise.read');
  const scope = q.regionCode
    ? (await getRegionInScope(db, actor, q.regionCode)).path
    : actor.scopePath;
  let query = rows(db).where('r.path', 'like', `${escapeLike(scope)}%`);
  if (q.q) {
    const like = `%${escapeLike(q.q)}%`;
    query = query.where((eb) =>
      eb.or([eb('e.name', 'like', like), eb('e.credit_code', 'like', like)]),
    );
  }
  if (q.mine === 'true') query = query.where('e.cadre_user_id', '=', actor.userId);
  const [items, total] = await Promise.all([
    query
      .orderBy('e.name')
      .orderBy('e.id')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    query
      .clearSelect()
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: items.map(present), total: Number(total.n), page: q.page, pageSize: q.pageSize };
}

/** 包联干部: an active leader, officer or admin of the enterprise's region or above */
async function checkCadre(db: Db, userId: number, enterprisePath: string) {
  const u = await db
    .selectFrom('users')
    .innerJoin('regions as r', 'r.code', 'users.region_code')
    .select(['users.id', 'users.role', 'users.disabled', 'r.path'])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  const ok =
    u &&
    !u.disabled &&
    ['leader', 'unit_officer', 'district_admin', 'city_admin'].includes(u.role) &&
    enterprisePath.startsWith(u.path);
  if (!ok)
    throw new DomainError('CADRE_INVALID', {
      issues: [{ path: 'cadreUserId', message: '包联干部须为企业所在区域或其上级的在用账号' }],
    });
}

export async function createEnterprise(db: Db, actor: Actor, input: CreateEnterpriseRequest) {
  assertCan(actor, 'enterprise.manage');
  return db.transaction().execute(async (trx) => {
    const region = await getRegionInScope(trx, actor, input.regionCode);
    if (input.cadreUserId) await checkCadre(trx, input.cadreUserId, region.path);
    const taken = await trx
      .selectFrom('enterprises')
      .select('id')
      .where('credit_code', '=', input.creditCode)
      .executeTakeFirst();
    if (taken)
      throw new DomainError('ENTERPRISE_CREDIT_CODE_TAKEN', {
        issues: [{ path: 'creditCode', message: '该统一社会信用代码的企业已登记' }],
      });
    const { id } = await trx
      .insertInto('enterprises')
      .values({
        credit_code: input.creditCode,
        name: input.name,
        industry: input.industry,
        region_code: region.code,
        size: input.size,
        address: input.address ?? '',
        contact_name: input.contactName ?? '',
        contact_phone: input.contactPhone ?? '',
        cadre_user_id: input.cadreUserId ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const after = present((await rows(trx).where('e.id', '=', id).executeTakeFirst())!);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'enterprise.created',
      entityType: 'enterprise',
      entityId: id,
      regionCode: region.code,
      after,
    });
    return after;
  });
}

export async function updateEnterprise(
  db: Db,
  actor: Actor,
  id: number,
  input: UpdateEnterpriseRequest,
) {
  assertCan(actor, 'enterprise.manage');
  return db.transaction().execute(async (trx) => {
    const row = await rows(trx).where('e.id', '=', id).forUpdate('e').executeTakeFirst();
    if (!row) throw new DomainError('ENTERPRISE_NOT_FOUND');
    assertPathInScope(actor, row.region_path);
    const before = present(row);
    if (row.version !== input.version)
      throw new DomainError('VERSION_CONFLICT', { current: before });
    const region = input.regionCode
      ? await getRegionInScope(trx, actor, input.regionCode)
      : { code: row.region_code, path: row.region_path };
    const cadre = input.cadreUserId === undefined ? row.cadre_user_id : input.cadreUserId;
    if (cadre) await checkCadre(trx, cadre, region.path);
    await trx
      .updateTable('enterprises')
      .set((eb) => ({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.industry !== undefined ? { industry: input.industry } : {}),
        ...(input.size !== undefined ? { size: input.size } : {}),
        ...(input.address !== undefined ? { address: input.address } : {}),
        ...(input.contactName !== undefined ? { contact_name: input.contactName } : {}),
        ...(input.contactPhone !== undefined ? { contact_phone: input.contactPhone } : {}),
        region_code: region.code,
        cadre_user_id: cadre,
        updated_at: new Date(),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
      .execute();
    const after = present((await rows(trx).where('e.id', '=', id).executeTakeFirst())!);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'enterprise.updated',
      entityType: 'enterprise',
      entityId: id,
      regionCode: region.code,
      before,
      after,
    });
    return after;
  });
}
