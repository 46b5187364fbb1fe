import type { ColumnType, Generated } from 'kysely';
import type { ImageContentType } from '@xiangmu/contracts';

export interface AttachmentTable {
  id: Generated<number>;
  project_id: number;
  region_code: string;
  filename: string;
  content_type: ImageContentType;
  size: number;
  sha256: string;
  /** bytea: Buffer from pg, Uint8Array from PGlite */
  data: ColumnType<Uint8Array, Uint8Array, never>;
  uploaded_by: number | null;
  uploader_name: string;
  created_at: ColumnType<Date, never, never>;
}

// This module's tables, merged into the one Database type (see schema.ts).
declare module '../../platform/database/schema' {
  interface Database {
    attachments: AttachmentTable;
  }
}
