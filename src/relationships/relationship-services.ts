import type { VisibilityService } from '../access/visibility.service';
import type { AuditService } from '../audit/audit.service';
import type { Clock } from '../common/clock';
import { IdempotencyService } from '../idempotency/idempotency.service';
import type { EmailTrigger } from '../notifications/email-trigger';
import { ClientNotices } from '../notifications/client-notices';
import { NotificationService } from '../notifications/notification.service';
import type { TaskTrigger } from '../tasks/task-trigger';
import type { WebhookEvents } from '../integrations/webhook-events';
import { DerivedGroupingLookup, EndingService } from './ending.service';
import { PendingEndingService } from './pending-ending.service';
import { PartnerLinkService } from './partner-link.service';
import { SubscriptionAdminService } from './subscription-admin.service';
import { UserDeactivationService } from './user-deactivation.service';

/** The services of the customer-relationship flow. */
export interface RelationshipServices {
  readonly notifications: NotificationService;
  /** The notices of endings, generation and expiry to the client and the archive (S11). */
  readonly notices: ClientNotices;
  readonly idempotency: IdempotencyService;
  readonly endings: EndingService;
  readonly pendingEndings: PendingEndingService;
  readonly subscriptionAdmin: SubscriptionAdminService;
  readonly userDeactivations: UserDeactivationService;
  readonly partnerLinks: PartnerLinkService;
}

export interface RelationshipServiceParts {
  clock: Clock;
  visibility: VisibilityService;
  audit: AuditService;
  /** Queues the tasks an ending writes, moves or cancels, after commit. */
  taskTrigger: TaskTrigger;
  /** Queues the e-mails of the notifications written, after commit. */
  emailTrigger: EmailTrigger;
  derivedGroupings: DerivedGroupingLookup;
  /** Records the webhook events of endings, updates and cancellations in their transaction. */
  webhookEvents?: WebhookEvents;
}

export function createRelationshipServices(parts: RelationshipServiceParts): RelationshipServices {
  const { clock, visibility, audit, taskTrigger } = parts;
  const notifications = new NotificationService(clock, parts.emailTrigger);
  const notices = new ClientNotices(notifications);
  const idempotency = new IdempotencyService(clock);
  const subscriptionAdmin = new SubscriptionAdminService(clock, audit, notifications, idempotency, visibility);
  return {
    notifications,
    notices,
    idempotency,
    subscriptionAdmin,
    endings: new EndingService(clock, visibility, audit, idempotency, subscriptionAdmin, taskTrigger, parts.derivedGroupings, notices, parts.webhookEvents),
    pendingEndings: new PendingEndingService(clock, visibility, audit, idempotency, taskTrigger, notices, parts.webhookEvents),
    userDeactivations: new UserDeactivationService(clock, visibility, audit, idempotency),
    partnerLinks: new PartnerLinkService(clock, visibility, audit, idempotency),
  };
}
