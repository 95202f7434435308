import { administersClientNow, administratorWhoMayChange, ClientAdministrator, isAccessActive, isActiveAdministrator } from '../../src/access/access-rules';
import type { ClientAccess } from '../../src/clients/client-access.entity';
import { clientAccess } from '../support/entity-fixtures';

// More cases of `administratorWhoMayChange` are in test/access/access-rules.test.ts.

const TODAY = '2026-11-28';
const DEACTIVATED = new Date('2026-11-01T00:00:00Z');

const access = (fields: Partial<ClientAccess>): ClientAccess => clientAccess(fields);

describe('A3, S4: an access grants nothing from its deactivation date, unless its user holds the subscription-administrator role', () => {
  it.each<[string, boolean, Partial<ClientAccess>, string | null, string]>([
    // what, active?, the access, the subscription administrator, today
    ['no deactivation date', true, {}, null, TODAY],
    ['its date is tomorrow', true, { deactivationDate: '2026-11-29' }, null, TODAY],
    ['its date is today', false, { deactivationDate: TODAY }, null, TODAY],
    ['its date was yesterday', false, { deactivationDate: '2026-11-27' }, null, TODAY],
    ['its date is today, and its user is the subscription administrator', true, { deactivationDate: TODAY }, 'u-kari', TODAY],
    ['its date was a year ago, and its user is the subscription administrator', true, { deactivationDate: '2025-11-28' }, 'u-kari', TODAY],
    ['its date is today, and someone else is the subscription administrator', false, { deactivationDate: TODAY }, 'u-ola', TODAY],
    ['deactivated by the job, even without a date', false, { deactivatedAt: DEACTIVATED }, null, TODAY],
    ['deactivated by the job, even for the subscription administrator', false, { deactivationDate: '2026-11-01', deactivatedAt: DEACTIVATED }, 'u-kari', TODAY],
    ['deactivated, with its date still to come', false, { deactivationDate: '2026-12-01', deactivatedAt: DEACTIVATED }, null, TODAY],
    ['its date is the 1st of next month, on the last day of February', true, { deactivationDate: '2026-03-01' }, null, '2026-02-28'],
    ['its date is New Year, on New Year’s Eve', true, { deactivationDate: '2027-01-01' }, null, '2026-12-31'],
    ['its date is New Year, on New Year’s Day', false, { deactivationDate: '2027-01-01' }, null, '2027-01-01'],
    ['its date is the leap day, the day before', true, { deactivationDate: '2028-02-29' }, null, '2028-02-28'],
    ['its date is the leap day, on the leap day', false, { deactivationDate: '2028-02-29' }, null, '2028-02-29'],
    ['its date is the day clocks go forward, that day', false, { deactivationDate: '2026-03-29' }, null, '2026-03-29'],
    ['its date is the day clocks go back, the day before', true, { deactivationDate: '2026-10-25' }, null, '2026-10-24'],
  ])('%s: active %s', (_what, active, fields, subscriptionAdminUserId, today) => {
    expect(isAccessActive(access(fields), subscriptionAdminUserId, today)).toBe(active);
  });
});

describe('A5: an active administrator holds the ADMINISTRATOR role on an access that is active today', () => {
  it.each<[string, boolean, Partial<ClientAccess>, string | null]>([
    // what, an active administrator?, the access, the subscription administrator
    ['ADMINISTRATOR, no date', true, {}, null],
    ['no role, no date', false, { roles: [] }, null],
    ['ADMINISTRATOR, date come', false, { deactivationDate: TODAY }, null],
    ['ADMINISTRATOR, date come, kept as subscription administrator (S4)', true, { deactivationDate: TODAY }, 'u-kari'],
    ['no role, date come, kept as subscription administrator', false, { roles: [], deactivationDate: TODAY }, 'u-kari'],
    ['ADMINISTRATOR, deactivated', false, { deactivatedAt: DEACTIVATED }, 'u-kari'],
  ])('%s: an active administrator %s', (_what, administrator, fields, subscriptionAdminUserId) => {
    expect(isActiveAdministrator(access(fields), subscriptionAdminUserId, TODAY)).toBe(administrator);
  });
});

