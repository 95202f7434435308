import { administratorWhoMayChange, ClientAdministrator } from '../../src/access/access-rules';
import type { ClientAccess } from '../../src/clients/client-access.entity';
import { clientAccess } from '../support/entity-fixtures';

const TODAY = '2026-11-28';

const access = (fields: Partial<ClientAccess>): ClientAccess => clientAccess(fields);

/** Who may change a client as its administrator (DESIGN A5, E8, E14, S4). */
describe('an administrator who may change the client', () => {
  const linkedToFjell = { partnerId: 'p-fjell', subscriptionAdminUserId: 'u-ola' };
  const withoutPartner = { partnerId: null, subscriptionAdminUserId: 'u-ola' };

  it("is the client's own administrator while the access is active, with or without a partner on the client", () => {
    expect(administratorWhoMayChange(access({}), linkedToFjell, TODAY)).toBe(ClientAdministrator.OWN);
    expect(administratorWhoMayChange(access({}), withoutPartner, TODAY)).toBe(ClientAdministrator.OWN);
    expect(administratorWhoMayChange(access({ deactivationDate: '2026-12-01' }), withoutPartner, TODAY)).toBe(ClientAdministrator.OWN);
  });

  it("is not the client's own administrator once the access's date has come or it was deactivated (A3)", () => {
    expect(administratorWhoMayChange(access({ deactivationDate: TODAY }), withoutPartner, TODAY)).toBeNull();
    expect(administratorWhoMayChange(access({ deactivatedAt: new Date('2026-11-01T00:00:00Z') }), withoutPartner, TODAY)).toBeNull();
  });

  it('is an administrator through the linked partner while no ending has dated the access', () => {
    expect(administratorWhoMayChange(access({ viaPartnerId: 'p-fjell' }), linkedToFjell, TODAY)).toBe(ClientAdministrator.LINKED_PARTNER);
  });

  it('is never an administrator through a partner whose ending dated the access, even before the date comes (E8)', () => {
    const dated = access({ viaPartnerId: 'p-nordlys', deactivationDate: '2027-01-15', deactivationRelationshipId: '7' });
    expect(administratorWhoMayChange(dated, withoutPartner, TODAY)).toBeNull();
    expect(administratorWhoMayChange(dated, { partnerId: 'p-nordlys', subscriptionAdminUserId: 'u-ola' }, TODAY)).toBeNull();
  });

  it('is never an administrator through a partner the client is no longer linked to (E14)', () => {
    expect(administratorWhoMayChange(access({ viaPartnerId: 'p-nordlys' }), linkedToFjell, TODAY)).toBeNull();
    expect(administratorWhoMayChange(access({ viaPartnerId: 'p-nordlys' }), withoutPartner, TODAY)).toBeNull();
  });

  it('is not made one by the subscription-administrator role that keeps an access past its date (S4)', () => {
    const kept = access({ viaPartnerId: 'p-nordlys', deactivationDate: '2026-11-01' });
    expect(administratorWhoMayChange(kept, { partnerId: null, subscriptionAdminUserId: 'u-kari' }, TODAY)).toBeNull();
  });

  it('needs the ADMINISTRATOR role and an access at all', () => {
    expect(administratorWhoMayChange(access({ roles: [] }), withoutPartner, TODAY)).toBeNull();
    expect(administratorWhoMayChange(undefined, withoutPartner, TODAY)).toBeNull();
  });
});
