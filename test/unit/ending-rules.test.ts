import { ManualClock, osloToday } from '../../src/common/clock';
import type { CustomerRelationship, RelationshipStatus } from '../../src/relationships/customer-relationship.entity';
import {
  checkGenerationDate,
  checkMovedGenerationDate,
  checkResponsibilityPeriod,
  dayOfEnding,
  derivedGroupingWarnings,
  earliestGenerationDate,
  latestGenerationDate,
  linkedSinceEnding,
  periodWarnings,
} from '../../src/relationships/ending-rules';

// Codes are compared as the contract spells them, so the tests hold wherever the code enum lives.
const NOT_IN_FUTURE = 'GENERATION_DATE_NOT_IN_FUTURE';
const TOO_FAR = 'GENERATION_DATE_TOO_FAR';
const GENERATION_DATE_FIELD = ['input', 'generationDate'];

type Status = `${RelationshipStatus}`;

/**
 * A relationship as a plain object: the rules read no more than that, and leaving the entity's module (and TypeORM)
 * unloaded keeps this file fast.
 */
function relationship(fields: Omit<Partial<CustomerRelationship>, 'status'> & { status?: Status } = {}): CustomerRelationship {
  const { status = 'ENDED', ...rest } = fields;
  return {
    id: '9',
    clientId: 'c-fjord',
    partnerId: 'p-nordlys',
    status: status as RelationshipStatus,
    partnerPeriodStart: '2021-03-01',
    partnerPeriodEnd: '2026-06-15',
    responsibilityFrom: '2021-03',
    responsibilityTo: '2026-06',
    generationDate: '2026-09-01',
    endedAt: new Date('2026-06-15T10:00:00Z'),
    endedByUserId: 'u-kari',
    cancelledAt: null,
    clientName: 'Fjord Bakeri AS',
    clientOrganizationNumber: '922333444',
    createdAt: new Date('2021-03-01T09:00:00Z'),
    updatedAt: new Date('2026-06-15T10:00:00Z'),
    ...rest,
  };
}

const ACCEPTED = 'accepted';

/** The codes (and fields) of a list of refusals: what a caller acts on. */
function codes(errors: { code: string; field: string[] | null }[]): { code: string; field: string[] | null }[] {
  return errors.map(({ code, field }) => ({ code, field }));
}

/** What a verdict of a table row expects: no refusal, or one with this code at this field. */
function refusals(verdict: string, field: string[]): { code: string; field: string[] }[] {
  return verdict === ACCEPTED ? [] : [{ code: verdict, field }];
}

