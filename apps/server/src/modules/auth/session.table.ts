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
