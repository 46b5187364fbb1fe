import type { ColumnType, Generated } from 'kysely';
import type { Role } from '@xiangmu/contracts';

export interface UserTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  phone: string | null;
  role: Role;
  region_code: string;
  department_id: number | null;
  /** an enterprise user's company (统一社会信用代码): the projects he reports for */
  credit_code: ColumnType<string | null, string | null | undefined, string | null>;
  password_hash: string;
  must_change_password: boolean;
  failed_attempts: Generated<number>;
  locked_until: Date | null;
  disabled: Generated<boolean>;
  last_login_at: Date | null;
  version: Generated<number>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

export interface DepartmentTable {
  id: Generated<number>;
  name: string;
  region_code: string;
  version: Generated<number>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

// This module's tables, merged into the one Database type (see schema.ts).
declare module '../../platform/database/schema' {
  interface Database {
    departments: DepartmentTable;
    users: UserTable;
  }
}
