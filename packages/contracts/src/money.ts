/**
 * Money is exact: amounts travel as decimal strings in 万元 (10^4 CNY, two
 * decimals) and are stored as numeric. 亿元 (10^8) is 10^4 万元, so the
 * conversions below shift the decimal point — no floating point anywhere.
 * docs/adr/0006-money.md
 */

const WAN_PATTERN = /^-?\d{1,14}(\.\d{1,2})?$/;
const YI_PATTERN = /^-?\d{1,10}(\.\d{1,6})?$/;

export const isWanAmount = (s: string) => WAN_PATTERN.test(s);
export const isYiAmount = (s: string) => YI_PATTERN.test(s);

function shift(value: string, places: number): string {
  const negative = value.startsWith('-');
  const [int = '0', frac = ''] = (negative ? value.slice(1) : value).split('.');
  let digits = int + frac;
  let point = int.length + places;
  if (point < 1) {
    digits = '0'.repeat(1 - point) + digits;
    point = 1;
  }
  if (point > digits.length) digits = digits.padEnd(point, '0');
  const i = digits.slice(0, point).replace(/^0+(?=\d)/, '') || '0';
  const f = digits.slice(point).replace(/0+$/, '');
  const out = f ? `${i}.${f}` : i;
  return negative && out !== '0' ? `-${out}` : out;
}

/** '2168000' 万元 → '216.8' 亿元 (exact) */
export const wanToYi = (wan: string) => shift(wan, -4);
/** '216.8' 亿元 → '2168000' 万元 (exact; more than 2 decimals of 万元 is refused by isWanAmount) */
export const yiToWan = (yi: string) => shift(yi, 4);

/** Rounds a decimal string half-up to `decimals` places, exactly. */
export function roundDecimal(value: string, decimals: number): string {
  const negative = value.startsWith('-');
  const [int = '0', frac = ''] = (negative ? value.slice(1) : value).split('.');
  if (frac.length <= decimals) return value;
  const keep = BigInt(int + frac.slice(0, decimals));
  const rounded = frac[decimals]! >= '5' ? keep + 1n : keep;
  const s = rounded.toString().padStart(decimals + 1, '0');
  const fracPart = decimals ? s.slice(-decimals).replace(/0+$/, '') : '';
  const intPart = decimals ? s.slice(0, -decimals) : s;
  const out = fracPart ? `${intPart}.${fracPart}` : intPart;
  return negative && out !== '0' ? `-${out}` : out;
}

/** For display: 万元 → '216.8亿元' with at most `decimals` places. */
export const formatYi = (wan: string, decimals = 2) =>
  `${roundDecimal(wanToYi(wan), decimals)}亿元`;

/** Sum of decimal strings, exactly (BigInt on a common scale). */
export function sumDecimals(values: string[], scale = 6): string {
  let total = 0n;
  for (const v of values) {
    const negative = v.startsWith('-');
    const [int = '0', frac = ''] = (negative ? v.slice(1) : v).split('.');
    const n = BigInt(int + frac.padEnd(scale, '0').slice(0, scale));
    total += negative ? -n : n;
  }
  const negative = total < 0n;
  const s = (negative ? -total : total).toString().padStart(scale + 1, '0');
  const out = `${s.slice(0, -scale)}.${s.slice(-scale)}`.replace(/\.?0+$/, '');
  return negative ? `-${out}` : out;
}

/** Compares two decimal strings exactly: -1, 0 or 1 (digit by digit: an import compares per row). */
export function compareDecimals(a: string, b: string): number {
  const na = a.startsWith('-');
  const nb = b.startsWith('-');
  const c = compareMagnitudes(na ? a.slice(1) : a, nb ? b.slice(1) : b);
  if (na === nb) return na ? -c : c;
  // different signs: equal only when both are zero
  if (c === 0 && /^[0.]*$/.test(na ? a.slice(1) : a)) return 0;
  return na ? -1 : 1;
}

function compareMagnitudes(a: string, b: string): number {
  const [ai = '', af = ''] = a.split('.');
  const [bi = '', bf = ''] = b.split('.');
  const x = ai.replace(/^0+/, '');
  const y = bi.replace(/^0+/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  if (x !== y) return x < y ? -1 : 1;
  const n = Math.max(af.length, bf.length);
  const p = af.padEnd(n, '0');
  const q = bf.padEnd(n, '0');
  return p === q ? 0 : p < q ? -1 : 1;
}
