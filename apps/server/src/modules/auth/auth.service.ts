import { createHash, randomBytes } from 'node:crypto';
import {
  LOGIN_LOCK_AFTER_FAILURES as LOCK_AFTER_FAILURES,
  LOGIN_LOCK_MINUTES as LOCK_MINUTES,
  passwordProblems,
  type Me,
} from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { recordAudit } from '../audit';
import { getRegionInScope } from '../regions';
import { accounts, hashPassword, verifyPassword } from '../users';
import { auditActorOf, type Actor } from '../access';
import type { LoginThrottle } from './login-throttle';
import * as sessions from './session.repository';

const IDLE_MS = 2 * 3600_000;
const ABSOLUTE_MS = 12 * 3600_000;
/** last_seen is written at most this often, so reads stay reads */
const TOUCH_EVERY_MS = 60_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

// Compared against when the username does not exist, so timing does not
// reveal which usernames do.
let dummyHash: Promise<string> | undefined;

export interface LoginResult {
  token: string;
  expiresAt: Date;
  actor: Actor;
}

export async function login(
  db: Db,
  throttle: LoginThrottle,
  input: { username: string; password: string; ip: string | null },
): Promise<LoginResult> {
  const ip = input.ip ?? 'unknown';
  if (throttle.isBlocked(ip)) throw new DomainError('TOO_MANY_ATTEMPTS');
  const user = await accounts.findAccountForLogin(db, input.username);
  const now = new Date();
  const who = {
    userId: user?.id ?? null,
    name: user ? `${user.display_name}(${user.username})` : input.username,
    ip: input.ip,
  };

  if (!user) {
    dummyHash ??= hashPassword('not-a-user-Password-1');
    await verifyPassword(await dummyHash, input.password);
    throttle.fail(ip);
    await recordAudit(db, who, {
      action: 'auth.login_failed',
      entityType: 'user',
      after: { reason: 'unknown_user' },
    });
    throw new DomainError('INVALID_CREDENTIALS');
  }
  if (user.locked_until && user.locked_until > now) {
    throttle.fail(ip);
    await recordAudit(db, who, {
      action: 'auth.login_failed',
      entityType: 'user',
      entityId: user.id,
      regionCode: user.region_code,
      after: { reason: 'locked' },
    });
    throw new DomainError('ACCOUNT_LOCKED');
  }
  if (!(await verifyPassword(user.password_hash, input.password))) {
    throttle.fail(ip);
    const state = await db.transaction().execute(async (trx) => {
      const s = await accounts.recordFailedLogin(
        trx,
        user.id,
        LOCK_AFTER_FAILURES,
        LOCK_MINUTES * 60_000,
      );
      await recordAudit(trx, who, {
        action: 'auth.login_failed',
        entityType: 'user',
        entityId: user.id,
        regionCode: user.region_code,
        after: {
          reason: 'wrong_password',
          failedAttempts: s.failed_attempts,
          locked: s.failed_attempts >= LOCK_AFTER_FAILURES,
        },
      });
      return s;
    });
    if (state.failed_attempts >= LOCK_AFTER_FAILURES) throw new DomainError('ACCOUNT_LOCKED');
    const left = LOCK_AFTER_FAILURES - state.failed_attempts;
    throw new DomainError('INVALID_CREDENTIALS', {
      message: `用户名或密码错误，再失败${left}次账号将被锁定${LOCK_MINUTES}分钟`,
    });
  }
  if (user.disabled) throw new DomainError('ACCOUNT_DISABLED');

  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + IDLE_MS);
  await db.transaction().execute(async (trx) => {
    await accounts.markLoginSucceeded(trx, user.id, now);
    const { id } = await sessions.insertSession(trx, {
      token_hash: sha256(token),
      user_id: user.id,
      csrf_token: randomBytes(24).toString('base64url'),
      active_region_code: user.region_code,
      ip: input.ip,
      expires_at: expiresAt,
    });
    await recordAudit(trx, who, {
      action: 'auth.login',
      entityType: 'session',
      entityId: id,
      regionCode: user.region_code,
    });
  });
  const actor = await authenticate(db, token, input.ip);
  if (!actor) throw new DomainError('INTERNAL_ERROR');
  return { token, expiresAt, actor };
}

