import type { AuditEntry } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import type { AuditActor } from '../access';
import type { Actor } from '../access';
import { assertCan } from '../access';
import { insertAudits, listAudit, type AuditFilter } from './audit.repository';

export interface AuditRecord {
  action: string;
  entityType: string;
  entityId?: string | number | null;
  regionCode?: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * Writes one audit row. Call it with the same transaction as the write it
 * describes, so a write without its audit row cannot commit.
 */
export async function recordAudit(db: Db, who: AuditActor, r: AuditRecord): Promise<void> {
  await recordAudits(db, who, [r]);
}

/** One audit row per record, in one statement: for a job's batch, same transaction. */
export async function recordAudits(db: Db, who: AuditActor, rs: AuditRecord[]): Promise<void> {
  await insertAudits(
    db,
    rs.map((r) => ({
      actorId: who.userId,
      actorName: who.name,
      action: r.action,
      entityType: r.entityType,
      entityId: r.entityId === undefined || r.entityId === null ? null : String(r.entityId),
      regionCode: r.regionCode ?? null,
      before: r.before,
      after: r.after,
      ip: who.ip,
    })),
  );
}

export async function listAuditEntries(
  db: Db,
  actor: Actor,
  query: Omit<AuditFilter, 'scopePath'>,
): Promise<{ items: AuditEntry[]; total: number }> {
  assertCan(actor, 'audit.read');
  const { items, total } = await listAudit(db, { ...query, scopePath: actor.scopePath });
  return {
    total,
    items: items.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actorId: r.actor_id,
      actorName: r.actor_name,
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      regionCode: r.region_code,
      before: r.before,
      after: r.after,
      ip: r.ip,
    })),
  };
}
