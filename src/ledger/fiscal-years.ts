import { DateTime } from 'luxon';
import { firstDayOf, lastDayOf } from '../common/calendar';

/** Fiscal years are kept this long after they end (bookkeeping act § 13; DESIGN S5): older ones are not generated. */
export const MINIMUM_RETENTION_YEARS = 5;

export interface FiscalYear {
  /** The calendar year in which the fiscal year closes: its folder and `fiscalYear` (DESIGN S3). */
  fiscalYear: number;
  start: string;
  end: string;
}

/** One fiscal year's archive file: the year, and the part of it the file covers. */
export interface ArchivedFiscalYear extends FiscalYear {
  selectionStart: string;
  selectionEnd: string;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The fiscal year a month (YYYY-MM) belongs to, for fiscal years starting in `startMonth` (1 = calendar year). */
export function fiscalYearOf(yearMonth: string, startMonth: number): FiscalYear {
  const [year, month] = yearMonth.split('-').map(Number);
  const startYear = month >= startMonth ? year : year - 1;
  const endMonth = startMonth === 1 ? 12 : startMonth - 1;
  const endYear = startMonth === 1 ? startYear : startYear + 1;
  return {
    fiscalYear: endYear,
    start: firstDayOf(`${startYear}-${pad(startMonth)}`),
    end: lastDayOf(`${endYear}-${pad(endMonth)}`),
  };
}

/**
 * The fiscal years to archive for a responsibility period (YYYY-MM, inclusive), each with its selection: the part of
 * the fiscal year inside the responsibility period. The ending partner archives the months it kept the books for —
 * no more, so it receives nothing of the months before or after it (DESIGN A2); the balances at the selection start
 * make each file complete on its own.
 *
 * "At most 5 fiscal years back" (DESIGN S3): only fiscal years that end at most `MINIMUM_RETENTION_YEARS` years
 * before the generation date — those still under the duty to keep them; anything older would be due for deletion
 * (S5) the moment it was written.
 */
export function fiscalYearsToArchive(
  responsibilityFrom: string,
  responsibilityTo: string,
  fiscalYearStartMonth: number,
  generationDate: string,
): ArchivedFiscalYear[] {
  const periodStart = firstDayOf(responsibilityFrom);
  const periodEnd = lastDayOf(responsibilityTo);
  const oldestEnd = DateTime.fromISO(generationDate, { zone: 'UTC' }).minus({ years: MINIMUM_RETENTION_YEARS }).toISODate()!;
  const years: ArchivedFiscalYear[] = [];
  let year = fiscalYearOf(responsibilityFrom, fiscalYearStartMonth);
  while (year.start <= periodEnd) {
    if (year.end >= oldestEnd) {
      years.push({
        ...year,
        selectionStart: year.start > periodStart ? year.start : periodStart,
        selectionEnd: year.end < periodEnd ? year.end : periodEnd,
      });
    }
    year = fiscalYearOf(DateTime.fromISO(year.end, { zone: 'UTC' }).plus({ days: 1 }).toFormat('yyyy-MM'), fiscalYearStartMonth);
  }
  return years;
}