describe('A5, E8, E14: who may change the client as its administrator, at the edges of the dates', () => {
  const linkedToFjell = { partnerId: 'p-fjell', subscriptionAdminUserId: 'u-ola' };
  const withoutPartner = { partnerId: null, subscriptionAdminUserId: 'u-ola' };
  const keptByKari = { partnerId: null, subscriptionAdminUserId: 'u-kari' };

  it.each<[string, ClientAdministrator | null, Partial<ClientAccess>, { partnerId: string | null; subscriptionAdminUserId: string | null }]>([
    // what, as whom the user may change the client (null: not at all), the access, the client
    ['own, date tomorrow', ClientAdministrator.OWN, { deactivationDate: '2026-11-29' }, withoutPartner],
    ['own, date today', null, { deactivationDate: TODAY }, withoutPartner],
    ['own, date past, kept as subscription administrator (S4)', ClientAdministrator.OWN, { deactivationDate: '2026-11-01' }, keptByKari],
    ['own, on a client without a subscription administrator', ClientAdministrator.OWN, {}, { partnerId: null, subscriptionAdminUserId: null }],
    ['through the linked partner', ClientAdministrator.LINKED_PARTNER, { viaPartnerId: 'p-fjell' }, linkedToFjell],
    ['through the linked partner, dated by an ending, date tomorrow (E8)', null, { viaPartnerId: 'p-fjell', deactivationDate: '2026-11-29' }, linkedToFjell],
    ['through the linked partner, without the role', null, { viaPartnerId: 'p-fjell', roles: [] }, linkedToFjell],
    ['through the linked partner, deactivated', null, { viaPartnerId: 'p-fjell', deactivatedAt: DEACTIVATED }, linkedToFjell],
    ['through a partner, on a client without a partner (E14)', null, { viaPartnerId: 'p-fjell' }, withoutPartner],
  ])('%s: may change it as %s', (_what, expected, fields, client) => {
    expect(administratorWhoMayChange(access(fields), client, TODAY)).toBe(expected);
  });
});

describe('A5, A6, S4: an administrator of the client now, as the visibility rules ask', () => {
  type ClientNow = { partnerId: string | null; subscriptionAdminUserId: string | null };
  const linkedToFjell: ClientNow = { partnerId: 'p-fjell', subscriptionAdminUserId: 'u-ola' };
  const endedByNordlys: ClientNow = { partnerId: null, subscriptionAdminUserId: 'u-ola' };
  const endedByNordlysKariKeepsRole: ClientNow = { partnerId: null, subscriptionAdminUserId: 'u-kari' };
  const leaving = { viaPartnerId: 'p-nordlys', deactivationDate: '2027-01-15', deactivationRelationshipId: '7' };

  it.each<[string, boolean, Partial<ClientAccess>, ClientNow]>([
    // what, an administrator now?, the access, the client now
    ["the client's own administrator", true, {}, endedByNordlys],
    ["the client's own administrator, date come", false, { deactivationDate: TODAY }, endedByNordlys],
    ['an administrator through the linked partner', true, { viaPartnerId: 'p-fjell' }, linkedToFjell],
    ['an administrator through a partner the client has left', false, { viaPartnerId: 'p-nordlys' }, linkedToFjell],
    ["the ending partner's administrator, before the generation date (A6: the archive only)", false, leaving, endedByNordlys],
    ["the ending partner's administrator who is the subscription administrator, before the generation date", true, leaving, endedByNordlysKariKeepsRole],
    [
      "the ending partner's administrator kept past the generation date as subscription administrator (S4)",
      true,
      { ...leaving, deactivationDate: '2026-11-01' },
      endedByNordlysKariKeepsRole,
    ],
    ["the ending partner's administrator past the generation date", false, { ...leaving, deactivationDate: '2026-11-01' }, endedByNordlys],
    ['the subscription administrator without the ADMINISTRATOR role', false, { ...leaving, roles: [] }, endedByNordlysKariKeepsRole],
    ['the subscription administrator once the job has deactivated the access', false, { ...leaving, deactivatedAt: DEACTIVATED }, endedByNordlysKariKeepsRole],
  ])('%s: administers the client now %s', (_what, administers, fields, client) => {
    expect(administersClientNow(access(fields), client, TODAY)).toBe(administers);
  });
});
