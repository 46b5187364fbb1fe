import type { Generated } from 'kysely';

export type ThrottleScope = 'pair' | 'address' | 'name';

export interface LoginThrottleTable {
  id: Generated<number>;
  scope: ThrottleScope;
  /** client address; '' for a 'name' row */
  address: string;
  /** lower-cased username as typed; '' for an 'address' row */
  username: string;
  failures: number;
  window_started_at: Date;
  last_failed_at: Date;
  blocked_until: Date | null;
}

// This module's tables, merged into the one Database type (see schema.ts).
declare module '../../platform/database/schema' {
  interface Database {
    login_throttle: LoginThrottleTable;
  }
}
