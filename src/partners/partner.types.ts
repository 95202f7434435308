import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { NodeInterface } from '../graphql/node';
import { PartnerRight } from './partner-membership.entity';

registerEnumType(PartnerRight, {
  name: 'PartnerRight',
  description: "A right a membership gives in its partner.",
  valuesConfig: {
    CLIENT_ADMIN: { description: 'Klient Admin: administer the partner\'s clients, end relationships.' },
    ARCHIVE: { description: "Administer the partner's archive: ended relationships and their documents." },
    INTEGRATIONS: { description: "Manage the partner's API keys and webhook endpoints." },
  },
});

@ObjectType('Partner', { simpleResolvers: true, implements: NodeInterface, description: 'An accounting firm (byrå).' })
export class PartnerType extends NodeInterface {
  @Field({ description: 'The firm\'s name.' })
  name!: string;

  @Field({ description: 'The code (partnerkode) that links clients to this partner.' })
  partnerCode!: string;

  @Field(() => String, { nullable: true, description: 'The firm\'s organization number.' })
  organizationNumber!: string | null;
}

@ObjectType('PartnerMembership', { simpleResolvers: true, description: "The viewer's membership of a partner." })
export class PartnerMembershipType {
  @Field(() => PartnerType, { description: 'The partner.' })
  partner!: PartnerType;

  @Field(() => [PartnerRight], { description: 'The rights the membership gives.' })
  rights!: PartnerRight[];
}
