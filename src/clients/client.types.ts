import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../graphql/connection';
import { NodeInterface } from '../graphql/node';
import { DateScalar } from '../graphql/scalars';
import { PartnerType } from '../partners/partner.types';
import { UserType } from '../users/user.types';
import { ClientRole } from './client-access.entity';
import { ClientTab } from './client-tab';
import { VatTerm } from './vat-term';

registerEnumType(VatTerm, {
  name: 'VatTerm',
  description: 'How often a client reports VAT.',
  valuesConfig: {
    BIMONTHLY: { description: 'Every two months (six terms a year), the default.' },
    MONTHLY: { description: 'Every month (twelve terms a year).' },
    YEARLY: { description: 'Once a year (one term).' },
  },
});

registerEnumType(ClientTab, {
  name: 'ClientTab',
  description: "Which of a partner's lists of clients.",
  valuesConfig: {
    ACTIVE: { description: 'Clients linked to the partner now.' },
    ARCHIVE: { description: 'Clients whose relationship with the partner has ended (needs ARCHIVE).' },
  },
});

registerEnumType(ClientRole, {
  name: 'ClientRole',
  description: 'A role a user has on a client.',
  valuesConfig: { ADMINISTRATOR: { description: "Administers the client's users and settings." } },
});

@ObjectType('Client', {
  simpleResolvers: true,
  implements: NodeInterface,
  description:
    'A company whose books a partner keeps. Seen only through the archive of an ended relationship, it shows its name and ' +
    'organization number as they were at the ending and nothing of its present: no partner, subscription administrator, users or extensions.',
})
export class ClientType extends NodeInterface {
  @Field({ description: 'The company name (through the archive: as it was at the ending).' })
  name!: string;

  @Field({ description: 'Norwegian organization number, 9 digits (through the archive: as it was at the ending).' })
  organizationNumber!: string;

  @Field(() => String, { nullable: true, description: "The linked partner's code; null once the relationship has ended." })
  partnerCode!: string | null;

  @Field(() => PartnerType, { nullable: true, description: 'The linked partner; null when the client has none.' })
  partner!: PartnerType | null;

  @Field(() => DateScalar, { nullable: true, description: 'Since when the linked partner has been linked.' })
  partnerSince!: string | null;

  @Field(() => Int, { description: 'The month (1-12) the fiscal year starts in.' })
  fiscalYearStartMonth!: number;

  @Field(() => Int, { description: 'Years the archive is kept after the end of each fiscal year (at least 5).' })
  retentionYears!: number;

  @Field({ description: "While true, nothing of the client's archive is deleted." })
  legalHold!: boolean;
  @Field(() => VatTerm, { description: "How often the client reports VAT; the archive's VAT specification is made per term." })
  vatTerm!: VatTerm;

  @Field(() => UserType, { nullable: true, description: 'The one user who receives the system\'s notices about the client.' })
  subscriptionAdmin!: UserType | null;

  @Field(() => [ClientUserType], { description: "The users with access to the client, active or not." })
  users!: ClientUserType[];

  @Field(() => [ClientExtensionType], { description: 'Integrations and settings on the client.' })
  extensions!: ClientExtensionType[];
}

@ObjectType('ClientUser', { simpleResolvers: true, implements: NodeInterface, description: "A user's access to one client." })
export class ClientUserType extends NodeInterface {
  @Field(() => UserType, { description: 'The user.' })
  user!: UserType;

  @Field(() => [ClientRole], { description: 'The roles the user has on the client.' })
  roles!: ClientRole[];

  @Field({ description: "True for the client's subscription administrator." })
  isSubscriptionAdmin!: boolean;

  @Field(() => PartnerType, { nullable: true, description: "The partner this access comes through; null for the client's own users." })
  viaPartner!: PartnerType | null;

  @Field(() => DateScalar, { nullable: true, description: 'Europe/Oslo date from which the access grants nothing.' })
  deactivationDate!: string | null;

  @Field({ description: 'False once the deactivation date has come (and the access was not kept for the subscription role).' })
  active!: boolean;

  @Field({ description: 'True when the access is kept past its deactivation date only because the user is still subscription administrator.' })
  keptForSubscriptionRole!: boolean;
}

@ObjectType('ClientExtension', { simpleResolvers: true, implements: NodeInterface, description: 'An integration or setting on a client.' })
export class ClientExtensionType extends NodeInterface {
  @Field({ description: 'Stable key of the extension.' })
  key!: string;

  @Field({ description: 'Display name.' })
  name!: string;

  @Field(() => PartnerType, { nullable: true, description: 'The partner that owns it; null for the client\'s own.' })
  ownerPartner!: PartnerType | null;
}

@InputType('ClientFilter', { description: 'Which clients to list.' })
export class ClientFilterInput {
  @Field(() => ClientTab, { nullable: true, description: 'ACTIVE (default) or ARCHIVE.' })
  tab?: ClientTab | null;

  @Field(() => String, { nullable: true, description: 'Matches name or organization number.' })
  search?: string | null;

  @Field(() => ID, { nullable: true, description: "Only this partner's clients (the partner's id); default all of the viewer's partners." })
  partnerId?: string | null;
}

@ObjectType('ClientEdge', { simpleResolvers: true, description: 'A client in a list.' })
export class ClientEdge {
  @Field({ description: 'Pass as `after` to continue after this client.' })
  cursor!: string;

  @Field(() => ClientType, { description: 'The client.' })
  node!: ClientType;
}

@ObjectType('ClientConnection', { description: 'A page of clients.' })
export class ClientConnection {
  @Field(() => [ClientEdge], { description: 'The clients on this page.' })
  edges!: ClientEdge[];

  @Field(() => [ClientType], { description: 'The clients on this page, without their cursors.' })
  nodes!: ClientType[];

  @Field(() => PageInfo, { description: 'Where this page stands.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'How many clients match the filter in all.' })
  totalCount!: number;
}
