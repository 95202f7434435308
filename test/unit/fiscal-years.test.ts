import { type ArchivedFiscalYear, fiscalYearOf, fiscalYearsToArchive } from '../../src/ledger/fiscal-years';

describe('S3: a month belongs to the fiscal year that contains it, filed under the year it closes', () => {
  it.each([
    // month, first month of the fiscal year, fiscal year, start, end
    ['2026-01', 1, 2026, '2026-01-01', '2026-12-31'], // the calendar year
    ['2026-12', 1, 2026, '2026-01-01', '2026-12-31'],
    ['2026-01', 7, 2026, '2025-07-01', '2026-06-30'], // from July: January belongs to the year that began last July
    ['2026-06', 7, 2026, '2025-07-01', '2026-06-30'], // June is the last month
    ['2026-07', 7, 2027, '2026-07-01', '2027-06-30'], // July is the first month of the next one
    ['2026-12', 7, 2027, '2026-07-01', '2027-06-30'],
    ['2024-02', 3, 2024, '2023-03-01', '2024-02-29'], // from March: it closes on the leap day
    ['2023-02', 3, 2023, '2022-03-01', '2023-02-28'],
    ['2024-03', 3, 2025, '2024-03-01', '2025-02-28'],
    ['2026-01', 2, 2026, '2025-02-01', '2026-01-31'], // from February
    ['2026-02', 2, 2027, '2026-02-01', '2027-01-31'],
    ['2026-11', 12, 2026, '2025-12-01', '2026-11-30'], // from December
    ['2026-12', 12, 2027, '2026-12-01', '2027-11-30'],
  ])('%s with fiscal years from month %d: %d (%s to %s)', (yearMonth, startMonth, fiscalYear, start, end) => {
    expect(fiscalYearOf(yearMonth, startMonth)).toEqual({ fiscalYear, start, end });
  });
});

/** A fiscal year to archive: [fiscal year, start, end, selection start, selection end]. */
type Row = [number, string, string, string, string];
const rows = (years: ArchivedFiscalYear[]): Row[] => years.map((y) => [y.fiscalYear, y.start, y.end, y.selectionStart, y.selectionEnd]);

describe('S3, A2: each fiscal year that overlaps the responsibility period is archived for the months inside the period', () => {
  it.each<[string, string, string, number, string, Row[]]>([
    [
      'fiscal years from July, the period starting and ending inside one',
      '2024-03',
      '2026-09',
      7,
      '2026-12-01',
      [
        [2024, '2023-07-01', '2024-06-30', '2024-03-01', '2024-06-30'],
        [2025, '2024-07-01', '2025-06-30', '2024-07-01', '2025-06-30'],
        [2026, '2025-07-01', '2026-06-30', '2025-07-01', '2026-06-30'],
        [2027, '2026-07-01', '2027-06-30', '2026-07-01', '2026-09-30'],
      ],
    ],
    ['a period inside one fiscal year from July, across New Year', '2025-09', '2026-02', 7, '2026-03-15', [[2026, '2025-07-01', '2026-06-30', '2025-09-01', '2026-02-28']]],
    ['exactly one fiscal year from July', '2025-07', '2026-06', 7, '2026-07-01', [[2026, '2025-07-01', '2026-06-30', '2025-07-01', '2026-06-30']]],
    ['one month', '2026-06', '2026-06', 7, '2026-07-01', [[2026, '2025-07-01', '2026-06-30', '2026-06-01', '2026-06-30']]],
    ['a period ending in a leap February', '2027-07', '2028-02', 7, '2028-03-01', [[2028, '2027-07-01', '2028-06-30', '2027-07-01', '2028-02-29']]],
    [
      'fiscal years from March, across a leap year',
      '2023-06',
      '2024-05',
      3,
      '2024-06-01',
      [
        [2024, '2023-03-01', '2024-02-29', '2023-06-01', '2024-02-29'],
        [2025, '2024-03-01', '2025-02-28', '2024-03-01', '2024-05-31'],
      ],
    ],
    [
      'calendar years, the period from June to June',
      '2025-06',
      '2026-06',
      1,
      '2026-07-01',
      [
        [2025, '2025-01-01', '2025-12-31', '2025-06-01', '2025-12-31'],
        [2026, '2026-01-01', '2026-12-31', '2026-01-01', '2026-06-30'],
      ],
    ],
  ])('%s: %s to %s', (_what, from, to, startMonth, generationDate, expected) => {
    expect(rows(fiscalYearsToArchive(from, to, startMonth, generationDate))).toEqual(expected);
  });
});

describe('S3, S5: fiscal years that ended more than five years before the generation date are not archived', () => {
  it.each([
    // what, from, to, first month of the fiscal year, generation date, the fiscal years archived
    ['calendar years', '2015-01', '2026-10', 1, '2026-12-01', [2021, 2022, 2023, 2024, 2025, 2026]],
    ['calendar years, generated on New Year’s Eve: 2021 ended exactly five years before', '2015-01', '2026-12', 1, '2026-12-31', [2021, 2022, 2023, 2024, 2025, 2026]],
    ['calendar years, generated on New Year’s Day', '2015-01', '2026-12', 1, '2027-01-01', [2022, 2023, 2024, 2025, 2026]],
    ['from July, generated on 30 June: the year ending 30 June 2021 is kept', '2018-07', '2026-06', 7, '2026-06-30', [2021, 2022, 2023, 2024, 2025, 2026]],
    ['from July, generated on 1 July: it is not', '2018-07', '2026-06', 7, '2026-07-01', [2022, 2023, 2024, 2025, 2026]],
    ['from March, generated on 28 February 2029: the year ending on the leap day 2024 is kept', '2022-03', '2029-02', 3, '2029-02-28', [2024, 2025, 2026, 2027, 2028, 2029]],
    ['from March, generated on 1 March 2029: it is not', '2022-03', '2029-02', 3, '2029-03-01', [2025, 2026, 2027, 2028, 2029]],
    ['from March, generated the day after a leap day', '2018-03', '2024-02', 3, '2024-03-01', [2020, 2021, 2022, 2023, 2024]],
    ['a period that ended more than five years ago', '2015-01', '2019-12', 1, '2026-12-01', []],
  ])('%s', (_what, from, to, startMonth, generationDate, fiscalYears) => {
    expect(fiscalYearsToArchive(from, to, startMonth, generationDate).map((y) => y.fiscalYear)).toEqual(fiscalYears);
  });

  // Counting five years back from a leap day lands on 28 February (clamped), which kept a fiscal year that closed on
  // 28 February 2019 although its duty to be kept ended on 28 February 2024 (`keepUntil`, which retention deletes by).
  it('generated on 29 February 2024, the fiscal year that closed on 28 February 2019 is past its duty and not archived', () => {
    expect(fiscalYearsToArchive('2018-03', '2024-02', 3, '2024-02-29').map((y) => y.fiscalYear)).toEqual([2020, 2021, 2022, 2023, 2024]);
  });

  it('a cut period keeps its selection: the oldest year kept is archived whole when the period began before it', () => {
    const [oldest] = fiscalYearsToArchive('2015-01', '2026-10', 1, '2026-12-01');
    expect(oldest).toEqual({ fiscalYear: 2021, start: '2021-01-01', end: '2021-12-31', selectionStart: '2021-01-01', selectionEnd: '2021-12-31' });
  });
});
