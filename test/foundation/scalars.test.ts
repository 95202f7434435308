import { GraphQLError } from 'graphql';
import { DateScalar, DateTimeScalar, YearMonthScalar } from '../../src/graphql/scalars';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof GraphQLError ? String(error.extensions.code) : 'NOT_A_GRAPHQL_ERROR';
  }
  return undefined;
}

describe('scalars parse strictly (contract: Date, DateTime, YearMonth)', () => {
  it.each(['2026-02-30', '2026-13-01', '2026-1-01', '2026-01-01T00:00:00Z', '', '20260101', 20260101])('Date refuses %p with BAD_USER_INPUT', (value) => {
    expect(codeOf(() => DateScalar.parseValue(value))).toBe('BAD_USER_INPUT');
  });

  it('Date accepts real dates, leap days included', () => {
    expect(DateScalar.parseValue('2028-02-29')).toBe('2028-02-29');
    expect(codeOf(() => DateScalar.parseValue('2027-02-29'))).toBe('BAD_USER_INPUT');
  });

  it.each(['2026-13', '2026-00', '2026-6', '26-06', '2026-06-01'])('YearMonth refuses %p with BAD_USER_INPUT', (value) => {
    expect(codeOf(() => YearMonthScalar.parseValue(value))).toBe('BAD_USER_INPUT');
  });

  it('YearMonth accepts YYYY-MM', () => {
    expect(YearMonthScalar.parseValue('2026-06')).toBe('2026-06');
  });

  it('DateTime needs an offset and a real date, and serializes as UTC', () => {
    expect((DateTimeScalar.parseValue('2027-01-31T00:00:00+01:00') as Date).toISOString()).toBe('2027-01-30T23:00:00.000Z');
    for (const bad of ['2027-01-31T00:00:00', '2027-02-30T00:00:00Z', 'yesterday']) expect(codeOf(() => DateTimeScalar.parseValue(bad))).toBe('BAD_USER_INPUT');
    expect(DateTimeScalar.serialize(new Date('2027-01-30T23:00:00Z'))).toBe('2027-01-30T23:00:00.000Z');
  });
});
