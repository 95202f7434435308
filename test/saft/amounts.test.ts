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

  it('read digit by digit as the pattern reads them, for every shape of text', () => {
    const byPattern = (text: string): number | 'refused' => {
      const match = /^(-?)(\d{1,16})(?:\.(\d{1,2}))?$/.exec(text.trim());
      if (!match) return 'refused';
      const ore = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
      return match[1] === '-' ? -ore : ore;
    };
    const parsed = (text: string): number | 'refused' => {
      try {
        return parseAmount(text);
      } catch (error) {
        expect(error).toBeInstanceOf(RangeError);
        return 'refused';
      }
    };
    const pieces = ['', '-', '0', '7', '12', '999999999999999', '9999999999999999', '99999999999999999', '.', '.5', '.05', '.123', ' ', '\n', 'x', '+', '1e3', '٣'];
    let compared = 0;
    for (const a of pieces) for (const b of pieces) for (const c of pieces) {
      const text = a + b + c;
      expect([text, parsed(text)]).toEqual([text, byPattern(text)]);
      compared++;
    }
    expect(Object.is(parseAmount('-0.00'), -0)).toBe(true);
    expect(compared).toBe(pieces.length ** 3);
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
