import type { Viewer } from '../auth/viewer';
import { ClientRole, type ClientAccess } from '../clients/client-access.entity';
import { PartnerRight } from '../partners/partner-membership.entity';

/**
 * Whether an access grants anything today (DESIGN A3, S4): not once its deactivation date has come — unless the user
 * still holds the client's subscription-administrator role, which keeps the access until the role is handed over.
 * Compares the date itself, so a late or lost job never extends anyone's access.
 */
export function isAccessActive(access: ClientAccess, subscriptionAdminUserId: string | null, today: string): boolean {
  if (access.deactivatedAt) return false;
  if (!access.deactivationDate || access.deactivationDate > today) return true;
  return access.userId === subscriptionAdminUserId;
}

/** Whether the access makes its user an administrator of the client today (DESIGN A5). */
export function isActiveAdministrator(access: ClientAccess, subscriptionAdminUserId: string | null, today: string): boolean {
  return access.roles.includes(ClientRole.ADMINISTRATOR) && isAccessActive(access, subscriptionAdminUserId, today);
}

/** As whom an access lets its user change the client: see `administratorWhoMayChange`. */
export enum ClientAdministrator {
  /** The client's own administrator: an access that comes through no partner (A5). */
  OWN = 'OWN',
  /** An administrator through the partner the client is linked to now, whose access no ending has dated (E14). */
  LINKED_PARTNER = 'LINKED_PARTNER',
}

/**
 * Whether this access makes its user an administrator who may change the client today — its users, their deactivation
 * dates, its subscription administrator — and as whom; null when not (DESIGN A5, E8, E14). The client's own
 * administrators may while their access is active. An administrator through a partner may only while that partner is
 * the one the client is linked to and the access has no deactivation date: an ending dates the access of the partner
 * that is leaving, and what is leaving must not be used to keep access or give it to anyone (E8, E14). The
 * subscription-administrator role that keeps an access past its date (S4) gives no say over the client either.
 */
export function administratorWhoMayChange(
  access: ClientAccess | undefined,
  client: { partnerId: string | null; subscriptionAdminUserId: string | null },
  today: string,
): ClientAdministrator | null {
  if (!access || !isActiveAdministrator(access, client.subscriptionAdminUserId, today)) return null;
  if (access.viaPartnerId === null) return ClientAdministrator.OWN;
  if (access.viaPartnerId === client.partnerId && access.deactivationDate === null) return ClientAdministrator.LINKED_PARTNER;
  return null;
}

/**
 * A5 as the visibility rules read it: the access makes its user one of the client's administrators now — one who may
 * change it (`administratorWhoMayChange`), or the subscription administrator with an active ADMINISTRATOR access, also
 * one kept past its date for the role (S4). After an ending, the ending partner's users see the client only through its
 * archive (A6).
 */
export function administersClientNow(access: ClientAccess, client: { partnerId: string | null; subscriptionAdminUserId: string | null }, today: string): boolean {
  if (administratorWhoMayChange(access, client, today) !== null) return true;
  return access.userId === client.subscriptionAdminUserId && isActiveAdministrator(access, client.subscriptionAdminUserId, today);
}

/**
 * A8: a user of the ending partner without ARCHIVE there keeps seeing the client they work on — as it is — until the
 * generation date, so they can finish the period: their access came through that partner, an ending dated it, the date
 * has not come, and the client has not been linked to a partner since (E14). Users with ARCHIVE see it through the
 * archive instead (A6); from the generation date on, the date alone takes the sight away (A3).
 */
export function keepsSightUntilGeneration(viewer: Viewer, access: ClientAccess, client: { partnerId: string | null }, today: string): boolean {
  if (client.partnerId !== null || access.viaPartnerId === null || access.deactivationRelationshipId === null) return false;
  if (access.deactivatedAt || !access.deactivationDate || access.deactivationDate <= today) return false;
  return viewer.isMemberOf(access.viaPartnerId) && !viewer.hasRight(access.viaPartnerId, PartnerRight.ARCHIVE);
}
