import { Field, ObjectType } from 'type-graphql';
import { ClientType } from '../clients/client.types';
import { NotificationType } from '../notifications/notification.types';
import { PartnerMembershipType } from '../partners/partner.types';
import { UserType } from '../users/user.types';

@ObjectType('Viewer', { simpleResolvers: true, description: 'The authenticated user and their partner memberships.' })
export class ViewerType {
  @Field(() => UserType, { description: 'The user behind the token.' })
  user!: UserType;

  @Field(() => [PartnerMembershipType], { description: 'The partners the user belongs to, with rights.' })
  memberships!: PartnerMembershipType[];

  @Field(() => [NotificationType], { description: "The viewer's notifications, newest first." })
  notifications!: NotificationType[];

  @Field(() => [ClientType], { description: 'The clients the viewer administers as their own staff or through a partner (active ADMINISTRATOR access), by name.' })
  administeredClients!: ClientType[];
}
