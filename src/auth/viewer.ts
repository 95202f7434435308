import { DataSource } from 'typeorm';
import { PartnerMembership, PartnerRight } from '../partners/partner-membership.entity';
import { User } from '../users/user.entity';

/** The authenticated user and the rights their partner memberships give. */
export class Viewer {
  private readonly rightsByPartner: Map<string, Set<PartnerRight>>;

  constructor(
    readonly user: User,
    readonly memberships: PartnerMembership[],
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

  /** Loads the viewer for a user id, with one statement (every request does it); null when no such user exists. */
  static async load(dataSource: DataSource, userId: string): Promise<Viewer | null> {
    const user = await dataSource
      .getRepository(User)
      .createQueryBuilder('user')
      .leftJoinAndMapMany('user.memberships', PartnerMembership, 'membership', 'membership.user_id = user.id')
      .where('user.id = :userId', { userId })
      .orderBy('membership.partner_id', 'ASC')
      .getOne();
    if (!user) return null;
    const { memberships, ...rest } = user as User & { memberships: PartnerMembership[] };
    return new Viewer(Object.assign(new User(), rest), memberships);
  }
}
