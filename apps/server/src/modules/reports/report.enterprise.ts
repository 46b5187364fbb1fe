import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import type { Actor } from '../access';

/**
 * An enterprise user (role 'enterprise') reports for the projects his
 * company builds: those whose 统一社会信用代码 equals the one an admin stored
 * on his account. Everyone else is limited by region scope alone.
 */

async function creditCodeOf(db: Db, actor: Actor): Promise<string> {
  const u = await db
    .selectFrom('users')
    .select('credit_code')
    .where('id', '=', actor.userId)
    .executeTakeFirst();
  // no code stored: no project matches
  return u?.credit_code ?? '';
}

/** For lists: the credit code to filter by (enterprise users only). */
export function enterpriseFilter(db: Db, actor: Actor) {
  const isEnterprise = actor.role === 'enterprise';
  return {
    creditCode: async () => (isEnterprise ? creditCodeOf(db, actor) : undefined),
    assertProject: async (p: { owner_credit_code: string }) => {
      if (isEnterprise && p.owner_credit_code !== (await creditCodeOf(db, actor)))
        throw new DomainError('ENTERPRISE_NOT_OWNER');
    },
  };
}

export const assertMaySubmitFor = (db: Db, actor: Actor, p: { owner_credit_code: string }) =>
  enterpriseFilter(db, actor).assertProject(p);
