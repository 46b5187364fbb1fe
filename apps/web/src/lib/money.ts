/**
 * Money in the forms and tables: the API speaks 万元, people speak 亿元.
 * Exact decimal arithmetic from the contracts (money.ts), never floats.
 */
import { isWanAmount, roundDecimal, wanToYi, yiToWan } from '@xiangmu/contracts';

const YI_INPUT = /^\d{1,10}(\.\d{1,6})?$/;

/** '12.5' 亿元 (as typed) → '125000' 万元, or null when it is not a valid non-negative amount. */
export function yiInputToWan(input: string | null | undefined): string | null {
  const s = (input ?? '').trim();
  if (!YI_INPUT.test(s)) return null;
  const wan = yiToWan(s);
  return isWanAmount(wan) ? wan : null;
}

/** Validation message for a 亿元 input, or null when fine. */
export function yiInputProblem(input: string | null | undefined): string | null {
  const s = (input ?? '').trim();
  if (s === '') return null;
  if (s.startsWith('-')) return '金额不能为负数';
  if (!/^\d+(\.\d+)?$/.test(s)) return '请输入数字金额（亿元），如 12.5';
  if (!/^\d{1,10}(\.\d+)?$/.test(s)) return '金额过大';
  if (!YI_INPUT.test(s)) return '亿元金额最多6位小数（精确到百元）';
  return null;
}

/** '2168000.00' 万元 → '216.8' 亿元, exact, without trailing zeros (for form inputs). */
export const wanToYiInput = (wan: string) => wanToYi(wan);

/** '2168000.00' 万元 → '216.80' (亿元, fixed decimals, for number columns). */
export function yiFixed(wan: string, decimals = 2): string {
  const r = roundDecimal(wanToYi(wan), decimals);
  if (decimals === 0) return r;
  const [i, f = ''] = r.split('.');
  return `${i}.${f.padEnd(decimals, '0')}`;
}

/** a ≤ b for two non-negative 万元 strings, exactly. */
export function wanNotGreater(a: string, b: string): boolean {
  const scaled = (v: string) => {
    const [i = '0', f = ''] = v.split('.');
    return BigInt(i + f.padEnd(2, '0').slice(0, 2));
  };
  return scaled(a) <= scaled(b);
}