describe('E3: the generation date lies strictly after today (Europe/Oslo) and at most 366 days ahead', () => {
  it.each([
    // today, earliest allowed, latest allowed
    ['2026-06-15', '2026-06-16', '2027-06-16'],
    ['2026-01-31', '2026-02-01', '2027-02-01'], // month end
    ['2026-04-30', '2026-05-01', '2027-05-01'], // a 30-day month's end
    ['2026-12-31', '2027-01-01', '2028-01-01'], // year end
    ['2027-02-28', '2027-03-01', '2028-02-29'], // 366 days reach the next leap day
    ['2027-12-31', '2028-01-01', '2028-12-31'], // a leap year is 366 days long
    ['2028-02-28', '2028-02-29', '2029-02-28'], // tomorrow is the leap day
    ['2028-02-29', '2028-03-01', '2029-03-01'], // from the leap day itself
    ['2026-03-29', '2026-03-30', '2027-03-30'], // clocks go forward that night
    ['2026-10-25', '2026-10-26', '2027-10-26'], // clocks go back that night
  ])('today %s: the earliest generation date is %s, the latest %s', (today, earliest, latest) => {
    expect(earliestGenerationDate(today)).toBe(earliest);
    expect(latestGenerationDate(today)).toBe(latest);
  });

  it.each([
    // today, generation date, verdict
    ['2026-06-15', '2026-06-14', NOT_IN_FUTURE],
    ['2026-06-15', '2026-06-15', NOT_IN_FUTURE], // today is not after today
    ['2026-06-15', '2026-06-16', ACCEPTED],
    ['2026-06-15', '2027-06-16', ACCEPTED], // the 366th day
    ['2026-06-15', '2027-06-17', TOO_FAR],
    ['2026-12-31', '2027-01-01', ACCEPTED],
    ['2026-12-31', '2028-01-01', ACCEPTED],
    ['2026-12-31', '2028-01-02', TOO_FAR],
    ['2027-02-28', '2028-02-29', ACCEPTED],
    ['2027-02-28', '2028-03-01', TOO_FAR],
    ['2028-02-29', '2028-02-29', NOT_IN_FUTURE],
    ['2028-02-29', '2029-03-01', ACCEPTED],
    ['2028-02-29', '2029-03-02', TOO_FAR],
    ['2026-03-29', '2026-03-29', NOT_IN_FUTURE],
    ['2026-10-25', '2026-10-26', ACCEPTED],
  ])('today %s, generation date %s: %s', (today, generationDate, verdict) => {
    expect(codes(checkGenerationDate(generationDate, today))).toEqual(refusals(verdict, GENERATION_DATE_FIELD));
  });

  it('says which day is today and which is the last allowed day', () => {
    expect(checkGenerationDate('2026-06-15', '2026-06-15')).toEqual([
      { code: NOT_IN_FUTURE, message: 'The generation date must be after today (2026-06-15, Europe/Oslo).', field: GENERATION_DATE_FIELD },
    ]);
    expect(checkGenerationDate('2028-03-01', '2027-02-28')).toEqual([
      { code: TOO_FAR, message: 'The generation date may be at most 366 days ahead (2028-02-29).', field: GENERATION_DATE_FIELD },
    ]);
  });

  it('names the input field it is given', () => {
    expect(codes(checkGenerationDate('2020-01-01', '2026-06-15', ['input', 'newDate']))).toEqual([{ code: NOT_IN_FUTURE, field: ['input', 'newDate'] }]);
  });

  it.each([
    // the clock's instant, today in Oslo, a generation date that is refused, the earliest accepted one
    ['2026-03-28T23:30:00Z', '2026-03-29', '2026-03-29', '2026-03-30'], // 00:30 in Oslo, the night clocks go forward
    ['2026-10-24T22:30:00Z', '2026-10-25', '2026-10-25', '2026-10-26'], // 00:30 in Oslo (+02:00), the night clocks go back
    ['2026-10-25T22:30:00Z', '2026-10-25', '2026-10-25', '2026-10-26'], // 23:30 in Oslo (+01:00): still the 25th
    ['2026-12-31T23:15:00Z', '2027-01-01', '2027-01-01', '2027-01-02'], // already New Year in Oslo, not in UTC
  ])('at %s it is %s in Oslo: %s is refused and %s accepted', (instant, today, refused, accepted) => {
    const clockToday = osloToday(new ManualClock(instant));
    expect(clockToday).toBe(today);
    expect(codes(checkGenerationDate(refused, clockToday))).toEqual([{ code: NOT_IN_FUTURE, field: GENERATION_DATE_FIELD }]);
    expect(checkGenerationDate(accepted, clockToday)).toEqual([]);
  });
});

describe('E4: the day of an ending is its Europe/Oslo date', () => {
  it.each([
    ['2026-06-15T10:00:00Z', '2026-06-15'],
    ['2026-03-28T22:59:59.999Z', '2026-03-28'], // 23:59 (+01:00)
    ['2026-03-28T23:00:00Z', '2026-03-29'], // midnight (+01:00) of the day clocks go forward
    ['2026-03-29T21:59:59.999Z', '2026-03-29'], // 23:59 (+02:00): that day has 23 hours
    ['2026-03-29T22:00:00Z', '2026-03-30'],
    ['2026-10-24T22:00:00Z', '2026-10-25'], // midnight (+02:00) of the day clocks go back
    ['2026-10-25T22:59:59.999Z', '2026-10-25'], // 23:59 (+01:00): that day has 25 hours
    ['2026-10-25T23:00:00Z', '2026-10-26'],
    ['2026-12-31T23:00:00Z', '2027-01-01'], // New Year in Oslo, still the old year in UTC
    ['2028-02-28T23:30:00Z', '2028-02-29'], // the leap day
  ])('an ending at %s was made on %s', (endedAt, day) => {
    expect(dayOfEnding(relationship({ endedAt: new Date(endedAt) }))).toBe(day);
  });

  it('without an ending instant, the day is the end of the partner period', () => {
    expect(dayOfEnding(relationship({ endedAt: null, partnerPeriodEnd: '2026-02-28' }))).toBe('2026-02-28');
  });
});

