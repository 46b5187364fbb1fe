import type { ColumnType, Generated } from 'kysely';

/** Append-only: the database refuses UPDATE, DELETE and TRUNCATE on it. */
export interface AuditLogTable {
  id: Generated<number>;
  at: ColumnType<Date, never, never>;
  actor_id: number | null;
  actor_name: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  region_code: string | null;
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
  ip: string | null;
}

/**
 * The hash chain over audit_log, appended by the database at commit
 * (migration 0018, docs/adr/0018): read only by `npm run audit:verify`.
 */
export interface AuditChainTable {
  seq: ColumnType<number, never, never>;
  audit_id: ColumnType<number, never, never>;
  prev_hash: ColumnType<string, never, never>;
  hash: ColumnType<string, never, never>;
}

// This module's tables, merged into the one Database type (see schema.ts).
declare module '../../platform/database/schema' {
  interface Database {
    audit_log: AuditLogTable;
    audit_chain: AuditChainTable;
  }
}
