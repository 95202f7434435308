import { Refusal, UserErrorCode } from './refusals';

/**
 * An error the product raises on purpose, with a message written for the people who will read it (a partner in the
 * archive, an operator in `npm run cli -- tasks`). Only such messages are stored where users see them; any other
 * error (a file system, SQL or programming error) may name paths, hosts or data, and stays in the logs.
 */
export class DomainError extends Error {
  override name = 'DomainError';
}

/**
 * What a refused request is, for a program. The API reports it as `extensions.code` of a top-level error
 * (`src/graphql/api-errors.ts` maps each code); the CLI and the workers tell the errors apart with `instanceof`.
 */
export type DomainErrorCode = 'NOT_FOUND' | 'FORBIDDEN' | 'BAD_INPUT';

/** A refused request: its message for a person, its code and details for a program. */
export abstract class CodedDomainError extends DomainError {
  abstract readonly code: DomainErrorCode;

  constructor(
    message: string,
    /** Facts a program may use, e.g. `{ argument: 'after' }`; never the caller's input itself. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** The object does not exist, or the viewer may not see it: the same answer, so nothing leaks (DESIGN A2). */
export class NotFoundError extends CodedDomainError {
  override name = 'NotFoundError';
  readonly code = 'NOT_FOUND';
}

/** The viewer sees the object but lacks the right for what they ask. */
export class ForbiddenError extends CodedDomainError {
  override name = 'ForbiddenError';
  readonly code = 'FORBIDDEN';
}

/** The request itself is wrong (a cursor not made by us, a state in which the operation makes no sense). */
export class BadInputError extends CodedDomainError {
  override name = 'BadInputError';
  readonly code = 'BAD_INPUT';
}

/**
 * A refusal as an error, for operations whose result cannot carry `userErrors` (a query): NOT_FOUND and FORBIDDEN
 * keep their meaning, any other refusal is bad input with its code as the `reason`.
 */
export function refusalAsError(refusal: Refusal): CodedDomainError {
  if (refusal.code === UserErrorCode.NOT_FOUND) return new NotFoundError(refusal.message);
  if (refusal.code === UserErrorCode.FORBIDDEN) return new ForbiddenError(refusal.message);
  return new BadInputError(refusal.message, { reason: refusal.code });
}