describe('E7: a moved generation date obeys E3 today and stays within 366 days of the day of the ending', () => {
  it.each([
    // day of the ending, today, new generation date, verdict
    ['2026-01-10', '2026-06-01', '2027-01-11', ACCEPTED], // the 366th day after the ending
    ['2026-01-10', '2026-06-01', '2027-01-12', TOO_FAR], // within 366 days of today, not of the ending
    ['2026-01-10', '2027-01-05', '2027-01-12', TOO_FAR], // moving it again later does not stretch the limit
    ['2026-01-10', '2027-01-05', '2027-01-06', ACCEPTED],
    ['2026-01-10', '2026-06-01', '2026-06-01', NOT_IN_FUTURE], // E3 first: not today
    ['2026-01-10', '2026-06-01', '2026-05-31', NOT_IN_FUTURE],
    ['2026-01-10', '2026-01-10', '2027-01-11', ACCEPTED], // moved on the day of the ending: both limits are the same day
    ['2026-01-10', '2026-01-10', '2027-01-12', TOO_FAR],
    ['2027-02-28', '2027-12-01', '2028-02-29', ACCEPTED], // the limit is the leap day
    ['2027-02-28', '2027-12-01', '2028-03-01', TOO_FAR],
    ['2028-02-29', '2028-03-15', '2029-03-01', ACCEPTED], // ended on the leap day
    ['2028-02-29', '2028-03-15', '2029-03-02', TOO_FAR],
    ['2026-03-29', '2026-10-25', '2027-03-30', ACCEPTED], // ended and moved on days the clocks change
    ['2026-03-29', '2026-10-25', '2027-03-31', TOO_FAR],
  ])('ended %s, moved on %s to %s: %s', (endedOn, today, generationDate, verdict) => {
    expect(codes(checkMovedGenerationDate(generationDate, today, endedOn))).toEqual(refusals(verdict, GENERATION_DATE_FIELD));
  });

  it('says when the limit comes from the day of the ending, and when from today', () => {
    expect(checkMovedGenerationDate('2027-01-12', '2026-06-01', '2026-01-10')).toEqual([
      {
        code: TOO_FAR,
        message: 'The generation date may be at most 366 days after the day of the ending (2026-01-10); the last allowed date is 2027-01-11.',
        field: GENERATION_DATE_FIELD,
      },
    ]);
    expect(checkMovedGenerationDate('2027-06-03', '2026-06-01', '2026-01-10')).toEqual([
      { code: TOO_FAR, message: 'The generation date may be at most 366 days ahead (2027-06-02).', field: GENERATION_DATE_FIELD },
    ]);
  });

  it('names the input field it is given', () => {
    expect(codes(checkMovedGenerationDate('2027-01-12', '2026-06-01', '2026-01-10', ['input', 'date']))).toEqual([{ code: TOO_FAR, field: ['input', 'date'] }]);
  });
});

describe('E14: the client has been linked since an ending when it has a partner or a newer relationship', () => {
  const ending = relationship({ id: '9' });

  it.each<[string, boolean, string | null, [string, Status][]]>([
    // what the client has now, linked since?, its partner, its relationships (id, status)
    ['no partner, only this ending', false, null, [['9', 'ENDED']]],
    ['no partner, older relationships only', false, null, [['3', 'CANCELLED'], ['8', 'ARCHIVED'], ['9', 'ENDED']]],
    ['no partner, no relationships read', false, null, []],
    ['a newer relationship (ids compare as numbers: 10 > 9)', true, null, [['9', 'ENDED'], ['10', 'ACTIVE']]],
    ['a newer relationship, now cancelled', true, null, [['9', 'ENDED'], ['12', 'CANCELLED']]],
    ['a partner code, no newer relationship', true, 'p-fjell', [['9', 'ENDED']]],
  ])('%s: linked since the ending %s', (_what, linked, partnerId, rows) => {
    const relationships = rows.map(([id, status]) => relationship({ id, status }));
    expect(linkedSinceEnding(ending, { partnerId }, relationships)).toBe(linked);
  });

  it('compares ids beyond 2^53 exactly', () => {
    const bigEnding = relationship({ id: '9007199254740992' });
    expect(linkedSinceEnding(bigEnding, { partnerId: null }, [bigEnding, relationship({ id: '9007199254740993' })])).toBe(true);
    expect(linkedSinceEnding(bigEnding, { partnerId: null }, [bigEnding, relationship({ id: '9007199254740991' })])).toBe(false);
  });
});

