import { z } from 'zod';
import { roleSchema } from './auth';
import { pageQuery, rowId } from './common';
import { creditCode } from './projects';
import { phone, plainName, regionCode, username } from './text';

export const user = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  phone: z.string().nullable(),
  role: roleSchema,
  regionCode: z.string(),
  regionName: z.string(),
  departmentId: z.number().nullable(),
  departmentName: z.string().nullable(),
  /** an enterprise user's company (统一社会信用代码): he reports for its projects */
  creditCode: z.string().nullable(),
  disabled: z.boolean(),
  locked: z.boolean(),
  mustChangePassword: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
  version: z.number(),
});
export type User = z.infer<typeof user>;

export const userListQuery = z.strictObject({
  ...pageQuery,
  q: z.string().trim().max(40).optional(),
  role: roleSchema.optional(),
  regionCode: regionCode.optional(),
});

export const createUserRequest = z.strictObject({
  username,
  displayName: plainName(30),
  phone: phone.nullable().optional(),
  role: roleSchema,
  regionCode: regionCode,
  departmentId: rowId.nullable().optional(),
  /** enterprise users only */
  creditCode: creditCode.nullable().optional(),
});

/** The generated one-time password is shown once to the admin. */
export const createUserResponse = z.object({ user, initialPassword: z.string() });

export const updateUserRequest = z.strictObject({
  displayName: plainName(30).optional(),
  phone: phone.nullable().optional(),
  role: roleSchema.optional(),
  regionCode: regionCode.optional(),
  departmentId: rowId.nullable().optional(),
  /** enterprise users only; cleared when the role changes to another */
  creditCode: creditCode.nullable().optional(),
  disabled: z.boolean().optional(),
  version: z.number().int(),
});

export const resetPasswordResponse = z.object({ initialPassword: z.string() });

export const department = z.object({
  id: z.number(),
  name: z.string(),
  regionCode: z.string(),
  regionName: z.string(),
  userCount: z.number(),
  version: z.number(),
});
export type Department = z.infer<typeof department>;

export const departmentListQuery = z.strictObject({
  regionCode: regionCode.optional(),
  q: z.string().trim().max(40).optional(),
});

export const createDepartmentRequest = z.strictObject({
  name: plainName(60),
  regionCode: regionCode,
});

export const updateDepartmentRequest = z.strictObject({
  name: plainName(60),
  version: z.number().int(),
});
