import { DateTime } from 'luxon';
import { addDays, BUSINESS_ZONE, daysBetween, ManualClock, osloDateOf, osloMidnight, osloToday } from '../../src/common/clock';

const HOUR = 3_600_000;

describe('S7: the date of an instant is its Europe/Oslo calendar date', () => {
  it.each([
    // instant (UTC), Oslo date
    ['2026-01-15T12:00:00Z', '2026-01-15'],
    ['2026-01-15T22:59:59.999Z', '2026-01-15'], // 23:59 in winter (+01:00)
    ['2026-01-15T23:00:00Z', '2026-01-16'], // midnight in winter
    ['2026-07-01T21:59:59.999Z', '2026-07-01'], // 23:59 in summer (+02:00)
    ['2026-07-01T22:00:00Z', '2026-07-02'], // midnight in summer
    ['2026-03-28T23:00:00Z', '2026-03-29'], // midnight before clocks go forward (+01:00)
    ['2026-03-29T00:59:59.999Z', '2026-03-29'], // 01:59:59 (+01:00), just before the change
    ['2026-03-29T01:00:00Z', '2026-03-29'], // 03:00 (+02:00), just after
    ['2026-03-29T21:59:59.999Z', '2026-03-29'], // 23:59 (+02:00)
    ['2026-03-29T22:00:00Z', '2026-03-30'],
    ['2026-10-24T21:59:59.999Z', '2026-10-24'], // 23:59 (+02:00) before clocks go back
    ['2026-10-24T22:00:00Z', '2026-10-25'],
    ['2026-10-25T00:30:00Z', '2026-10-25'], // 02:30 (+02:00), the first time
    ['2026-10-25T01:30:00Z', '2026-10-25'], // 02:30 (+01:00), the second time
    ['2026-10-25T22:59:59.999Z', '2026-10-25'], // 23:59 (+01:00)
    ['2026-10-25T23:00:00Z', '2026-10-26'],
    ['2026-12-31T22:59:59.999Z', '2026-12-31'],
    ['2026-12-31T23:00:00Z', '2027-01-01'], // New Year in Oslo, the old year in UTC
    ['2028-02-28T23:00:00Z', '2028-02-29'], // the leap day
    ['2028-02-29T23:00:00Z', '2028-03-01'],
    ['2027-02-28T23:00:00Z', '2027-03-01'], // no leap day in 2027
  ])('%s is %s in Oslo', (instant, date) => {
    expect(osloDateOf(new Date(instant))).toBe(date);
    expect(osloToday(new ManualClock(instant))).toBe(date);
  });
});

