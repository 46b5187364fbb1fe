import type { ColumnType, Generated } from 'kysely';
import type { BatchKind } from '@xiangmu/contracts';

export interface CampaignTable {
  id: Generated<number>;
  number: number;
  name: string;
  starts_on: string;
  ends_on: string;
  status: Generated<'open' | 'closed'>;
  version: Generated<number>;
  created_at: ColumnType<Date, never, never>;
}

export interface CampaignEntryTable {
  campaign_id: number;
  project_id: number;
  region_code: string;
  kind: BatchKind;
  created_at: ColumnType<Date, never, never>;
}

export interface CampaignBatchLockTable {
  campaign_id: number;
  region_code: string;
  kind: BatchKind;
  locked_by: string;
  locked_at: ColumnType<Date, never, never>;
}

// This module's tables, merged into the one Database type (see schema.ts).
declare module '../../platform/database/schema' {
  interface Database {
    campaigns: CampaignTable;
    campaign_entries: CampaignEntryTable;
    campaign_batch_locks: CampaignBatchLockTable;
  }
}
