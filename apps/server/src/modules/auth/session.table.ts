import type { ColumnType, Generated } from 'kysely';

export interface SessionTable {
  id: Generated<number>;
  /** sha-256 of the cookie token: a leaked table opens no session */
  token_hash: string;
  user_id: number;
  csrf_token: string;
  active_region_code: string;
  ip: string | null;
  created_at: ColumnType<Date, never, never>;
  last_seen_at: Date;
  expires_at: Date;
}

// This module's tables, merged into the one Database type (see schema.ts).
declare module '../../platform/database/schema' {
  interface Database {
    sessions: SessionTable;
  }
}
