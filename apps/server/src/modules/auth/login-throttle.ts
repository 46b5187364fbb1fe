import {
  LOGIN_LOCK_AFTER_FAILURES,
  LOGIN_LOCK_MINUTES,
  LOGIN_PAIR_LIMIT,
  LOGIN_PAIR_MINUTES,
} from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import * as repo from './login-throttle.repository';

/**
 * How failed logins are held back (docs/adr/0016). Three keys, all in the
 * database so that every API process sees the same state:
 *  - (address, username): a few failures block that pair — the guesser, not
 *    the colleagues behind the same office NAT;
 *  - address: past some free failures every login from it waits a little
 *    longer (a growing delay, never a block);
 *  - username that does not exist: locked like an account would be, so a
 *    lock never tells which usernames exist.
 * The per-account lock itself stays in users (failed_attempts, locked_until).
 */
export interface ThrottlePolicy {
  pairLimit: number;
  pairWindowMs: number;
  pairBlockMs: number;
  /** failures from one address in its window before its logins slow down */
  addressFree: number;
  addressWindowMs: number;
  addressStepMs: number;
  addressMaxDelayMs: number;
  /** the account lock, mirrored for unknown usernames */
  lockAfter: number;
  lockMs: number;
}

export const defaultPolicy: ThrottlePolicy = {
  pairLimit: LOGIN_PAIR_LIMIT,
  pairWindowMs: LOGIN_PAIR_MINUTES * 60_000,
  pairBlockMs: LOGIN_PAIR_MINUTES * 60_000,
  addressFree: 10,
  addressWindowMs: 15 * 60_000,
  addressStepMs: 200,
  addressMaxDelayMs: 3_000,
  lockAfter: LOGIN_LOCK_AFTER_FAILURES,
  lockMs: LOGIN_LOCK_MINUTES * 60_000,
};

export interface ThrottleState {
  /** how long this attempt waits before it is looked at */
  delayMs: number;
  pairBlockedUntil: Date | null;
  /** the lock of an unknown username */
  nameLockedUntil: Date | null;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class LoginThrottle {
  readonly policy: ThrottlePolicy;

  constructor(
    policy: Partial<ThrottlePolicy> = {},
    /** the address slow-down waits here (a test records the delays instead) */
    readonly sleep: (ms: number) => Promise<void> = wait,
  ) {
    this.policy = { ...defaultPolicy, ...policy };
  }

  /** The address delay: none for the first failures, then a step more per failure, capped. */
  delayFor(addressFailures: number): number {
    const { addressFree, addressStepMs, addressMaxDelayMs } = this.policy;
    if (addressFailures <= addressFree) return 0;
    return Math.min((addressFailures - addressFree) * addressStepMs, addressMaxDelayMs);
  }

  async state(db: Db, address: string, username: string, now = new Date()): Promise<ThrottleState> {
    const rows = await repo.findRows(db, address, username.toLowerCase());
    const row = (scope: string) => rows.find((r) => r.scope === scope);
    const active = (d: Date | null | undefined) => (d && d > now ? d : null);
    const a = row('address');
    const inWindow =
      a && a.window_started_at.getTime() > now.getTime() - this.policy.addressWindowMs;
    return {
      delayMs: inWindow ? this.delayFor(a.failures) : 0,
      pairBlockedUntil: active(row('pair')?.blocked_until),
      nameLockedUntil: active(row('name')?.blocked_until),
    };
  }

  /** A failed attempt from this address; counted for the pair only when the password was tried. */
  async fail(
    db: Db,
    address: string,
    username: string,
    opts: { pair: boolean },
    now = new Date(),
  ): Promise<void> {
    const p = this.policy;
    const name = username.toLowerCase();
    await repo.recordFailure(
      db,
      { scope: 'address', address, username: '' },
      { windowMs: p.addressWindowMs, limit: null, blockMs: 0 },
      now,
    );
    if (opts.pair)
      await repo.recordFailure(
        db,
        { scope: 'pair', address, username: name },
        { windowMs: p.pairWindowMs, limit: p.pairLimit, blockMs: p.pairBlockMs },
        now,
      );
  }

  /** The account-lock count of a username that does not exist; returns whether it is now locked. */
  async failUnknownName(db: Db, username: string, now = new Date()): Promise<boolean> {
    const row = await repo.recordFailure(
      db,
      { scope: 'name', address: '', username: username.toLowerCase() },
      { windowMs: null, limit: this.policy.lockAfter, blockMs: this.policy.lockMs },
      now,
    );
    return row.failures >= this.policy.lockAfter;
  }

  /** A successful login clears its pair: the next typo starts from zero. */
  async succeed(db: Db, address: string, username: string): Promise<void> {
    await repo.deleteRow(db, 'pair', address, username.toLowerCase());
  }
}
