import type { VisibilityService } from '../access/visibility.service';
import type { AuditService } from '../audit/audit.service';
import type { Clock } from '../common/clock';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { NotificationService } from '../notifications/notification.service';
import type { TaskTrigger } from '../tasks/task-trigger';
import { DerivedGroupingLookup, EndRelationshipService } from './end-relationship.service';
import { EndedRelationshipService } from './ended-relationship.service';
import { PartnerLinkService } from './partner-link.service';
import { SubscriptionAdminService } from './subscription-admin.service';
import { UserDeactivationService } from './user-deactivation.service';

/** The services of the customer-relationship flow. */
export interface RelationshipServices {
  notifications: NotificationService;
  idempotency: IdempotencyService;
  endings: EndRelationshipService;
  endedRelationships: EndedRelationshipService;
  subscriptionAdmin: SubscriptionAdminService;
  userDeactivations: UserDeactivationService;
  partnerLinks: PartnerLinkService;
}

export interface RelationshipServiceParts {
  clock: Clock;
  visibility: VisibilityService;
  audit: AuditService;
  /** Read when a transaction commits, so a process may set its triggers after building the services. */
  taskTrigger: () => TaskTrigger;
  emailTrigger?: () => { sync(notificationIds: string[]): Promise<void> } | undefined;
  derivedGroupings: DerivedGroupingLookup;
}

export function createRelationshipServices(parts: RelationshipServiceParts): RelationshipServices {
  const { clock, visibility, audit, taskTrigger } = parts;
  const notifications = new NotificationService(clock, parts.emailTrigger);
  const idempotency = new IdempotencyService(clock);
  const subscriptionAdmin = new SubscriptionAdminService(clock, audit, notifications, idempotency, visibility);
  return {
    notifications,
    idempotency,
    subscriptionAdmin,
    endings: new EndRelationshipService(clock, visibility, audit, idempotency, subscriptionAdmin, taskTrigger, parts.derivedGroupings),
    endedRelationships: new EndedRelationshipService(clock, visibility, audit, idempotency, taskTrigger),
    userDeactivations: new UserDeactivationService(clock, visibility, audit, idempotency),
    partnerLinks: new PartnerLinkService(clock, visibility, audit, idempotency),
  };
}
