/**
 * Why a mutation changed nothing, in plain terms. Services return refusals in `userErrors`; a result with one rolls its
 * transaction back. `src/graphql/user-errors.ts` publishes the same shape as the API's `UserError` type.
 */

/** Stable codes of refusals (contract: UserErrorCode). */
export enum UserErrorCode {
  NOT_FOUND = 'NOT_FOUND',
  FORBIDDEN = 'FORBIDDEN',
  INVALID_PERIOD = 'INVALID_PERIOD',
  GENERATION_DATE_NOT_IN_FUTURE = 'GENERATION_DATE_NOT_IN_FUTURE',
  GENERATION_DATE_TOO_FAR = 'GENERATION_DATE_TOO_FAR',
  NOT_LINKED_TO_PARTNER = 'NOT_LINKED_TO_PARTNER',
  ALREADY_ENDED = 'ALREADY_ENDED',
  INVALID_SUBSCRIPTION_ADMIN = 'INVALID_SUBSCRIPTION_ADMIN',
  GENERATION_DATE_PASSED = 'GENERATION_DATE_PASSED',
  IDEMPOTENCY_KEY_MISMATCH = 'IDEMPOTENCY_KEY_MISMATCH',
  NOT_DEACTIVATING = 'NOT_DEACTIVATING',
  ALREADY_LINKED = 'ALREADY_LINKED',
  CLIENT_LINKED_ELSEWHERE = 'CLIENT_LINKED_ELSEWHERE',
  // Uploads into the archive and exports out of it (DESIGN S8, S9).
  TOO_MANY_ITEMS = 'TOO_MANY_ITEMS',
  FILE_TOO_LARGE = 'FILE_TOO_LARGE',
  UNSUPPORTED_CONTENT_TYPE = 'UNSUPPORTED_CONTENT_TYPE',
  CHECKSUM_MISMATCH = 'CHECKSUM_MISMATCH',
  UPLOAD_INCOMPLETE = 'UPLOAD_INCOMPLETE',
  UPLOAD_EXPIRED = 'UPLOAD_EXPIRED',
  INVALID_FISCAL_YEAR = 'INVALID_FISCAL_YEAR',
  // Retention set per client (DESIGN S5).
  INVALID_RETENTION = 'INVALID_RETENTION',
  // Partner integrations (docs/integrations.md).
  INVALID_URL = 'INVALID_URL',
}

/** Why a mutation refused its input: for a program (`code`), for a person (`message`), and the input at fault. */
export interface Refusal {
  code: UserErrorCode;
  message: string;
  /** Path to the input field at fault, e.g. ["input", "generationDate"]; null when no one field is. */
  field: string[] | null;
}

/** Stable codes of warnings: something the caller should know, the change being made (or previewed) all the same. */
export enum WarningCode {
  RESPONSIBILITY_OUTSIDE_PARTNER_PERIOD = 'RESPONSIBILITY_OUTSIDE_PARTNER_PERIOD',
  USERS_IN_OTHER_PARTNERS = 'USERS_IN_OTHER_PARTNERS',
  DERIVED_SAFT_GROUPINGS = 'DERIVED_SAFT_GROUPINGS',
  SUBSCRIPTION_ADMIN_LEAVING = 'SUBSCRIPTION_ADMIN_LEAVING',
}

/** Something the caller should know; the change was made. */
export interface Warning {
  code: WarningCode;
  message: string;
}

export function refusal(code: UserErrorCode, message: string, field: string[] | null = null): Refusal {
  return { code, message, field };
}

/**
 * A mutation's result when it refused: `nothing` is the service's result with nothing in it (nulls and empty lists),
 * completed with why.
 */
export function refused<T extends object>(nothing: T, ...refusals: Refusal[]): T & { userErrors: Refusal[] } {
  return { ...nothing, userErrors: refusals };
}

/** A client that does not exist or that the viewer may not see: the same answer, so nothing leaks (DESIGN A2). */
export function noSuchClient(): Refusal {
  return refusal(UserErrorCode.NOT_FOUND, 'No such client.', ['input', 'clientId']);
}

/** A relationship that does not exist or that the viewer may not see (DESIGN A2). */
export function noSuchRelationship(): Refusal {
  return refusal(UserErrorCode.NOT_FOUND, 'No such relationship.', ['input', 'relationshipId']);
}