describe('S1, S7: midnight in Oslo is 23:00 UTC in winter and 22:00 UTC in summer', () => {
  it.each([
    // date, 00:00 Europe/Oslo as a UTC instant
    ['2026-01-15', '2026-01-14T23:00:00.000Z'],
    ['2026-07-01', '2026-06-30T22:00:00.000Z'], // a fiscal year from July starts in summer time
    ['2026-03-29', '2026-03-28T23:00:00.000Z'], // clocks go forward at 02:00 that night: midnight is still +01:00
    ['2026-03-30', '2026-03-29T22:00:00.000Z'],
    ['2026-10-25', '2026-10-24T22:00:00.000Z'], // clocks go back at 03:00 that night: midnight is still +02:00
    ['2026-10-26', '2026-10-25T23:00:00.000Z'],
    ['2027-03-28', '2027-03-27T23:00:00.000Z'],
    ['2027-10-31', '2027-10-30T22:00:00.000Z'],
    ['2027-01-01', '2026-12-31T23:00:00.000Z'],
    ['2028-02-29', '2028-02-28T23:00:00.000Z'],
    ['2028-03-01', '2028-02-29T23:00:00.000Z'],
  ])('00:00 on %s is %s', (date, instant) => {
    expect(osloMidnight(date).toISOString()).toBe(instant);
  });

  it.each([
    // date, hours in that Oslo day
    ['2026-03-28', 24],
    ['2026-03-29', 23], // last Sunday of March
    ['2026-03-30', 24],
    ['2026-10-24', 24],
    ['2026-10-25', 25], // last Sunday of October
    ['2026-10-26', 24],
    ['2027-03-28', 23],
    ['2027-10-31', 25],
    ['2028-03-26', 23],
    ['2028-10-29', 25],
    ['2028-02-29', 24],
  ])('%s lasts %d hours in Oslo', (date, hours) => {
    expect((osloMidnight(addDays(date, 1)).getTime() - osloMidnight(date).getTime()) / HOUR).toBe(hours);
  });

  it('every day of the months the clocks change, 2025 to 2028, starts at its own midnight: the instant before is the day before', () => {
    const misplaced: string[] = [];
    for (const year of [2025, 2026, 2027, 2028]) {
      for (const month of ['03', '10']) {
        for (let date = `${year}-${month}-01`; date <= `${year}-${month}-31`; date = addDays(date, 1)) {
          const midnight = osloMidnight(date);
          if (osloDateOf(midnight) !== date || osloDateOf(new Date(midnight.getTime() - 1)) !== addDays(date, -1)) misplaced.push(date);
        }
      }
    }
    expect(misplaced).toEqual([]);
  });

  it.each(['2026-02-29', '2026-04-31', '2026-13-01', 'tomorrow', ''])('refuses %j, which is not a date', (value) => {
    expect(() => osloMidnight(value)).toThrow(`Not a date: ${value}`);
  });
});

describe('days are added on the calendar, whatever the clocks do', () => {
  it.each([
    // date, days, result
    ['2026-06-15', 0, '2026-06-15'],
    ['2026-01-31', 1, '2026-02-01'], // month end
    ['2026-04-30', 1, '2026-05-01'],
    ['2026-02-28', 1, '2026-03-01'], // no leap day in 2026
    ['2028-02-28', 1, '2028-02-29'], // the leap day
    ['2028-02-29', 1, '2028-03-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2028-03-01', -1, '2028-02-29'],
    ['2026-12-31', 1, '2027-01-01'], // year end
    ['2027-01-01', -1, '2026-12-31'],
    ['2026-03-28', 1, '2026-03-29'], // into the 23-hour day
    ['2026-03-29', 1, '2026-03-30'], // out of it
    ['2026-10-25', 1, '2026-10-26'], // out of the 25-hour day
    ['2026-01-31', 30, '2026-03-02'],
    ['2026-06-15', 366, '2027-06-16'],
    ['2027-02-28', 366, '2028-02-29'],
    ['2028-02-29', 366, '2029-03-01'],
    ['2026-06-15', -366, '2025-06-14'],
  ])('%s %d day(s) is %s', (date, days, result) => {
    expect(addDays(date, days)).toBe(result);
  });

  it.each([
    // from, to, whole days between
    ['2026-06-15', '2026-06-15', 0],
    ['2026-03-28', '2026-03-30', 2], // across the 23-hour day
    ['2026-10-24', '2026-10-26', 2], // across the 25-hour day
    ['2027-02-28', '2027-03-01', 1],
    ['2028-02-28', '2028-03-01', 2],
    ['2026-01-01', '2027-01-01', 365],
    ['2028-01-01', '2029-01-01', 366],
    ['2026-07-01', '2027-06-30', 364], // a fiscal year from July, first to last day
    ['2027-01-01', '2026-12-31', -1],
  ])('from %s to %s is %d day(s)', (a, b, days) => {
    expect(daysBetween(a, b)).toBe(days);
    expect(addDays(a, days)).toBe(b);
  });
});

