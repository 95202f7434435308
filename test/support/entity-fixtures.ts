import { ClientAccess, ClientRole } from '../../src/clients/client-access.entity';

/** An access row for the pure-rule tests: Kari, ADMINISTRATOR of Fjord Bakeri, active, unless `fields` say otherwise. */
export function clientAccess(fields: Partial<ClientAccess> = {}): ClientAccess {
  return Object.assign(new ClientAccess(), {
    id: '1',
    clientId: 'c-fjord',
    userId: 'u-kari',
    roles: [ClientRole.ADMINISTRATOR],
    viaPartnerId: null,
    deactivationDate: null,
    deactivationRelationshipId: null,
    deactivatedAt: null,
    ...fields,
  });
}
