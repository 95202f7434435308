/**
 * A small world for tests: two partners, partner users (one in both partners), client staff, and clients with
 * partner-owned extensions and subscription administrators who are partner users and who are not.
 */
export function smallWorld() {
  return {
    partners: [
      { id: 'p-nordlys', name: 'Nordlys Regnskap AS', partnerCode: 'NORDLYS', organizationNumber: '912345678' },
      { id: 'p-fjell', name: 'Fjelltopp Økonomi AS', partnerCode: 'FJELL' },
    ],
    users: [
      { id: 'u-kari', name: 'Kari Nordmann', email: 'kari@nordlys.example', memberships: [{ partner: 'p-nordlys', rights: ['CLIENT_ADMIN', 'ARCHIVE'] }] },
      { id: 'u-per', name: 'Per Hansen', email: 'per@nordlys.example', memberships: [{ partner: 'p-nordlys', rights: [] }] },
      {
        id: 'u-ingrid',
        name: 'Ingrid Berg',
        email: 'ingrid@nordlys.example',
        memberships: [
          { partner: 'p-nordlys', rights: ['CLIENT_ADMIN'] },
          { partner: 'p-fjell', rights: ['CLIENT_ADMIN', 'ARCHIVE'] },
        ],
      },
      { id: 'u-lars', name: 'Lars Solberg', email: 'lars@fjell.example', memberships: [{ partner: 'p-fjell', rights: ['CLIENT_ADMIN', 'ARCHIVE'] }] },
      { id: 'u-ola', name: 'Ola Bakke', email: 'ola@fjordbakeri.example', memberships: [] },
      { id: 'u-eva', name: 'Eva Lie', email: 'eva@fjordbakeri.example', memberships: [] },
      { id: 'u-sjur', name: 'Sjur Vik', email: 'sjur@tindefjell.example', memberships: [] },
    ],
    clients: [
      {
        id: 'c-fjord',
        name: 'Fjord Bakeri AS',
        organizationNumber: '987654321',
        partner: 'p-nordlys',
        partnerSince: '2021-03-01',
        subscriptionAdmin: 'u-kari',
        access: [
          { user: 'u-kari', roles: ['ADMINISTRATOR'], viaPartner: 'p-nordlys' },
          { user: 'u-per', roles: [], viaPartner: 'p-nordlys' },
          { user: 'u-ingrid', roles: [], viaPartner: 'p-nordlys' },
          { user: 'u-ola', roles: ['ADMINISTRATOR'] },
          { user: 'u-eva', roles: [] },
        ],
        extensions: [
          { key: 'bank-feed', name: 'Bank feed', ownerPartner: 'p-nordlys' },
          { key: 'webshop', name: 'Webshop' },
        ],
      },
      {
        id: 'c-tinde',
        name: 'Tindefjell Bygg AS',
        organizationNumber: '911222333',
        partner: 'p-nordlys',
        partnerSince: '2019-01-01',
        subscriptionAdmin: 'u-sjur',
        access: [
          { user: 'u-kari', roles: ['ADMINISTRATOR'], viaPartner: 'p-nordlys' },
          { user: 'u-sjur', roles: ['ADMINISTRATOR'] },
        ],
        extensions: [],
      },
      {
        id: 'c-hav',
        name: 'Havbris Sjømat AS',
        organizationNumber: '922333444',
        partner: 'p-fjell',
        partnerSince: '2022-05-01',
        fiscalYearStartMonth: 7,
        subscriptionAdmin: 'u-lars',
        access: [{ user: 'u-lars', roles: ['ADMINISTRATOR'], viaPartner: 'p-fjell' }],
        extensions: [{ key: 'payroll', name: 'Payroll', ownerPartner: 'p-fjell' }],
      },
      { id: 'c-solo', name: 'Solo Snekkeri AS', organizationNumber: '933444555', access: [], extensions: [] },
    ],
  };
}

/** `n` clients of one partner, each with `usersPerClient` partner users and `extensionsPerClient` extensions. */
export function manyClients(n: number, usersPerClient = 3, extensionsPerClient = 2) {
  const users = Array.from({ length: usersPerClient }, (_, i) => ({
    id: `u-staff-${i}`,
    name: `Staff ${i}`,
    email: `staff${i}@nordlys.example`,
    memberships: [{ partner: 'p-nordlys', rights: ['CLIENT_ADMIN', 'ARCHIVE'] }],
  }));
  return {
    partners: [{ id: 'p-nordlys', name: 'Nordlys Regnskap AS', partnerCode: 'NORDLYS' }],
    users,
    clients: Array.from({ length: n }, (_, i) => ({
      id: `c-${String(i).padStart(5, '0')}`,
      name: `Klient ${String(i).padStart(5, '0')} AS`,
      organizationNumber: String(900000000 + i),
      partner: 'p-nordlys',
      partnerSince: '2020-01-01',
      subscriptionAdmin: users[0].id,
      access: users.map((u, j) => ({ user: u.id, roles: j === 0 ? ['ADMINISTRATOR'] : [], viaPartner: 'p-nordlys' })),
      extensions: Array.from({ length: extensionsPerClient }, (_, k) => ({ key: `ext-${k}`, name: `Extension ${k}`, ownerPartner: k % 2 === 0 ? 'p-nordlys' : undefined })),
    })),
  };
}
