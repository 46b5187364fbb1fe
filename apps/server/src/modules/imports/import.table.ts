import type { ColumnType, Generated } from 'kysely';
import type { ImportKind, ImportStatus } from '@xiangmu/contracts';

type Json = ColumnType<unknown, string | undefined, string>;
type NullableJson = ColumnType<unknown, string | null | undefined, string | null>;

/** One import of a spreadsheet, whatever it imports (`kind`). */
export interface ProjectImportTable {
  id: Generated<number>;
  kind: Generated<ImportKind>;
  user_id: number;
  actor_name: string;
  region_code: string;
  filename: string;
  status: ImportStatus;
  processed_rows: Generated<number>;
  total_rows: number | null;
  valid_rows: Generated<number>;
  create_rows: Generated<number>;
  update_rows: Generated<number>;
  unchanged_rows: Generated<number>;
  rejected_rows: Generated<number>;
  errors: Json;
  warnings: Json;
  warning_rows: Generated<number>;
  failure: string | null;
  /** ImportLayout: what the upload found */
  layout: NullableJson;
  /** ImportOptions: the confirmed mapping */
  options: NullableJson;
  /** ImportPreview */
  preview: NullableJson;
  /** the uploaded file, until applied */
  file_path: string | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  applied_at: Date | null;
}

/** A valid row staged by the validation, written by the apply step. */
export interface ProjectImportRowTable {
  import_id: number;
  row_number: number;
  action: 'create' | 'update' | 'unchanged';
  project_id: number | null;
  project_version: number | null;
  data: ColumnType<unknown, string, string>;
}

/** The mapping last confirmed for a region's header shape. */
export interface ImportMappingTable {
  kind: ImportKind;
  region_code: string;
  signature: string;
  columns: ColumnType<unknown, string, string>;
  amount_unit: 'yi' | 'wan';
  updated_by: string;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

// This module's tables, merged into the one Database type (see schema.ts).
declare module '../../platform/database/schema' {
  interface Database {
    project_imports: ProjectImportTable;
    project_import_rows: ProjectImportRowTable;
    import_mappings: ImportMappingTable;
  }
}
