import type { LoginBlocks, LoginThrottleBlock } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { assertCan, auditActorOf, pathInScope, type Actor } from '../access';
import { recordAudit } from '../audit';
import { accounts, listLockedAccounts } from '../users';
import type { LoginThrottle } from './login-throttle';
import * as repo from './login-throttle.repository';

type Account = Awaited<ReturnType<typeof accounts.findAccountsByUsernames>>[number];

/**
 * Who sees a throttle row: a pair of an existing account belongs to that
 * account's region; an address, or a username nobody has, belongs to no
 * region and is seen from the whole city only.
 */
function visible(actor: Actor, account: Account | undefined, scope: string): boolean {
  if (scope === 'pair' && account) return pathInScope(actor.scopePath, account.region_path);
  return actor.scopePath.split('/').filter(Boolean).length === 1;
}

async function accountsOf(db: Db, rows: repo.ThrottleRow[]) {
  const names = [...new Set(rows.filter((r) => r.username).map((r) => r.username))];
  const found = await accounts.findAccountsByUsernames(db, names);
  return new Map(found.map((u) => [u.username.toLowerCase(), u]));
}

export async function listLoginBlocks(
  db: Db,
  actor: Actor,
  throttle: LoginThrottle,
  now = new Date(),
): Promise<LoginBlocks> {
  assertCan(actor, 'user.manage');
  const p = throttle.policy;
  const rows = await repo.listActive(
    db,
    now,
    new Date(now.getTime() - p.addressWindowMs),
    p.addressFree,
    1000,
  );
  const byName = await accountsOf(db, rows);
  const throttles: LoginThrottleBlock[] = [];
  for (const r of rows) {
    const account = r.username ? byName.get(r.username) : undefined;
    if (!visible(actor, account, r.scope)) continue;
    throttles.push({
      id: r.id,
      kind: r.scope,
      address: r.address || null,
      username: r.username || null,
      userId: account?.id ?? null,
      displayName: account?.display_name ?? null,
      regionName: account?.region_name ?? null,
      failures: r.failures,
      lastFailedAt: r.last_failed_at.toISOString(),
      blockedUntil: r.blocked_until && r.blocked_until > now ? r.blocked_until.toISOString() : null,
      delayMs: r.scope === 'address' ? throttle.delayFor(r.failures) : 0,
    });
  }
  return { accounts: await listLockedAccounts(db, actor, now), throttles };
}

/** Lifts one pair block, address slow-down or unknown-name lock: the row goes, audited. */
export async function liftLoginBlock(db: Db, actor: Actor, id: number): Promise<void> {
  assertCan(actor, 'user.manage');
  await db.transaction().execute(async (trx) => {
    const row = await repo.findById(trx, id);
    if (!row) throw new DomainError('NOT_FOUND', { message: '该登录限制不存在或已解除' });
    const account = row.username ? (await accountsOf(trx, [row])).get(row.username) : undefined;
    if (!visible(actor, account, row.scope)) throw new DomainError('REGION_OUT_OF_SCOPE');
    await repo.deleteById(trx, id);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'auth.login_block_lifted',
      entityType: 'login_throttle',
      entityId: id,
      regionCode: account?.region_code,
      before: {
        kind: row.scope,
        address: row.address || null,
        username: row.username || null,
        failures: row.failures,
        blockedUntil: row.blocked_until?.toISOString() ?? null,
      },
    });
  });
}

/** Hourly, with the session purge: rows with no failure for a day hold nothing back. */
export const purgeStaleThrottle = (db: Db, now = new Date()) =>
  repo.deleteStale(db, new Date(now.getTime() - 24 * 3600_000));
