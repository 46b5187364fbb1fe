import { describe, expect, it } from 'vitest';
import { isValidCreditCode, creditCodeCheckChar } from './credit-code';
import {
  compareDecimals,
  formatYi,
  isWanAmount,
  roundDecimal,
  sumDecimals,
  wanToYi,
  yiToWan,
} from './money';

describe('money in 万元 and 亿元, exactly', () => {
  it.each([
    ['2168000', '216.8'],
    ['2168000.00', '216.8'],
    ['850000', '85'],
    ['1.5', '0.00015'],
    ['0', '0'],
    ['12345678901234.56', '1234567890.123456'],
  ])('%s 万元 = %s 亿元 and back', (wan, yi) => {
    expect(wanToYi(wan)).toBe(yi);
    expect(Number(yiToWan(yi))).toBe(Number(wan)); // same value, trailing zeros aside
    expect(wanToYi(yiToWan(yi))).toBe(yi);
  });

  it('adds the seed figures without float error: 85 + 91.9 + 39.9 = 216.8', () => {
    expect(sumDecimals(['85', '91.9', '39.9'])).toBe('216.8');
    expect(0.1 + 0.2).not.toBe(0.3); // why floats are not used
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(sumDecimals([])).toBe('0');
  });

  it('compares exactly', () => {
    expect(compareDecimals('300000.00', '300000')).toBe(0);
    expect(compareDecimals('100.01', '100')).toBe(1);
    expect(compareDecimals('0.1', '0.2')).toBe(-1);
    // digit by digit, whatever the lengths and signs
    expect(compareDecimals('99.99', '100')).toBe(-1);
    expect(compareDecimals('0100.5', '100.50')).toBe(0);
    expect(compareDecimals('-3', '2')).toBe(-1);
    expect(compareDecimals('-3', '-2')).toBe(-1);
    expect(compareDecimals('-0.00', '0')).toBe(0);
    expect(compareDecimals('0', '-0.01')).toBe(1);
    expect(compareDecimals('12345678901234.56', '12345678901234.55')).toBe(1);
    expect(compareDecimals('.5', '0.4')).toBe(1);
  });

  it('rounds half up for display', () => {
    expect(roundDecimal('216.849', 1)).toBe('216.8');
    expect(roundDecimal('216.85', 1)).toBe('216.9');
    expect(roundDecimal('10', 0)).toBe('10');
    expect(roundDecimal('9.96', 1)).toBe('10');
    expect(formatYi('2168000')).toBe('216.8亿元');
    expect(formatYi('1234567', 2)).toBe('123.46亿元');
  });

  it('accepts only plain decimals of at most two places', () => {
    for (const ok of ['0', '12', '12.3', '12.34']) expect(isWanAmount(ok)).toBe(true);
    for (const bad of ['', '1e5', '12.345', '1,000', ' 12', 'NaN', '0x10'])
      expect(isWanAmount(bad)).toBe(false);
  });
});

describe('统一社会信用代码 (GB 32100)', () => {
  it('accepts a real-format code and refuses a wrong check character', () => {
    expect(isValidCreditCode('91350100M000100Y43')).toBe(true);
    expect(isValidCreditCode('91350100M000100Y44')).toBe(false);
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
  });
  it('refuses letters outside the code set and wrong lengths', () => {
    expect(isValidCreditCode('91350100M000100Z43')).toBe(false); // Z is not used
    expect(isValidCreditCode('91350100M000100Y4')).toBe(false);
    expect(isValidCreditCode('91350100m000100y43')).toBe(false); // the schema upper-cases first
  });
});
