import { DataSource } from 'typeorm';
import { runBatch, selectEntities } from '../db/statements';
import { PartnerMembership, PartnerRight } from '../partners/partner-membership.entity';
import { User } from '../users/user.entity';
import { ApiScope, apiKeyUserId, apiKeyUserName, type ApiKeyIdentity } from '../integrations/api-scope';

/**
 * The authenticated user and the rights their partner memberships give. For an API key (docs/integrations.md): a
 * user of the key's own (`apikey:<id>`, named like the key) who is a member of the key's partner only, with the rights
 * its scopes match (RELATIONSHIPS_WRITE: CLIENT_ADMIN; ARCHIVE_READ or ARCHIVE_WRITE: ARCHIVE) — so the same rules
 * and visibility apply — and `apiKey` set; which operations it may call at all is decided by its scopes.
 */
export class Viewer {
  private readonly rightsByPartner: Map<string, Set<PartnerRight>>;

  constructor(
    readonly user: User,
    readonly memberships: PartnerMembership[],
    readonly apiKey: ApiKeyIdentity | null = null,
  ) {
    this.rightsByPartner = new Map(memberships.map((m) => [m.partnerId, new Set(m.rights)]));
  }

  get userId(): string {
    return this.user.id;
  }

  /** Every partner the viewer belongs to. */
  partnerIds(): string[] {
    return [...this.rightsByPartner.keys()];
  }

  isMemberOf(partnerId: string): boolean {
    return this.rightsByPartner.has(partnerId);
  }

  hasRight(partnerId: string, right: PartnerRight): boolean {
    return this.rightsByPartner.get(partnerId)?.has(right) ?? false;
  }

  /** The partners in which the viewer has the right. */
  partnersWithRight(right: PartnerRight): string[] {
    return this.memberships.filter((m) => m.rights.includes(right)).map((m) => m.partnerId);
  }

  /** Whether the caller may use what the scope covers: always for a person, by its scopes for a key. */
  allows(scope: ApiScope): boolean {
    return this.apiKey === null || this.apiKey.scopes.includes(scope);
  }

  /** The viewer a request with this API key acts as. Builds it from the key alone: no statement. */
  static forApiKey(key: ApiKeyIdentity): Viewer {
    const user = Object.assign(new User(), { id: apiKeyUserId(key.id), name: apiKeyUserName(key.name), email: '' });
    const rights: PartnerRight[] = [];
    if (key.scopes.includes(ApiScope.RELATIONSHIPS_WRITE)) rights.push(PartnerRight.CLIENT_ADMIN);
    if (key.scopes.includes(ApiScope.ARCHIVE_READ) || key.scopes.includes(ApiScope.ARCHIVE_WRITE)) rights.push(PartnerRight.ARCHIVE);
    const membership = Object.assign(new PartnerMembership(), { userId: user.id, partnerId: key.partnerId, rights });
    return new Viewer(user, [membership], key);
  }

  /** Loads the viewer for a user id, with one statement (every request does it); null when no such user exists. */
  static async load(dataSource: DataSource, userId: string): Promise<Viewer | null> {
    // Every request of a user starts here: the user and their memberships in one round trip.
    const { manager } = dataSource;
    const [users, memberships] = await runBatch(
      manager,
      selectEntities(manager, User, 'WHERE t.id = ?', [userId]),
      selectEntities(manager, PartnerMembership, 'WHERE t.user_id = ? ORDER BY t.partner_id ASC', [userId]),
    );
    return users.length === 1 ? new Viewer(users[0], memberships) : null;
  }
}
