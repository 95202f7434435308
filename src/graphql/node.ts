import { Field, ID, InterfaceType } from 'type-graphql';
import { ArchiveDocument } from '../archive/archive-document.entity';
import { ArchiveExport } from '../archive/archive-export.entity';
import { ArchiveUpload } from '../archive/archive-upload.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { ClientAccess } from '../clients/client-access.entity';
import { ClientExtension } from '../clients/client-extension.entity';
import { Client } from '../clients/client.entity';
import { ApiKey, WebhookDelivery, WebhookEndpoint } from '../integrations/integration.entities';
import { Notification } from '../notifications/notification.entity';
import { Partner } from '../partners/partner.entity';
import { CustomerRelationship } from '../relationships/customer-relationship.entity';
import { ScheduledTask } from '../tasks/scheduled-task.entity';
import { User } from '../users/user.entity';

/** Relay's Node: every object with a global id can be fetched with `node(id:)`. */
@InterfaceType('Node', {
  description: 'An object with an opaque global id, fetchable with `node(id:)`.',
  resolveType: (value: object) => nodeTypeName(value),
})
export abstract class NodeInterface {
  @Field(() => ID, { description: 'Opaque global id.' })
  id!: string;
}

/** Which GraphQL type a node is, from the entity behind it. */
export function nodeTypeName(value: object): string | undefined {
  if (value instanceof Client) return 'Client';
  if (value instanceof Partner) return 'Partner';
  if (value instanceof User) return 'User';
  if (value instanceof CustomerRelationship) return 'CustomerRelationship';
  if (value instanceof ArchiveDocument) return 'ArchiveDocument';
  if (value instanceof Notification) return 'Notification';
  if (value instanceof ArchiveUpload) return 'ArchiveUpload';
  if (value instanceof ArchiveExport) return 'ArchiveExport';
  if (value instanceof ClientAccess) return 'ClientUser';
  if (value instanceof ClientExtension) return 'ClientExtension';
  if (value instanceof ScheduledTask) return 'ScheduledTask';
  if (value instanceof AuditEvent) return 'AuditEvent';
  if (value instanceof ApiKey) return 'ApiKey';
  if (value instanceof WebhookEndpoint) return 'WebhookEndpoint';
  if (value instanceof WebhookDelivery) return 'WebhookDelivery';
  return undefined;
}
