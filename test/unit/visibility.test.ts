import { ClientAdministrator } from '../../src/access/access-rules';
import { VisibilityService } from '../../src/access/visibility.service';
import { Viewer } from '../../src/auth/viewer';
import type { ClientAccess } from '../../src/clients/client-access.entity';
import { clientAccess } from '../support/entity-fixtures';
import { Client } from '../../src/clients/client.entity';
import { PartnerMembership, PartnerRight } from '../../src/partners/partner-membership.entity';
import { CustomerRelationship, RelationshipStatus } from '../../src/relationships/customer-relationship.entity';
import { User } from '../../src/users/user.entity';

const TODAY = '2026-11-28';
const visibility = new VisibilityService();

function viewer(userId: string, memberships: Array<[partnerId: string, ...rights: PartnerRight[]]> = []): Viewer {
  const user = Object.assign(new User(), { id: userId, name: userId, email: `${userId}@example.invalid` });
  return new Viewer(
    user,
    memberships.map(([partnerId, ...rights]) => Object.assign(new PartnerMembership(), { userId, partnerId, rights })),
  );
}

const client = (fields: Partial<Client> = {}) => Object.assign(new Client(), { id: 'c-fjord', partnerId: 'p-nordlys', subscriptionAdminUserId: 'u-ola', ...fields });
const relationship = (status: RelationshipStatus, partnerId = 'p-nordlys') => Object.assign(new CustomerRelationship(), { id: '7', clientId: 'c-fjord', partnerId, status });
const access = (userId: string, fields: Partial<ClientAccess> = {}) => clientAccess({ userId, ...fields });

const kariAdmin = viewer('u-kari', [['p-nordlys', PartnerRight.CLIENT_ADMIN]]);
const kariArchive = viewer('u-kari', [['p-nordlys', PartnerRight.ARCHIVE]]);
const stranger = viewer('u-stranger', [['p-fjell', PartnerRight.CLIENT_ADMIN, PartnerRight.ARCHIVE]]);

/** Who sees a relationship (DESIGN A2, A6, A7): one question for `node`, the client's fields and the mutations. */
describe('who sees a customer relationship', () => {
  it.each([
    ['a member of its partner, while it is active', kariAdmin, RelationshipStatus.ACTIVE, false, true],
    ['a member without ARCHIVE, once it has ended', kariAdmin, RelationshipStatus.ENDED, false, false],
    ['a member with ARCHIVE, once it has ended', kariArchive, RelationshipStatus.ENDED, false, true],
    ['a member with ARCHIVE, once it is archived', kariArchive, RelationshipStatus.ARCHIVED, false, true],
    ["the client's administrator, whatever its partner (A7)", stranger, RelationshipStatus.ENDED, true, true],
    ['a member of another partner', stranger, RelationshipStatus.ACTIVE, false, false],
  ])('%s', (_, who, status, isClientAdministrator, sees) => {
    expect(visibility.canSeeRelationship(who, relationship(status), isClientAdministrator)).toBe(sees);
  });
});

/** Who sees and downloads an archive document: `node(id:)` and `GET /archive/documents/<id>` ask the same. */
describe('who sees an archive document', () => {
  it.each([
    ['ARCHIVE in the ending partner', kariArchive, true],
    ['CLIENT_ADMIN only in the ending partner', kariAdmin, false],
    ['ARCHIVE in another partner', stranger, false],
    ["the client's administrator, once the relationship has ended (A7)", stranger, true, true],
  ])('%s', (_, who, sees, isClientAdministrator = false) => {
    expect(visibility.canSeeArchiveDocument(who, relationship(RelationshipStatus.ARCHIVED), isClientAdministrator)).toBe(sees);
    expect(visibility.canSeeArchiveDocument(who, relationship(RelationshipStatus.ACTIVE, 'p-other'), isClientAdministrator)).toBe(false);
  });
});

/** The client-administrator rule (`access-rules.ts`) asked about the viewer among the client's accesses (A5, E8, E14). */
describe("the viewer as the client's administrator", () => {
  const ola = viewer('u-ola');

  it("finds the viewer's own access among the client's accesses, not somebody else's", () => {
    expect(visibility.administratorWhoMayChange(ola, client(), [access('u-kari'), access('u-ola')], TODAY)).toBe(ClientAdministrator.OWN);
    expect(visibility.administratorWhoMayChange(ola, client(), [access('u-kari')], TODAY)).toBeNull();
    expect(visibility.administersClient(ola, client(), [access('u-kari')], TODAY)).toBe(false);
  });

  it('an administrator through a partner whose ending dated the access may change nothing; holding the subscription-administrator role, they still administer the client', () => {
    const dated = access('u-ola', { viaPartnerId: 'p-nordlys', deactivationDate: '2027-01-15', deactivationRelationshipId: '7' });
    const ended = client({ partnerId: null });
    expect(visibility.administratorWhoMayChange(ola, ended, [dated], TODAY)).toBeNull();
    expect(visibility.administersClient(ola, ended, [dated], TODAY)).toBe(true);
    expect(visibility.administersClient(ola, client({ partnerId: null, subscriptionAdminUserId: 'u-kari' }), [dated], TODAY)).toBe(false);
  });

  it('an administrator through the linked partner may change the client while no ending dated the access', () => {
    expect(visibility.administratorWhoMayChange(ola, client(), [access('u-ola', { viaPartnerId: 'p-nordlys' })], TODAY)).toBe(ClientAdministrator.LINKED_PARTNER);
  });
});
