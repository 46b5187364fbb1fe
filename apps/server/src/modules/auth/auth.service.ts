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
  const address = input.ip ?? 'unknown';
  const state = await throttle.state(db, address, input.username);
  // A gentle brake on an address with many failures: it waits, it is not refused.
  if (state.delayMs > 0) await throttle.sleep(state.delayMs);
  const user = await accounts.findAccountForLogin(db, input.username);
  const now = new Date();
  const who = {
    userId: user?.id ?? null,
    name: user ? `${user.display_name}(${user.username})` : input.username,
    ip: input.ip,
  };
  const failed = (trx: Db, after: Record<string, unknown>) =>
    recordAudit(trx, who, {
      action: 'auth.login_failed',
      entityType: 'user',
      entityId: user?.id,
      regionCode: user?.region_code,
      after,
    });

  // Below, an unknown username and a known one take the same steps (one
  // password hash, the same counters, the same answers), so no answer and
  // no lock tells which usernames exist.
  if (state.pairBlockedUntil) {
    await db.transaction().execute(async (trx) => {
      await throttle.fail(trx, address, input.username, { pair: false }, now);
      await failed(trx, { reason: 'throttled', until: state.pairBlockedUntil!.toISOString() });
    });
    throw new DomainError('TOO_MANY_ATTEMPTS', {
      message: `该用户名在本地址登录失败次数过多，请${minutesUntil(state.pairBlockedUntil, now)}分钟后再试`,
    });
  }
  const lockedUntil = user ? user.locked_until : state.nameLockedUntil;
  if (lockedUntil && lockedUntil > now) {
    await db.transaction().execute(async (trx) => {
      await throttle.fail(trx, address, input.username, { pair: false }, now);
      await failed(trx, { reason: 'locked' });
    });
    throw new DomainError('ACCOUNT_LOCKED');
  }
  dummyHash ??= hashPassword('not-a-user-Password-1');
  const ok = await verifyPassword(user?.password_hash ?? (await dummyHash), input.password);
  if (!user || !ok) {
    const locked = await db.transaction().execute(async (trx) => {
      await throttle.fail(trx, address, input.username, { pair: true }, now);
      if (!user) {
        const nowLocked = await throttle.failUnknownName(trx, input.username, now);
        await failed(trx, { reason: 'unknown_user', locked: nowLocked });
        return nowLocked;
      }
      const s = await accounts.recordFailedLogin(
        trx,
        user.id,
        LOCK_AFTER_FAILURES,
        LOCK_MINUTES * 60_000,
      );
      const nowLocked = s.failed_attempts >= LOCK_AFTER_FAILURES;
      await failed(trx, {
        reason: 'wrong_password',
        failedAttempts: s.failed_attempts,
        locked: nowLocked,
      });
      return nowLocked;
    });
    if (locked) throw new DomainError('ACCOUNT_LOCKED');
    throw new DomainError('INVALID_CREDENTIALS');
  }
  if (user.disabled) throw new DomainError('ACCOUNT_DISABLED');

  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + IDLE_MS);
  await db.transaction().execute(async (trx) => {
    await accounts.markLoginSucceeded(trx, user.id, now);
    await throttle.succeed(trx, address, input.username);
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

const minutesUntil = (until: Date, now: Date) =>
  Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));

/** Ends every session of a user (an admin's password reset): whoever had one must sign in anew. */
export async function endSessionsOf(db: Db, userId: number): Promise<number> {
  return sessions.deleteSessionsOf(db, userId);
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
