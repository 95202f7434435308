/** Strict calendar values: YYYY-MM-DD dates and YYYY-MM accounting months. */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const YEAR_MONTH = /^(\d{4})-(\d{2})$/;

export function isValidDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

export function isValidYearMonth(value: string): boolean {
  const m = YEAR_MONTH.exec(value);
  if (!m) return false;
  const [year, month] = [Number(m[1]), Number(m[2])];
  return year >= 1900 && month >= 1 && month <= 12;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The month (YYYY-MM) a date (YYYY-MM-DD) falls in. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/** The first day of a month. */
export function firstDayOf(yearMonth: string): string {
  return `${yearMonth}-01`;
}

/** The last day of a month. */
export function lastDayOf(yearMonth: string): string {
  const [year, month] = yearMonth.split('-').map(Number);
  return `${yearMonth}-${String(daysInMonth(year, month)).padStart(2, '0')}`;
}
