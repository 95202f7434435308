import { DateTime } from 'luxon';

/** Business dates are Europe/Oslo calendar dates; instants are UTC (DESIGN S7). */
export const BUSINESS_ZONE = 'Europe/Oslo';

/** The one source of time for every rule (DESIGN S7). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * The system clock moved by a fixed amount: a developer's CLOCK_OFFSET (`+3d`), so that every rule — and the sweeper
 * that finds due tasks — behaves as it will on that day. Development only (config refuses it in production).
 */
export function offsetClock(base: Clock, offsetMs: number): Clock {
  return offsetMs === 0 ? base : { now: () => new Date(base.now().getTime() + offsetMs) };
}

/** The clock a process runs on: the system clock, moved by CLOCK_OFFSET when a developer set one. */
export function processClock(config: { clockOffsetMs: number }): Clock {
  return offsetClock(systemClock, config.clockOffsetMs);
}

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  private current: Date;
  constructor(start: Date | string) {
    this.current = new Date(start);
  }
  now(): Date {
    return new Date(this.current);
  }
  set(instant: Date | string): void {
    this.current = new Date(instant);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Today's Europe/Oslo date as YYYY-MM-DD. */
export function osloToday(clock: Clock): string {
  return osloDateOf(clock.now());
}

export function osloDateOf(instant: Date): string {
  return DateTime.fromJSDate(instant, { zone: BUSINESS_ZONE }).toISODate()!;
}

/** 00:00 Europe/Oslo on the given date, as a UTC instant (right across daylight-saving changes). */
export function osloMidnight(date: string): Date {
  const dt = DateTime.fromISO(date, { zone: BUSINESS_ZONE }).startOf('day');
  if (!dt.isValid) throw new Error(`Not a date: ${date}`);
  return dt.toJSDate();
}

/** date + days, both YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;
}

/** Whole days from a to b (b - a), both YYYY-MM-DD. */
export function daysBetween(a: string, b: string): number {
  return DateTime.fromISO(b, { zone: 'UTC' }).diff(DateTime.fromISO(a, { zone: 'UTC' }), 'days').days;
}
