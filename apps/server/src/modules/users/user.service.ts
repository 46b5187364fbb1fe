import type { LockedAccount, Role, User } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { recordAudit } from '../audit';
import { auditActorOf, type Actor } from '../access';
import { assertCan } from '../access';
import { getRegionInScope } from '../regions';
import { assertPathInScope } from '../access';
import { getDepartmentInScope } from './department.service';
import { generatePassword, hashPassword } from './password';
import { assertRoleAssignable, assertRoleFitsRegion } from './user.policy';
import * as repo from './user.repository';

type UserRow = NonNullable<Awaited<ReturnType<typeof repo.findUserById>>>;

export function presentUser(u: UserRow, now = new Date()): User {
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    phone: u.phone,
    role: u.role,
    regionCode: u.region_code,
    regionName: u.region_name,
    departmentId: u.department_id,
    departmentName: u.department_name,
    creditCode: u.credit_code,
    disabled: u.disabled,
    locked: !!u.locked_until && u.locked_until > now,
    mustChangePassword: u.must_change_password,
    lastLoginAt: u.last_login_at?.toISOString() ?? null,
    createdAt: u.created_at.toISOString(),
    version: u.version,
  };
}

async function getUserInScope(db: Db, actor: Actor, id: number): Promise<UserRow> {
  const u = await repo.findUserById(db, id);
  if (!u) throw new DomainError('USER_NOT_FOUND');
  assertPathInScope(actor, u.region_path);
  return u;
}

export async function getUser(db: Db, actor: Actor, id: number): Promise<User> {
  assertCan(actor, 'user.manage');
  return presentUser(await getUserInScope(db, actor, id));
}

export async function listUsers(
  db: Db,
  actor: Actor,
  q: {
    q?: string | undefined;
    role?: Role | undefined;
    regionCode?: string | undefined;
    page: number;
    pageSize: number;
  },
) {
  assertCan(actor, 'user.manage');
  if (q.regionCode) await getRegionInScope(db, actor, q.regionCode);
  const { items, total } = await repo.listUsers(db, { ...q, scopePath: actor.scopePath });
  return { items: items.map((u) => presentUser(u)), total, page: q.page, pageSize: q.pageSize };
}

/** Department, if given, must lie in the user's own region. */
async function checkDepartment(
  db: Db,
  actor: Actor,
  departmentId: number | null | undefined,
  regionCode: string,
) {
  if (departmentId === null || departmentId === undefined) return;
  const d = await getDepartmentInScope(db, actor, departmentId);
  if (d.regionCode !== regionCode) throw new DomainError('DEPARTMENT_REGION_MISMATCH');
}

/** Only an enterprise account carries a company's 统一社会信用代码. */
function checkCreditCode(role: Role, creditCode: string | null | undefined) {
  if (creditCode && role !== 'enterprise')
    throw new DomainError('VALIDATION_FAILED', {
      message: '只有企业账号可以填写统一社会信用代码',
      issues: [{ path: 'creditCode', message: '只有企业账号可以填写统一社会信用代码' }],
    });
}

export async function createUser(
  db: Db,
  actor: Actor,
  input: {
    username: string;
    displayName: string;
    phone?: string | null | undefined;
    role: Role;
    regionCode: string;
    departmentId?: number | null | undefined;
    creditCode?: string | null | undefined;
  },
): Promise<{ user: User; initialPassword: string }> {
  assertCan(actor, 'user.manage');
  assertRoleAssignable(actor, input.role);
  checkCreditCode(input.role, input.creditCode);
  const initialPassword = generatePassword();
  const passwordHash = await hashPassword(initialPassword);
  return db.transaction().execute(async (trx) => {
    const region = await getRegionInScope(trx, actor, input.regionCode);
    assertRoleFitsRegion(input.role, region.level);
    await checkDepartment(trx, actor, input.departmentId, input.regionCode);
    if (await repo.usernameTaken(trx, input.username)) throw new DomainError('USERNAME_TAKEN');
    const { id } = await repo.insertUser(trx, {
      username: input.username,
      display_name: input.displayName,
      phone: input.phone ?? null,
      role: input.role,
      region_code: input.regionCode,
      department_id: input.departmentId ?? null,
      credit_code: input.creditCode ?? null,
      password_hash: passwordHash,
      must_change_password: true,
    });
    const user = presentUser((await repo.findUserById(trx, id))!);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'user.created',
      entityType: 'user',
      entityId: id,
      regionCode: user.regionCode,
      after: user,
    });
    return { user, initialPassword };
  });
}

