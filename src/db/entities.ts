import { ArchiveDocument } from '../archive/archive-document.entity';
import { ArchiveExport, ArchiveExportRelationship } from '../archive/archive-export.entity';
import { ArchiveUpload } from '../archive/archive-upload.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { ClientAccess } from '../clients/client-access.entity';
import { ClientExtension } from '../clients/client-extension.entity';
import { Client } from '../clients/client.entity';
import { PartnerClientCount } from '../clients/partner-client-count.entity';
import { InstallationKey } from './installation-key.entity';
import { INTEGRATION_ENTITIES } from '../integrations/integration.entities';
import { IdempotencyRecord } from '../idempotency/idempotency-record.entity';
import { LEDGER_ENTITIES } from '../ledger/ledger.entities';
import { Notification } from '../notifications/notification.entity';
import { PartnerMembership } from '../partners/partner-membership.entity';
import { Partner } from '../partners/partner.entity';
import { CustomerRelationship } from '../relationships/customer-relationship.entity';
import { ScheduledTask } from '../tasks/scheduled-task.entity';
import { User } from '../users/user.entity';

/** Every entity of the product; feature folders add theirs here. */
export const ENTITIES = [
  Partner,
  User,
  PartnerMembership,
  Client,
  ClientAccess,
  ClientExtension,
  PartnerClientCount,
  CustomerRelationship,
  ScheduledTask,
  ArchiveDocument,
  ArchiveUpload,
  ArchiveExport,
  ArchiveExportRelationship,
  AuditEvent,
  Notification,
  IdempotencyRecord,
  InstallationKey,
  ...LEDGER_ENTITIES,
  ...INTEGRATION_ENTITIES,
];
