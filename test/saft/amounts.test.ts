import { formatAmount, parseAmount } from '../../src/saft';

describe('amounts in øre', () => {
  it('parse kroner with up to 2 decimals exactly', () => {
    expect(parseAmount('1234.50')).toBe(123450);
    expect(parseAmount('1234.5')).toBe(123450);
    expect(parseAmount('25000')).toBe(2500000);
    expect(parseAmount('-0.01')).toBe(-1);
    expect(parseAmount('0.07')).toBe(7);
    expect(parseAmount(' 12.30 ')).toBe(1230);
  });

  it('refuse more than 2 decimals and anything not a plain decimal', () => {
    for (const bad of ['37500.001', '1,5', '1e3', '', '12.', '.5', 'abc', '1 000.00', '+5', 'NaN']) {
      expect(() => parseAmount(bad)).toThrow(RangeError);
    }
  });

  it('format with exactly 2 decimals and no separators', () => {
    expect(formatAmount(123450)).toBe('1234.50');
    expect(formatAmount(7)).toBe('0.07');
    expect(formatAmount(0)).toBe('0.00');
    expect(formatAmount(-250)).toBe('-2.50');
    expect(formatAmount(123456789012345)).toBe('1234567890123.45');
    expect(() => formatAmount(1.5)).toThrow(RangeError);
  });
});
