import { Ctx, FieldResolver, Resolver, Root, ID } from 'type-graphql';
import { toGlobalId } from '../common/global-id';
import type { RequestContext } from '../graphql/context';
import { UserType } from '../users/user.types';
import type { User } from '../users/user.entity';
import type { PartnerMembership } from './partner-membership.entity';
import type { Partner } from './partner.entity';
import { PartnerMembershipType, PartnerType } from './partner.types';

@Resolver(() => PartnerType)
export class PartnerResolver {
  @FieldResolver(() => ID, { description: 'Opaque global id.' })
  id(@Root() partner: Partner): string {
    return toGlobalId('Partner', partner.id);
  }
}

@Resolver(() => PartnerMembershipType)
export class PartnerMembershipResolver {
  @FieldResolver()
  async partner(@Root() membership: PartnerMembership, @Ctx() ctx: RequestContext): Promise<Partner> {
    return (await ctx.loaders.partners.load(membership.partnerId))!;
  }
}

@Resolver(() => UserType)
export class UserResolver {
  @FieldResolver(() => ID, { description: 'Opaque global id.' })
  id(@Root() user: User): string {
    return toGlobalId('User', user.id);
  }
}
