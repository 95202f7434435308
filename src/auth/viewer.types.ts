import { Field, ObjectType } from 'type-graphql';
import { NotificationType } from '../notifications/notification.types';
import { PartnerMembershipType } from '../partners/partner.types';
import { UserType } from '../users/user.types';

@ObjectType('Viewer', { description: 'The authenticated user and their partner memberships.' })
export class ViewerType {
  @Field(() => UserType, { description: 'The user behind the token.' })
  user!: UserType;

  @Field(() => [PartnerMembershipType], { description: 'The partners the user belongs to, with rights.' })
  memberships!: PartnerMembershipType[];

  @Field(() => [NotificationType], { description: "The viewer's notifications, newest first." })
  notifications!: NotificationType[];
}
