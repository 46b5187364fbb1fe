import { z } from 'zod';

// Names of people, departments and grids: letters (incl. Chinese), digits,
// spaces and the punctuation such names really use. Markup and SQL
// punctuation (< > ; ' " `) are refused with a clear message rather than
// stored, so a hostile string never reaches a page or a report.
const NAME_PATTERN = /^[\p{L}\p{N}\p{M} ·()（）\-_.、，,]+$/u;

export const plainName = (max = 60) =>
  z
    .string()
    .trim()
    .min(1, '不能为空')
    .max(max, `不能超过${max}个字符`)
    .regex(NAME_PATTERN, '只能包含文字、数字、空格和 ·（）-_.、，等常用符号');

export const username = z
  .string()
  .trim()
  .min(3, '用户名至少3个字符')
  .max(32, '用户名不能超过32个字符')
  .regex(/^[a-zA-Z0-9_.-]+$/, '用户名只能包含字母、数字、下划线、点和连字符');

export const phone = z
  .string()
  .trim()
  .regex(/^(1\d{10}|0\d{2,3}-?\d{7,8})$/, '请输入有效的手机号或座机号');

/** Free text such as notes: any characters but markup. */
export const plainText = (max = 500) =>
  z
    .string()
    .trim()
    .max(max, `不能超过${max}个字符`)
    .refine((s) => !/[<>]/.test(s), '不能包含尖括号 < >');

/** A region code: 6 digits (GB/T 2260) or longer for streets and grids. */
export const regionCode = z
  .string()
  .trim()
  .regex(/^\d{6,32}$/, '区划代码应为6位以上数字');
