import type { Db } from '../../platform/database/db';
import { escapeLike, regionScopeFilter } from '../../platform/database/filters';

export interface NewAuditEntry {
  actorId: number | null;
  actorName: string;
  action: string;
  entityType: string;
  entityId: string | null;
  regionCode: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

const row = (e: NewAuditEntry) => ({
  actor_id: e.actorId,
  actor_name: e.actorName,
  action: e.action,
  entity_type: e.entityType,
  entity_id: e.entityId,
  region_code: e.regionCode,
  before: json(e.before),
  after: json(e.after),
  ip: e.ip,
});

/** one statement for one row or a job's batch */
export async function insertAudits(db: Db, entries: NewAuditEntry[]): Promise<void> {
  if (entries.length > 0) await db.insertInto('audit_log').values(entries.map(row)).execute();
}

export interface AuditFilter {
  scopePath: string;
  actor?: string | undefined;
  action?: string | undefined;
  entityType?: string | undefined;
  regionCode?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  page: number;
  pageSize: number;
}

export async function listAudit(db: Db, f: AuditFilter) {
  let q = db
    .selectFrom('audit_log')
    // Entries without a region (system-wide) are for the whole city only.
    .where((eb) =>
      f.scopePath.split('/').length <= 2
        ? eb.or([
            eb('region_code', 'is', null),
            regionScopeFilter(f.scopePath, 'audit_log.region_code'),
          ])
        : regionScopeFilter(f.scopePath, 'audit_log.region_code'),
    );
  if (f.actor) q = q.where('actor_name', 'ilike', `%${escapeLike(f.actor)}%`);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.entityType) q = q.where('entity_type', '=', f.entityType);
  if (f.regionCode) q = q.where('region_code', '=', f.regionCode);
  if (f.from) q = q.where('at', '>=', new Date(`${f.from}T00:00:00+08:00`));
  if (f.to)
    q = q.where('at', '<', new Date(new Date(`${f.to}T00:00:00+08:00`).getTime() + 86_400_000));
  const { total } = await q
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const items = await q
    .selectAll()
    .orderBy('id', 'desc')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  return { items, total: Number(total) };
}
