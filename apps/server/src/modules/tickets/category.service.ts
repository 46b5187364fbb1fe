import type {
  TicketCategory,
  TicketSource,
  TicketTimeLimit,
  UpdateTicketCategoryRequest,
} from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { assertCan, auditActorOf, type Actor } from '../access';
import { recordAudit } from '../audit';

/** 工单类别 and their time limits: set by the city, read by everyone. */

type Row = {
  id: number;
  source: TicketSource;
  name: string;
  limit_value: number;
  limit_unit: TicketTimeLimit['unit'];
  active: boolean;
  version: number;
};
const present = (r: Row): TicketCategory => ({
  id: r.id,
  source: r.source,
  name: r.name,
  timeLimit: { value: r.limit_value, unit: r.limit_unit },
  active: r.active,
  version: r.version,
});

const fields = ['id', 'source', 'name', 'limit_value', 'limit_unit', 'active', 'version'] as const;

export async function listCategories(db: Db, actor: Actor): Promise<TicketCategory[]> {
  assertCan(actor, 'ticket.read');
  const rows = await db
    .selectFrom('ticket_categories')
    .select(fields)
    .orderBy('source')
    .orderBy('id')
    .execute();
  return rows.map(present);
}

async function assertNameFree(db: Db, source: TicketSource, name: string, exceptId?: number) {
  const q = db
    .selectFrom('ticket_categories')
    .select('id')
    .where('source', '=', source)
    .where('name', '=', name);
  const taken = await (exceptId ? q.where('id', '<>', exceptId) : q).executeTakeFirst();
  if (taken)
    throw new DomainError('TICKET_CATEGORY_NAME_TAKEN', {
      issues: [{ path: 'name', message: '该来源下已有同名类别' }],
    });
}

export async function createCategory(
  db: Db,
  actor: Actor,
  input: { source: TicketSource; name: string; timeLimit: TicketTimeLimit },
) {
  assertCan(actor, 'ticket_category.manage');
  return db.transaction().execute(async (trx) => {
    await assertNameFree(trx, input.source, input.name);
    const row = await trx
      .insertInto('ticket_categories')
      .values({
        source: input.source,
        name: input.name,
        limit_value: input.timeLimit.value,
        limit_unit: input.timeLimit.unit,
      })
      .returning(fields)
      .executeTakeFirstOrThrow();
    const after = present(row);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'ticket.category_created',
      entityType: 'ticket_category',
      entityId: row.id,
      after,
    });
    return after;
  });
}

/** A new limit applies to tickets registered from now on; open ones keep theirs. */
export async function updateCategory(
  db: Db,
  actor: Actor,
  id: number,
  input: UpdateTicketCategoryRequest,
) {
  assertCan(actor, 'ticket_category.manage');
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('ticket_categories')
      .select(fields)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new DomainError('TICKET_CATEGORY_NOT_FOUND');
    const before = present(row);
    if (row.version !== input.version)
      throw new DomainError('VERSION_CONFLICT', { current: before });
    if (input.name !== undefined) await assertNameFree(trx, row.source, input.name, id);
    const updated = await trx
      .updateTable('ticket_categories')
      .set((eb) => ({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.timeLimit
          ? { limit_value: input.timeLimit.value, limit_unit: input.timeLimit.unit }
          : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        updated_at: new Date(),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
      .returning(fields)
      .executeTakeFirstOrThrow();
    const after = present(updated);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'ticket.category_updated',
      entityType: 'ticket_category',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}
