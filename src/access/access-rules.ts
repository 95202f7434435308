import type { ClientAccess } from '../clients/client-access.entity';

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
  return access.roles.includes('ADMINISTRATOR' as never) && isAccessActive(access, subscriptionAdminUserId, today);
}
