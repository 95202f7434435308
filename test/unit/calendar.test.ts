import { daysInMonth, firstDayOf, isValidDate, isValidYearMonth, lastDayOf, monthOf } from '../../src/common/calendar';

describe('a Date is a real calendar day written YYYY-MM-DD, from 1900 on', () => {
  it.each([
    ['2026-01-31', true],
    ['2026-02-28', true],
    ['2026-02-29', false], // 2026 is no leap year
    ['2028-02-29', true], // every fourth year is
    ['2100-02-29', false], // except whole centuries
    ['2000-02-29', true], // except every fourth century
    ['1900-02-29', false],
    ['1900-01-01', true], // the first day accepted
    ['1899-12-31', false],
    ['9999-12-31', true],
    ['2026-04-30', true],
    ['2026-04-31', false], // April has 30 days
    ['2026-06-31', false],
    ['2026-09-31', false],
    ['2026-11-31', false],
    ['2026-12-31', true],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-01-00', false],
    ['2026-01-32', false],
    ['2026-1-05', false], // two-digit month and day only
    ['2026-01-5', false],
    ['26-01-05', false],
    ['2026/01/05', false],
    ['2026-01-05T00:00:00Z', false], // a date, not an instant
    [' 2026-01-05', false],
    ['2026-01-05\n', false],
    ['', false],
  ])('%j: %s', (value, valid) => {
    expect(isValidDate(value)).toBe(valid);
  });
});

describe('a YearMonth is an accounting month written YYYY-MM, from 1900 on', () => {
  it.each([
    ['2026-01', true],
    ['2026-12', true],
    ['2028-02', true],
    ['1900-01', true],
    ['1899-12', false],
    ['2026-00', false],
    ['2026-13', false],
    ['2026-1', false],
    ['2026-01-01', false], // a date, not a month
    ['202601', false],
    ['', false],
  ])('%j: %s', (value, valid) => {
    expect(isValidYearMonth(value)).toBe(valid);
  });
});

describe('months have their lengths, February 29 days in a leap year', () => {
  it.each([
    [2026, 1, 31],
    [2026, 2, 28],
    [2028, 2, 29],
    [2000, 2, 29],
    [1900, 2, 28],
    [2100, 2, 28],
    [2026, 3, 31], // the month clocks go forward
    [2026, 4, 30],
    [2026, 6, 30], // a fiscal year from July closes on 30 June
    [2026, 7, 31],
    [2026, 9, 30],
    [2026, 10, 31], // the month clocks go back
    [2026, 11, 30],
    [2026, 12, 31],
  ])('%d-%d has %d days', (year, month, days) => {
    expect(daysInMonth(year, month)).toBe(days);
  });
});

describe('a month runs from its first to its last day', () => {
  it.each([
    // month, first day, last day
    ['2026-01', '2026-01-01', '2026-01-31'],
    ['2026-02', '2026-02-01', '2026-02-28'],
    ['2028-02', '2028-02-01', '2028-02-29'],
    ['2000-02', '2000-02-01', '2000-02-29'],
    ['2100-02', '2100-02-01', '2100-02-28'],
    ['2026-04', '2026-04-01', '2026-04-30'],
    ['2026-06', '2026-06-01', '2026-06-30'],
    ['2026-12', '2026-12-01', '2026-12-31'],
  ])('%s runs from %s to %s', (yearMonth, first, last) => {
    expect(firstDayOf(yearMonth)).toBe(first);
    expect(lastDayOf(yearMonth)).toBe(last);
    expect(monthOf(first)).toBe(yearMonth);
    expect(monthOf(last)).toBe(yearMonth);
  });
});
