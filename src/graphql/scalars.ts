import { GraphQLScalarType, Kind, ValueNode } from 'graphql';
import { isValidDate, isValidYearMonth } from '../common/calendar';
import { badUserInput } from './api-errors';

function stringLiteral(ast: ValueNode, scalar: string): string {
  if (ast.kind !== Kind.STRING) throw badUserInput(`${scalar} must be a string.`);
  return ast.value;
}

function strict(scalar: string, check: (value: string) => boolean, example: string) {
  return (value: unknown): string => {
    if (typeof value !== 'string' || !check(value)) {
      throw badUserInput(`${JSON.stringify(value)} is not a valid ${scalar}; expected ${example}.`);
    }
    return value;
  };
}

const parseDate = strict('Date', isValidDate, 'a calendar date like 2027-01-31');
export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'Calendar date, ISO 8601 (2027-01-31). Business dates are Europe/Oslo dates.',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : parseDate(value)),
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(stringLiteral(ast, 'Date')),
});

const parseYearMonth = strict('YearMonth', isValidYearMonth, 'an accounting month like 2026-06');
export const YearMonthScalar = new GraphQLScalarType({
  name: 'YearMonth',
  description: 'Accounting month, YYYY-MM (2026-06).',
  serialize: parseYearMonth,
  parseValue: parseYearMonth,
  parseLiteral: (ast) => parseYearMonth(stringLiteral(ast, 'YearMonth')),
});

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !DATE_TIME.test(value) || !isValidDate(value.slice(0, 10))) {
    throw badUserInput(`${JSON.stringify(value)} is not a valid DateTime; expected ISO 8601 with an offset, like 2027-01-31T00:00:00+01:00.`);
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badUserInput(`${JSON.stringify(value)} is not a valid DateTime.`);
  return date;
}
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'Instant, ISO 8601 with offset (2027-01-31T00:00:00+01:00 or ...Z).',
  serialize: (value) => {
    if (value instanceof Date) return value.toISOString();
    return parseDateTime(value).toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(stringLiteral(ast, 'DateTime')),
});