describe('a manual clock moves only when told to', () => {
  it('keeps its instant, whatever a caller does with the Date it got', () => {
    const clock = new ManualClock('2026-03-28T12:00:00Z');
    clock.now().setUTCFullYear(2030);
    expect(clock.now().toISOString()).toBe('2026-03-28T12:00:00.000Z');
  });

  it('moves by set and advance, and today follows Oslo across the night clocks go forward', () => {
    const clock = new ManualClock(new Date('2026-03-28T22:30:00Z'));
    expect(osloToday(clock)).toBe('2026-03-28'); // 23:30 (+01:00)
    clock.advance(HOUR);
    expect(osloToday(clock)).toBe('2026-03-29'); // 00:30 (+01:00)
    clock.advance(23 * HOUR);
    expect(clock.now().toISOString()).toBe('2026-03-29T22:30:00.000Z');
    expect(osloToday(clock)).toBe('2026-03-30'); // 00:30 (+02:00): the day had 23 hours
    clock.set('2026-10-25T22:30:00Z');
    expect(osloToday(clock)).toBe('2026-10-25'); // 23:30 (+01:00): the day has 25 hours
  });
});

describe('the date helpers answer as luxon does, without asking it each time', () => {
  const luxonDateOf = (instant: Date) => DateTime.fromJSDate(instant, { zone: BUSINESS_ZONE }).toISODate();
  const luxonMidnight = (date: string) => DateTime.fromISO(date, { zone: BUSINESS_ZONE }).startOf('day').toMillis();
  const luxonAddDays = (date: string, days: number) => DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate();

  it("an instant's Oslo date: every 47 minutes from 2024 to 2028 (each hour at other minutes), the seconds around each change of the clocks, and far years", () => {
    const from = Date.UTC(2024, 0, 1);
    const to = Date.UTC(2028, 11, 31);
    let checked = 0;
    for (let t = from; t < to; t += 47 * 60_000) {
      const instant = new Date(t);
      expect(osloDateOf(instant)).toBe(luxonDateOf(instant));
      checked++;
    }
    for (const edge of ['2025-03-30T01:00:00Z', '2025-10-26T01:00:00Z', '2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', '2025-12-31T23:00:00Z', '2026-06-30T22:00:00Z']) {
      for (const delta of [-1, 0, 1, -60_000, 60_000, 3_599_999]) {
        const instant = new Date(Date.parse(edge) + delta);
        expect(osloDateOf(instant)).toBe(luxonDateOf(instant));
      }
    }
    for (const far of ['0001-01-01T00:00:00Z', '1900-03-01T12:00:00Z', '9999-12-31T22:59:59Z', '9999-12-31T23:30:00Z']) expect(osloDateOf(new Date(far))).toBe(luxonDateOf(new Date(far)));
    expect(checked).toBeGreaterThan(50_000);
  });

  it('midnight in Oslo: every day from 2024 to 2028, asked twice (the second time remembered), and a bad date refused', () => {
    for (let day = 0; day < 5 * 366; day++) {
      const date = new Date(Date.UTC(2024, 0, 1 + day)).toISOString().slice(0, 10);
      expect(osloMidnight(date).getTime()).toBe(luxonMidnight(date));
      const again = osloMidnight(date);
      expect(again.getTime()).toBe(luxonMidnight(date));
      // The remembered instant is handed out as a new Date: a caller changing it changes nothing else.
      again.setTime(0);
      expect(osloMidnight(date).getTime()).toBe(luxonMidnight(date));
    }
    expect(() => osloMidnight('2026-02-30')).toThrow('Not a date');
  });

  it('adding days: across months, leap days and years, backwards, and what only luxon reads', () => {
    const dates = ['2024-02-28', '2024-02-29', '2025-02-28', '2025-12-31', '2026-01-01', '2026-03-29', '2026-10-25', '2099-12-31', '0100-03-01', '0001-01-01', '9999-12-30'];
    for (const date of dates) for (const days of [-400, -366, -365, -31, -1, 0, 1, 2, 28, 29, 30, 31, 365, 366, 1000]) expect(addDays(date, days)).toBe(luxonAddDays(date, days));
    for (const odd of ['2026-02-30', '0050-06-01', '2026-1-5', '20260105']) expect(addDays(odd, 3)).toBe(luxonAddDays(odd, 3));
  });
});
