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

/** The last day a fiscal year's documents must be kept: its end + max(5, the client's retention years) years (S5). */
export function keepUntil(fiscalYearEnd: string, retentionYears: number = MINIMUM_RETENTION_YEARS): string {
  const years = Math.max(MINIMUM_RETENTION_YEARS, retentionYears);
  return DateTime.fromISO(fiscalYearEnd, { zone: 'UTC' }).plus({ years }).toISODate()!;
}

/**
 * The first day the yearly retention job (00:00 on 1 January, DESIGN S5) may delete a document: the first 1 January
 * after `keepUntil`.
 */
export function firstDeletionDay(fiscalYearEnd: string, retentionYears: number = MINIMUM_RETENTION_YEARS): string {
  return `${Number(keepUntil(fiscalYearEnd, retentionYears).slice(0, 4)) + 1}-01-01`;
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
 * "At most 5 fiscal years back" (DESIGN S3): only fiscal years still under the duty to keep them on the generation
 * date (`keepUntil`, the same arithmetic retention deletes by); anything older would be due for deletion (S5) the
 * moment it was written. Counting forward from the year's end, not back from the generation date, keeps the two equal
 * on 29 February.
 */
export function fiscalYearsToArchive(
  responsibilityFrom: string,
  responsibilityTo: string,
  fiscalYearStartMonth: number,
  generationDate: string,
): ArchivedFiscalYear[] {
  const periodStart = firstDayOf(responsibilityFrom);
  const periodEnd = lastDayOf(responsibilityTo);
  const years: ArchivedFiscalYear[] = [];
  let year = fiscalYearOf(responsibilityFrom, fiscalYearStartMonth);
  while (year.start <= periodEnd) {
    if (keepUntil(year.end) >= generationDate) {
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