export async function updateUser(
  db: Db,
  actor: Actor,
  id: number,
  input: {
    displayName?: string | undefined;
    phone?: string | null | undefined;
    role?: Role | undefined;
    regionCode?: string | undefined;
    departmentId?: number | null | undefined;
    creditCode?: string | null | undefined;
    disabled?: boolean | undefined;
    version: number;
  },
): Promise<User> {
  assertCan(actor, 'user.manage');
  return db.transaction().execute(async (trx) => {
    const current = await getUserInScope(trx, actor, id);
    const before = presentUser(current);
    if (before.version !== input.version)
      throw new DomainError('VERSION_CONFLICT', { current: before });
    // An admin may not raise or move anyone beyond his own reach, himself included.
    assertRoleAssignable(actor, current.role);
    const role = input.role ?? current.role;
    assertRoleAssignable(actor, role);
    const regionCode = input.regionCode ?? current.region_code;
    const region = await getRegionInScope(trx, actor, regionCode);
    assertRoleFitsRegion(role, region.level);
    const departmentId =
      input.departmentId !== undefined
        ? input.departmentId
        : regionCode === current.region_code
          ? current.department_id
          : null;
    await checkDepartment(trx, actor, departmentId, regionCode);
    checkCreditCode(role, input.creditCode);
    // another role drops the company's code
    const creditCode =
      role !== 'enterprise'
        ? null
        : input.creditCode !== undefined
          ? input.creditCode
          : current.credit_code;
    if (input.disabled && id === actor.userId) throw new DomainError('CANNOT_DISABLE_SELF');
    const ok = await repo.updateUser(trx, id, input.version, {
      ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
      ...(input.phone !== undefined ? { phone: input.phone } : {}),
      role,
      region_code: regionCode,
      department_id: departmentId,
      credit_code: creditCode,
      ...(input.disabled !== undefined ? { disabled: input.disabled } : {}),
    });
    if (!ok) throw new DomainError('VERSION_CONFLICT', { current: before });
    const after = presentUser((await repo.findUserById(trx, id))!);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'user.updated',
      entityType: 'user',
      entityId: id,
      regionCode: after.regionCode,
      before,
      after,
    });
    return after;
  });
}

/** What else must happen when an admin resets a password (wired in bootstrap). */
export interface PasswordResetHooks {
  /** ends every session of the user: whoever knew the old password is signed out */
  endSessions: (db: Db, userId: number) => Promise<number>;
}

export async function resetPassword(
  db: Db,
  actor: Actor,
  id: number,
  hooks: PasswordResetHooks,
): Promise<{ initialPassword: string }> {
  assertCan(actor, 'user.manage');
  if (id === actor.userId) throw new DomainError('CANNOT_RESET_OWN_PASSWORD');
  const initialPassword = generatePassword();
  const passwordHash = await hashPassword(initialPassword);
  return db.transaction().execute(async (trx) => {
    const u = await getUserInScope(trx, actor, id);
    assertRoleAssignable(actor, u.role);
    await repo.updateUser(trx, id, null, {
      password_hash: passwordHash,
      must_change_password: true,
      failed_attempts: 0,
      locked_until: null,
    });
    const sessionsEnded = await hooks.endSessions(trx, id);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'user.password_reset',
      entityType: 'user',
      entityId: id,
      regionCode: u.region_code,
      after: { sessionsEnded },
    });
    return { initialPassword };
  });
}

/** Accounts locked now in the admin's data scope, latest lock first. */
export async function listLockedAccounts(
  db: Db,
  actor: Actor,
  now = new Date(),
): Promise<LockedAccount[]> {
  assertCan(actor, 'user.manage');
  const rows = await repo.listLockedUsers(db, actor.scopePath, now);
  return rows.map((u) => ({
    userId: u.id,
    username: u.username,
    displayName: u.display_name,
    role: u.role,
    regionName: u.region_name,
    failedAttempts: u.failed_attempts,
    lockedUntil: u.locked_until!.toISOString(),
  }));
}

export async function unlockUser(db: Db, actor: Actor, id: number): Promise<User> {
  assertCan(actor, 'user.manage');
  return db.transaction().execute(async (trx) => {
    const u = await getUserInScope(trx, actor, id);
    await repo.updateUser(trx, id, null, { failed_attempts: 0, locked_until: null });
    const after = presentUser((await repo.findUserById(trx, id))!);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'user.unlocked',
      entityType: 'user',
      entityId: id,
      regionCode: u.region_code,
      before: { locked: presentUser(u).locked, failedAttempts: u.failed_attempts },
      after: { locked: false, failedAttempts: 0 },
    });
    return after;
  });
}

/**
 * For an enterprise user: his company's 统一社会信用代码 ('' when none is
 * stored, which matches no project); undefined for every other role.
 */
export async function enterpriseCreditCode(
  db: Db,
  actor: Pick<Actor, 'role' | 'userId'>,
): Promise<string | undefined> {
  if (actor.role !== 'enterprise') return undefined;
  const u = await db
    .selectFrom('users')
    .select('credit_code')
    .where('id', '=', actor.userId)
    .executeTakeFirst();
  return u?.credit_code ?? '';
}
