import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { UserError } from '../graphql/user-errors';
import { ClientType } from '../clients/client.types';
import { NodeInterface } from '../graphql/node';
import { DateTimeScalar } from '../graphql/scalars';
import { NotificationKind } from './notification.entity';

registerEnumType(NotificationKind, {
  name: 'NotificationKind',
  description: 'What a notification is about.',
  valuesConfig: {
    ADMINISTRATOR_GRANTED: { description: 'You were made ADMINISTRATOR on a client.' },
    SUBSCRIPTION_ADMIN_RECEIVED: { description: "You are now a client's subscription administrator." },
    ARCHIVE_EXPORT_READY: { description: 'An archive export you asked for can be downloaded.' },
    ARCHIVE_DOCUMENT_DAMAGED: { description: "The fixity check found no intact copy of a document in your partner's archive." },
    RELATIONSHIP_ENDED: { description: 'A partner ended its relationship with a client you administer.' },
    RELATIONSHIP_ENDING_CHANGED: { description: 'A pending ending of a client you administer was changed or cancelled.' },
    ARCHIVE_GENERATED: { description: 'The mandatory accounting data of an ended relationship is in the archive.' },
    ARCHIVE_GENERATION_FAILED: { description: 'Generating the mandatory accounting data failed and needs attention.' },
    ARCHIVE_EXPIRING: { description: 'Archive documents of a client you administer will be deleted soon.' },
    WEBHOOK_ENDPOINT_DISABLED: { description: "A webhook endpoint of a partner where you have INTEGRATIONS kept failing for three days and was disabled." },
  },
});

@ObjectType('Notification', { simpleResolvers: true, implements: NodeInterface, description: 'A notice to the viewer; also sent by e-mail.' })
export class NotificationType extends NodeInterface {
  @Field(() => NotificationKind, { description: 'What the notice is about.' })
  kind!: NotificationKind;

  @Field({ description: 'The notice, for a person.' })
  message!: string;

  @Field(() => ClientType, { nullable: true, description: 'The client it concerns, if the viewer may see it.' })
  client!: ClientType | null;

  @Field(() => DateTimeScalar, { description: 'When it was made.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the viewer marked it read.' })
  readAt!: Date | null;
}

@InputType('MarkNotificationsReadInput', { description: 'Which of the viewer\'s notifications to mark read: the ids given, or all.' })
export class MarkNotificationsReadInput {
  @Field(() => [ID], { nullable: true, description: 'Notifications (global ids) to mark read.' })
  ids?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Mark every unread notification of the viewer read (ids are then ignored).' })
  all?: boolean | null;
}

@ObjectType('MarkNotificationsReadPayload', { simpleResolvers: true, description: 'The result of markNotificationsRead.' })
export class MarkNotificationsReadPayload {
  @Field(() => [NotificationType], { description: 'The notifications named by id, now read; empty when all were marked.' })
  notifications!: NotificationType[];

  @Field(() => Int, { description: 'How many notifications were unread and are now read.' })
  markedCount!: number;

  @Field(() => [UserError], { description: 'Why nothing changed (NOT_FOUND for an id that is not one of the viewer\'s notifications); empty on success.' })
  userErrors!: UserError[];
}
