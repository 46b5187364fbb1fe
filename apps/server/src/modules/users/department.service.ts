import type { Department } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { recordAudit, recordAudits } from '../audit';
import { auditActorOf, type Actor, type AuditActor } from '../access';
import { assertCan } from '../access';
import { getRegionInScope } from '../regions';
import { assertPathInScope } from '../access';
import * as repo from './department.repository';

const present = (d: repo.DepartmentRow): Department => ({
  id: d.id,
  name: d.name,
  regionCode: d.region_code,
  regionName: d.region_name,
  userCount: Number(d.user_count ?? 0),
  version: d.version,
});

export async function listDepartments(
  db: Db,
  actor: Actor,
  q: { regionCode?: string | undefined; q?: string | undefined },
) {
  assertCan(actor, 'department.read');
  if (q.regionCode) await getRegionInScope(db, actor, q.regionCode);
  return (await repo.listDepartments(db, { scopePath: actor.scopePath, ...q })).map(present);
}

/** A department the actor may see, or REGION_OUT_OF_SCOPE / DEPARTMENT_NOT_FOUND. */
export async function getDepartmentInScope(db: Db, actor: Actor, id: number): Promise<Department> {
  const d = await repo.findDepartment(db, id);
  if (!d) throw new DomainError('DEPARTMENT_NOT_FOUND');
  assertPathInScope(actor, d.region_path);
  return present(d);
}

export async function createDepartment(
  db: Db,
  actor: Actor,
  input: { name: string; regionCode: string },
) {
  assertCan(actor, 'department.manage');
  return db.transaction().execute(async (trx) => {
    await getRegionInScope(trx, actor, input.regionCode);
    if (await repo.departmentNameTaken(trx, input.regionCode, input.name))
      throw new DomainError('DEPARTMENT_NAME_TAKEN');
    const { id } = await repo.insertDepartment(trx, {
      name: input.name,
      region_code: input.regionCode,
    });
    const created = present((await repo.findDepartment(trx, id))!);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'department.created',
      entityType: 'department',
      entityId: id,
      regionCode: input.regionCode,
      after: created,
    });
    return created;
  });
}

export async function updateDepartment(
  db: Db,
  actor: Actor,
  id: number,
  input: { name: string; version: number },
) {
  assertCan(actor, 'department.manage');
  return db.transaction().execute(async (trx) => {
    const before = await getDepartmentInScope(trx, actor, id);
    if (before.version !== input.version)
      throw new DomainError('VERSION_CONFLICT', { current: before });
    if (await repo.departmentNameTaken(trx, before.regionCode, input.name, id))
      throw new DomainError('DEPARTMENT_NAME_TAKEN');
    if (!(await repo.renameDepartment(trx, id, input.name, input.version)))
      throw new DomainError('VERSION_CONFLICT', { current: before });
    const after = present((await repo.findDepartment(trx, id))!);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'department.updated',
      entityType: 'department',
      entityId: id,
      regionCode: after.regionCode,
      before,
      after,
    });
    return after;
  });
}

export async function getDepartment(db: Db, actor: Actor, id: number): Promise<Department> {
  assertCan(actor, 'department.read');
  return getDepartmentInScope(db, actor, id);
}

/** A department with its region path, for rules in other modules (no scope check). */
export const getDepartmentRecord = (db: Db, id: number) => repo.findDepartment(db, id);

/** Every department with its region path, for matching names in imports. */
export const listDepartmentRecords = (db: Db) =>
  db
    .selectFrom('departments')
    .innerJoin('regions', 'regions.code', 'departments.region_code')
    .select(['departments.id', 'departments.name', 'regions.path as region_path'])
    .execute();

/**
 * The departments an import names that do not exist yet, created in the
 * import's region inside its transaction, each audited; returns every name's id.
 */
export async function ensureDepartments(
  trx: Db,
  who: AuditActor,
  regionCode: string,
  names: string[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (names.length === 0) return ids;
  const created = await trx
    .insertInto('departments')
    .values(names.map((name) => ({ name, region_code: regionCode })))
    .onConflict((oc) => oc.columns(['region_code', 'name']).doNothing())
    .returning(['id', 'name'])
    .execute();
  await recordAudits(
    trx,
    who,
    created.map((d) => ({
      action: 'department.created',
      entityType: 'department',
      entityId: d.id,
      regionCode,
      after: { name: d.name, regionCode, source: '导入新建' },
    })),
  );
  const all = await trx
    .selectFrom('departments')
    .select(['id', 'name'])
    .where('region_code', '=', regionCode)
    .where('name', 'in', names)
    .execute();
  for (const d of all) ids.set(d.name, d.id);
  return ids;
}
