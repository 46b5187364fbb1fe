import type { ColumnType, Generated } from 'kysely';
import type {
  TicketEventKind,
  TicketLevel,
  TicketRating,
  TicketSource,
  TicketStatus,
} from '@xiangmu/contracts';

type LimitUnit = 'working_days' | 'hours';

export interface TicketCategoryTable {
  id: Generated<number>;
  source: TicketSource;
  name: string;
  limit_value: number;
  limit_unit: LimitUnit;
  active: Generated<boolean>;
  version: Generated<number>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

export interface Open311ClientTable {
  id: Generated<number>;
  name: string;
  region_code: string;
  key_hash: string;
  active: Generated<boolean>;
  created_by_name: string;
  created_at: ColumnType<Date, never, never>;
}

export interface TicketTable {
  id: Generated<number>;
  source: TicketSource;
  category_id: number;
  title: string;
  description: string;
  region_code: string;
  region_path: string;
  level: TicketLevel;
  status: TicketStatus;
  enterprise_id: number | null;
  project_id: number | null;
  requester_user_id: number | null;
  requester_name: string;
  requester_phone: string | null;
  address: string;
  lng: number | null;
  lat: number | null;
  department_id: number | null;
  created_by: number | null;
  created_by_name: string;
  open311_client_id: number | null;
  idempotency_scope: string | null;
  idempotency_key: string | null;
  limit_value: number;
  limit_unit: LimitUnit;
  due_at: Date;
  remind_at: Date;
  reminded_at: Date | null;
  next_escalation_at: Date | null;
  escalations: Generated<number>;
  dispatched_at: Date | null;
  reply: string | null;
  replied_at: Date | null;
  rating: TicketRating | null;
  rating_comment: string | null;
  rated_at: Date | null;
  closed_at: Date | null;
  closed_on_time: boolean | null;
  resolved_level: TicketLevel | null;
  merged_into_id: number | null;
  /** a project problem's 整改期限 (YYYY-MM-DD) */
  rectify_by: string | null;
  report_id: number | null;
  /** the problems ledger's id before migration 0016: old links redirect */
  legacy_problem_id: ColumnType<number | null, never, never>;
  version: Generated<number>;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface TicketCoHandlerTable {
  ticket_id: number;
  department_id: number;
}

export interface TicketEventTable {
  id: Generated<number>;
  ticket_id: number;
  kind: TicketEventKind;
  from_status: TicketStatus | null;
  to_status: TicketStatus | null;
  level: TicketLevel;
  department_name: string | null;
  note: string | null;
  actor_id: number | null;
  actor_name: string;
  at: ColumnType<Date, Date | undefined, never>;
}

export interface TicketPhotoTable {
  id: Generated<number>;
  ticket_id: number;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  data: ColumnType<Uint8Array, Uint8Array, never>;
  uploaded_by: number | null;
  uploader_name: string;
  created_at: ColumnType<Date, never, never>;
}

// This module's tables, merged into the one Database type (see schema.ts).
declare module '../../platform/database/schema' {
  interface Database {
    ticket_categories: TicketCategoryTable;
    open311_clients: Open311ClientTable;
    tickets: TicketTable;
    ticket_co_handlers: TicketCoHandlerTable;
    ticket_events: TicketEventTable;
    ticket_photos: TicketPhotoTable;
  }
}