describe('E2: the responsibility period runs forward and ends no later than the generation month', () => {
  const FROM = ['input', 'responsibilityFrom'];
  const TO = ['input', 'responsibilityTo'];

  it.each([
    // from, to, generation date, verdict
    ['2025-07', '2026-06', '2026-07-01', ACCEPTED], // a fiscal year from July, generated the day after it closes
    ['2026-06', '2026-06', '2026-06-30', ACCEPTED], // one month, generated on its last day
    ['2026-01', '2026-07', '2026-07-01', ACCEPTED], // the generation month itself is allowed
    ['2026-01', '2026-07', '2026-06-30', 'responsibilityTo'], // a month end is still the month before
    ['2025-01', '2026-01', '2025-12-31', 'responsibilityTo'], // across New Year
    ['2027-03', '2028-02', '2028-02-29', ACCEPTED], // generated on the leap day
    ['2027-03', '2028-03', '2028-02-29', 'responsibilityTo'],
    ['2026-07', '2026-06', '2026-12-01', 'responsibilityFrom'], // reversed
    ['2026-09', '2026-08', '2026-07-01', 'responsibilityFrom'], // reversed and too late: the reversal is reported
    ['2025-12', '2026-01', '2026-01-15', ACCEPTED], // December to January runs forward
  ])('%s to %s, generated %s: %s', (from, to, generationDate, verdict) => {
    const expected = verdict === ACCEPTED ? [] : [{ code: 'INVALID_PERIOD', field: ['input', verdict] }];
    expect(codes(checkResponsibilityPeriod(from, to, generationDate))).toEqual(expected);
  });

  it('says what is wrong', () => {
    expect(checkResponsibilityPeriod('2026-07', '2026-06', '2026-12-01')).toEqual([
      { code: 'INVALID_PERIOD', message: 'The responsibility period starts (2026-07) after it ends (2026-06).', field: FROM },
    ]);
    expect(checkResponsibilityPeriod('2026-01', '2026-07', '2026-06-30')).toEqual([
      { code: 'INVALID_PERIOD', message: 'The responsibility period may not end after the generation month (2026-06).', field: TO },
    ]);
  });
});

describe('E2: a responsibility period outside the partner period is allowed, with a warning', () => {
  it.each([
    // from, to, partner period start, partner period end, warned?
    ['2024-01', '2026-06', '2024-01-15', '2026-06-03', false], // the partner period counts in whole months
    ['2023-12', '2026-06', '2024-01-15', '2026-06-03', true], // starts before the partner's first month
    ['2024-01', '2026-07', '2024-01-15', '2026-06-30', true], // ends after the partner's last month
    ['2025-07', '2026-06', '2025-07-01', '2026-06-30', false], // exactly a fiscal year from July
    ['2025-12', '2026-01', '2025-12-31', '2026-01-01', false], // one day in each month is enough
    ['2000-01', '2026-06', null, '2026-06-30', false], // no known start: only the end is checked
    ['2000-01', '2026-07', null, '2026-06-30', true],
    ['2028-02', '2028-02', '2028-02-29', '2028-02-29', false], // the leap day
  ])('%s to %s against the partner period %s to %s: warned %s', (from, to, start, end, warned) => {
    const warnings = periodWarnings(from, to, start, end);
    expect(warnings.map((w) => w.code)).toEqual(warned ? ['RESPONSIBILITY_OUTSIDE_PARTNER_PERIOD'] : []);
  });

  it('names both periods, with ? for an unknown start', () => {
    expect(periodWarnings('2000-01', '2026-07', null, '2026-06-30')).toEqual([
      {
        code: 'RESPONSIBILITY_OUTSIDE_PARTNER_PERIOD',
        message: 'The responsibility period 2000-01–2026-07 lies partly outside the partner period ?–2026-06-30.',
      },
    ]);
  });
});

describe('accounts with a derived SAF-T grouping are named in one warning, at most ten of them', () => {
  const accounts = (n: number) => Array.from({ length: n }, (_, i) => String(1000 + i));

  it.each([
    // how many accounts, the tail of the message (null: no warning)
    [0, null],
    [1, ': 1000. Check them before the generation date.'],
    [10, ': 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009. Check them before the generation date.'],
    [11, ': 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009 and 1 more. Check them before the generation date.'],
    [25, ': 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009 and 15 more. Check them before the generation date.'],
  ])('%d account(s)', (n, tail) => {
    const expected = tail === null ? [] : [{ code: 'DERIVED_SAFT_GROUPINGS', message: `${n} account(s) have a SAF-T grouping derived from the account number, not given by the books${tail}` }];
    expect(derivedGroupingWarnings(accounts(n))).toEqual(expected);
  });
});