/** The actor behind a session cookie, or null if it is unknown, expired or disabled. */
export async function authenticate(
  db: Db,
  token: string,
  ip: string | null,
  now = new Date(),
): Promise<Actor | null> {
  const s = await sessions.findActiveSession(db, sha256(token), now);
  if (!s) return null;
  if (now.getTime() - s.last_seen_at.getTime() > TOUCH_EVERY_MS) {
    const expires = Math.min(now.getTime() + IDLE_MS, s.session_created_at.getTime() + ABSOLUTE_MS);
    await sessions.touchSession(db, s.session_id, now, new Date(expires));
  }
  return {
    userId: s.user_id,
    username: s.username,
    displayName: s.display_name,
    phone: s.phone,
    role: s.role,
    regionCode: s.region_code,
    regionName: s.region_name,
    departmentId: s.department_id,
    departmentName: s.department_name,
    activeRegionCode: s.active_region_code,
    activeRegionName: s.active_region_name,
    scopePath: s.active_region_path,
    mustChangePassword: s.must_change_password,
    sessionId: s.session_id,
    csrfToken: s.csrf_token,
    ip,
  };
}

/** What GET /api/me shows: all of it is in the session row, so no query. */
export function me(actor: Actor): Me {
  return {
    id: actor.userId,
    username: actor.username,
    displayName: actor.displayName,
    phone: actor.phone,
    role: actor.role,
    regionCode: actor.regionCode,
    regionName: actor.regionName,
    activeRegionCode: actor.activeRegionCode,
    activeRegionName: actor.activeRegionName,
    departmentId: actor.departmentId,
    departmentName: actor.departmentName,
    mustChangePassword: actor.mustChangePassword,
    csrfToken: actor.csrfToken,
  };
}

export async function logout(db: Db, actor: Actor): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sessions.deleteSession(trx, actor.sessionId);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'auth.logout',
      entityType: 'session',
      entityId: actor.sessionId,
      regionCode: actor.regionCode,
    });
  });
}

export async function changePassword(
  db: Db,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const hashed = await accounts.getPasswordHash(db, actor.userId);
  if (!hashed || !(await verifyPassword(hashed, input.currentPassword)))
    throw new DomainError('PASSWORD_WRONG');
  if (input.currentPassword === input.newPassword) throw new DomainError('PASSWORD_REUSED');
  const problems = passwordProblems(input.newPassword, actor.username);
  if (problems.length)
    throw new DomainError('PASSWORD_TOO_WEAK', {
      message: `密码不符合要求：${problems.join('；')}`,
      issues: problems.map((message) => ({ path: 'newPassword', message })),
    });
  const newHash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (trx) => {
    await accounts.setPassword(trx, actor.userId, newHash);
    // Other sessions may belong to whoever knew the old password.
    await sessions.deleteOtherSessions(trx, actor.userId, actor.sessionId);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'auth.password_changed',
      entityType: 'user',
      entityId: actor.userId,
      regionCode: actor.regionCode,
    });
  });
}

/** The region switcher: any region inside the user's own (not only the active one). */
export async function switchRegion(db: Db, actor: Actor, regionCode: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const home = await getRegionInScope(trx, { scopePath: '' }, actor.regionCode);
    const target = await getRegionInScope(trx, { scopePath: home.path }, regionCode);
    await sessions.setActiveRegion(trx, actor.sessionId, target.code);
    await recordAudit(trx, auditActorOf(actor), {
      action: 'auth.region_switched',
      entityType: 'session',
      entityId: actor.sessionId,
      regionCode: target.code,
      before: { regionCode: actor.activeRegionCode },
      after: { regionCode: target.code },
    });
  });
}

export async function updateProfile(
  db: Db,
  actor: Actor,
  input: { displayName?: string | undefined; phone?: string | null | undefined },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await accounts.findAccount(trx, actor.userId);
    if (!before) throw new DomainError('UNAUTHENTICATED');
    await accounts.updateProfile(trx, actor.userId, {
      ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
      ...(input.phone !== undefined ? { phone: input.phone } : {}),
    });
    await recordAudit(trx, auditActorOf(actor), {
      action: 'user.profile_updated',
      entityType: 'user',
      entityId: actor.userId,
      regionCode: actor.regionCode,
      before: { displayName: before.display_name, phone: before.phone },
      after: {
        displayName: input.displayName ?? before.display_name,
        phone: input.phone === undefined ? before.phone : input.phone,
      },
    });
  });
}

export async function purgeExpiredSessions(db: Db, now = new Date()): Promise<number> {
  return sessions.deleteExpiredSessions(db, now);
}
