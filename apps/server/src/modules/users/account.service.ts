import type { Db } from '../../platform/database/db';
import * as repo from './user.repository';

/**
 * What the auth module needs of a user account (credentials, lockout,
 * profile), so it never reaches into the users repository itself.
 */
export const findAccountForLogin = repo.findUserForLogin;
export const findAccount = repo.findUserById;
export const getPasswordHash = repo.getPasswordHash;
export const recordFailedLogin = repo.recordFailedLogin;
/** region and name of the accounts behind usernames, for the login-block view */
export const findAccountsByUsernames = repo.findUsersByUsernames;

export const markLoginSucceeded = (db: Db, id: number, at: Date) =>
  repo.updateUser(db, id, null, { failed_attempts: 0, locked_until: null, last_login_at: at });

export const setPassword = (db: Db, id: number, passwordHash: string) =>
  repo.updateUser(db, id, null, { password_hash: passwordHash, must_change_password: false });

export const updateProfile = (
  db: Db,
  id: number,
  p: { display_name?: string; phone?: string | null },
) => repo.updateUser(db, id, null, p);
