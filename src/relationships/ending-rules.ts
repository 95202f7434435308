import { addDays, osloDateOf } from '../common/clock';
import { monthOf } from '../common/calendar';
import type { Client } from '../clients/client.entity';
import { Refusal, refusal, UserErrorCode, Warning, WarningCode } from '../common/refusals';
import type { CustomerRelationship } from './customer-relationship.entity';

/** E3: the generation date lies strictly after today (Europe/Oslo) ... */
export function earliestGenerationDate(today: string): string {
  return addDays(today, 1);
}

/** ... and at most 366 days ahead. */
export function latestGenerationDate(today: string): string {
  return addDays(today, 366);
}

/** E3 for a generation date entered today. */
export function checkGenerationDate(generationDate: string, today: string, field: string[] = ['input', 'generationDate']): Refusal[] {
  if (generationDate < earliestGenerationDate(today)) {
    return [refusal(UserErrorCode.GENERATION_DATE_NOT_IN_FUTURE, `The generation date must be after today (${today}, Europe/Oslo).`, field)];
  }
  if (generationDate > latestGenerationDate(today)) {
    return [refusal(UserErrorCode.GENERATION_DATE_TOO_FAR, `The generation date may be at most 366 days ahead (${latestGenerationDate(today)}).`, field)];
  }
  return [];
}

/** The Europe/Oslo day of an ending (`endedAt`; the partner period ends that day too, E4). */
export function dayOfEnding(ending: CustomerRelationship): string {
  return ending.endedAt ? osloDateOf(ending.endedAt) : ending.partnerPeriodEnd!;
}

/**
 * E7 for a generation date moved from the archive: E3 as of today, and never more than 366 days after the day of the
 * ending, however often it is moved — postponing again and again must not keep the partner's users on the client.
 */
export function checkMovedGenerationDate(generationDate: string, today: string, endedOn: string, field: string[] = ['input', 'generationDate']): Refusal[] {
  const errors = checkGenerationDate(generationDate, today, field);
  if (errors.length > 0) return errors;
  const latest = latestGenerationDate(endedOn);
  if (generationDate > latest) {
    return [
      refusal(
        UserErrorCode.GENERATION_DATE_TOO_FAR,
        `The generation date may be at most 366 days after the day of the ending (${endedOn}); the last allowed date is ${latest}.`,
        field,
      ),
    ];
  }
  return [];
}

/**
 * E14: whether the client has been linked to a partner since this ending — a newer relationship of the client exists,
 * whatever its status now, or the client carries a partner code. From then on the ending partner may no longer update,
 * cancel or hand over on the client: the client belongs elsewhere, and a cancel would give the partner's users their
 * access back there.
 */
export function linkedSinceEnding(ending: CustomerRelationship, client: Pick<Client, 'partnerId'>, relationships: CustomerRelationship[]): boolean {
  return client.partnerId !== null || relationships.some((r) => BigInt(r.id) > BigInt(ending.id));
}

/** E2: from ≤ to, and the period does not end after the generation date's month. */
export function checkResponsibilityPeriod(from: string, to: string, generationDate: string): Refusal[] {
  if (from > to) {
    return [refusal(UserErrorCode.INVALID_PERIOD, `The responsibility period starts (${from}) after it ends (${to}).`, ['input', 'responsibilityFrom'])];
  }
  if (to > monthOf(generationDate)) {
    return [
      refusal(UserErrorCode.INVALID_PERIOD, `The responsibility period may not end after the generation month (${monthOf(generationDate)}).`, ['input', 'responsibilityTo']),
    ];
  }
  return [];
}

export const RESPONSIBILITY_OUTSIDE_PARTNER_PERIOD = WarningCode.RESPONSIBILITY_OUTSIDE_PARTNER_PERIOD;
export const USERS_IN_OTHER_PARTNERS = WarningCode.USERS_IN_OTHER_PARTNERS;

/** E2: a responsibility period outside the partner period is allowed, with a warning. */
export function periodWarnings(from: string, to: string, partnerPeriodStart: string | null, partnerPeriodEnd: string): Warning[] {
  const startMonth = partnerPeriodStart ? monthOf(partnerPeriodStart) : null;
  const endMonth = monthOf(partnerPeriodEnd);
  if ((startMonth && from < startMonth) || to > endMonth) {
    return [
      {
        code: RESPONSIBILITY_OUTSIDE_PARTNER_PERIOD,
        message: `The responsibility period ${from}–${to} lies partly outside the partner period ${partnerPeriodStart ?? '?'}–${partnerPeriodEnd}.`,
      },
    ];
  }
  return [];
}

export const DERIVED_SAFT_GROUPINGS = WarningCode.DERIVED_SAFT_GROUPINGS;

/**
 * Accounts whose SAF-T grouping was derived from the account number (books imported from SAF-T 1.10/1.20, or without
 * a grouping): the archive's files will carry the derived codes unless the partner corrects them first.
 */
export function derivedGroupingWarnings(accountIds: string[]): Warning[] {
  if (accountIds.length === 0) return [];
  const shown = accountIds.slice(0, 10).join(', ');
  const more = accountIds.length > 10 ? ` and ${accountIds.length - 10} more` : '';
  return [
    {
      code: DERIVED_SAFT_GROUPINGS,
      message: `${accountIds.length} account(s) have a SAF-T grouping derived from the account number, not given by the books: ${shown}${more}. Check them before the generation date.`,
    },
  ];
}
