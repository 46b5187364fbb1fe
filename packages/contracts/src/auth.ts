import { z } from 'zod';
import { phone, plainName, regionCode, username } from './text';

export const roles = [
  'city_admin',
  'district_admin',
  'unit_officer',
  'leader',
  'grid_worker',
  'enterprise',
  'viewer',
] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export const roleLabels: Record<Role, string> = {
  city_admin: '市级管理员',
  district_admin: '区县管理员',
  unit_officer: '责任单位',
  leader: '包保领导',
  grid_worker: '网格员',
  enterprise: '企业',
  viewer: '只读查看',
};

export const PASSWORD_MIN_LENGTH = 8;
/**
 * Consecutive wrong passwords (from any address) that lock an account, and
 * for how long. Above the pair limit, so one address alone cannot lock an
 * account within a pair window (docs/adr/0016).
 */
export const LOGIN_LOCK_AFTER_FAILURES = 10;
export const LOGIN_LOCK_MINUTES = 15;
/** Wrong passwords from one address for one username that block that pair, and for how long. */
export const LOGIN_PAIR_LIMIT = 5;
export const LOGIN_PAIR_MINUTES = 15;

/**
 * Password rule (等保 style): 8–64 characters with at least three of
 * upper case, lower case, digits and symbols. Returns Chinese problems.
 */
export function passwordProblems(password: string, user?: string): string[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) problems.push(`密码至少${PASSWORD_MIN_LENGTH}位`);
  if (password.length > 64) problems.push('密码不能超过64位');
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^a-zA-Z\d]/].filter((r) => r.test(password)).length;
  if (classes < 3) problems.push('密码须包含大写字母、小写字母、数字、符号中的至少三类');
  if (user && password.toLowerCase().includes(user.toLowerCase()))
    problems.push('密码不能包含用户名');
  return problems;
}

export const loginRequest = z.strictObject({
  username: username,
  password: z.string().min(1, '请输入密码').max(128),
});
export type LoginRequest = z.infer<typeof loginRequest>;

export const changePasswordRequest = z.strictObject({
  currentPassword: z.string().min(1, '请输入当前密码').max(128),
  newPassword: z.string().min(1, '请输入新密码').max(128),
});
export type ChangePasswordRequest = z.infer<typeof changePasswordRequest>;

export const meResponse = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  phone: z.string().nullable(),
  role: roleSchema,
  regionCode: z.string(),
  regionName: z.string(),
  activeRegionCode: z.string(),
  activeRegionName: z.string(),
  departmentId: z.number().nullable(),
  departmentName: z.string().nullable(),
  mustChangePassword: z.boolean(),
  csrfToken: z.string(),
});
export type Me = z.infer<typeof meResponse>;

export const switchRegionRequest = z.strictObject({ regionCode: regionCode });

export const updateProfileRequest = z.strictObject({
  displayName: plainName(30).optional(),
  phone: phone.nullable().optional(),
});

/** What holds logins back now, as an admin sees it (用户管理 → 登录限制). */
export const lockedAccount = z.object({
  userId: z.number(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  regionName: z.string(),
  failedAttempts: z.number(),
  lockedUntil: z.string(),
});
export type LockedAccount = z.infer<typeof lockedAccount>;

export const loginThrottleKinds = ['pair', 'address', 'name'] as const;
export const loginThrottleKindLabels: Record<(typeof loginThrottleKinds)[number], string> = {
  pair: '地址+用户名限制',
  address: '地址降速',
  name: '不存在的用户名锁定',
};

export const loginThrottleBlock = z.object({
  id: z.number(),
  kind: z.enum(loginThrottleKinds),
  address: z.string().nullable(),
  username: z.string().nullable(),
  /** the account behind the username, when there is one */
  userId: z.number().nullable(),
  displayName: z.string().nullable(),
  regionName: z.string().nullable(),
  failures: z.number(),
  lastFailedAt: z.string(),
  /** until when the pair or name is blocked; null for an address slow-down */
  blockedUntil: z.string().nullable(),
  /** an address slow-down: how long each login from it waits now */
  delayMs: z.number(),
});
export type LoginThrottleBlock = z.infer<typeof loginThrottleBlock>;

export const loginBlocksResponse = z.object({
  accounts: z.array(lockedAccount),
  throttles: z.array(loginThrottleBlock),
});
export type LoginBlocks = z.infer<typeof loginBlocksResponse>;
