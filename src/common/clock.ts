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

const HOUR_MS = 3_600_000;

/**
 * Oslo's offset from UTC (ms) by UTC hour. Europe/Oslo changes its offset only at whole UTC hours (01:00 UTC), so every
 * instant of a UTC hour has the offset of the hour's start: found once per hour by luxon, then a map lookup (each
 * mutation asks for today's date; the rules call this many times per request).
 */
const osloOffsetByHour = new Map<number, number>();

function osloOffsetMs(time: number): number {
  const hour = Math.floor(time / HOUR_MS);
  let offset = osloOffsetByHour.get(hour);
  if (offset === undefined) {
    offset = DateTime.fromMillis(hour * HOUR_MS, { zone: BUSINESS_ZONE }).offset * 60_000;
    if (osloOffsetByHour.size >= 10_000) osloOffsetByHour.clear();
    osloOffsetByHour.set(hour, offset);
  }
  return offset;
}

/** YYYY-MM-DD of a UTC day, for the years 0000-9999 (luxon's form; other years go through luxon). */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function osloDateOf(instant: Date): string {
  const time = instant.getTime();
  if (!Number.isNaN(time)) {
    const shifted = new Date(time + osloOffsetMs(time));
    const year = shifted.getUTCFullYear();
    if (year >= 1 && year <= 9999) return shifted.toISOString().slice(0, 10);
  }
  return DateTime.fromJSDate(instant, { zone: BUSINESS_ZONE }).toISODate()!;
}

/** Midnights already worked out, by date: an ending's tasks and every check of a generation date ask again. */
const midnights = new Map<string, number>();

/** 00:00 Europe/Oslo on the given date, as a UTC instant (right across daylight-saving changes). */
export function osloMidnight(date: string): Date {
  let time = midnights.get(date);
  if (time === undefined) {
    const dt = DateTime.fromISO(date, { zone: BUSINESS_ZONE }).startOf('day');
    if (!dt.isValid) throw new Error(`Not a date: ${date}`);
    time = dt.toMillis();
    if (midnights.size >= 10_000) midnights.clear();
    midnights.set(date, time);
  }
  return new Date(time);
}

/** date + days, both YYYY-MM-DD: calendar arithmetic on the UTC day (what luxon does in UTC), luxon for anything else. */
export function addDays(date: string, days: number): string {
  const parts = ISO_DATE.exec(date);
  if (parts && Number.isInteger(days)) {
    const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
    const start = new Date(Date.UTC(year, month - 1, day));
    // A real date (not 2026-02-30), in the years where the ISO form is four digits.
    if (year >= 1 && start.getUTCFullYear() === year && start.getUTCMonth() === month - 1 && start.getUTCDate() === day) {
      const sum = new Date(start.getTime() + days * 86_400_000);
      if (sum.getUTCFullYear() >= 1 && sum.getUTCFullYear() <= 9999) return sum.toISOString().slice(0, 10);
    }
  }
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;
}

/** Whole days from a to b (b - a), both YYYY-MM-DD. */
export function daysBetween(a: string, b: string): number {
  return DateTime.fromISO(b, { zone: 'UTC' }).diff(DateTime.fromISO(a, { zone: 'UTC' }), 'days').days;
}
