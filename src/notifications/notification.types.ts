import { Field, ObjectType, registerEnumType } from 'type-graphql';
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
    WEBHOOK_ENDPOINT_DISABLED: { description: "A webhook endpoint of a partner where you have INTEGRATIONS kept failing for three days and was disabled." },
  },
});

@ObjectType('Notification', { implements: NodeInterface, description: 'A notice to the viewer; also sent by e-mail.' })
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
