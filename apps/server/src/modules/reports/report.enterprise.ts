import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import type { Actor } from '../access';
import { enterpriseCreditCode } from '../users';

/**
 * An enterprise user (role 'enterprise') reports for the projects his
 * company builds: those whose 统一社会信用代码 equals the one an admin stored
 * on his account. Everyone else is limited by region scope alone.
 */
export function enterpriseFilter(db: Db, actor: Actor) {
  let code: Promise<string | undefined> | undefined;
  const creditCode = () => (code ??= enterpriseCreditCode(db, actor));
  return {
    /** for lists: the code to filter by (enterprise users only) */
    creditCode,
    assertProject: async (p: { owner_credit_code: string | null }) => {
      const mine = await creditCode();
      if (mine !== undefined && p.owner_credit_code !== mine)
        throw new DomainError('ENTERPRISE_NOT_OWNER');
    },
  };
}

export const assertMaySubmitFor = (db: Db, actor: Actor, p: { owner_credit_code: string | null }) =>
  enterpriseFilter(db, actor).assertProject(p);
