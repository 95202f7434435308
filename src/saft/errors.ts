import { DomainError } from '../common/domain-error';

/** A SAF-T file that cannot be read: not well-formed, incomplete, or failing a check. */
export class SaftFormatError extends Error {
  constructor(
    /** 1-based line in the file where the problem was found (for a record: where it starts). */
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
    this.name = 'SaftFormatError';
  }
}

/**
 * Data that was written as a schema-valid file but breaks the SAF-T rules the
 * XSD does not check (balances, control totals, references). The file written
 * must be discarded.
 */
export class SaftIntegrityError extends DomainError {
  constructor(
    /** What failed, one message per problem (capped; see `problemCount`). */
    readonly problems: string[],
    readonly problemCount: number,
  ) {
    const more = problemCount > problems.length ? ` (and ${problemCount - problems.length} more)` : '';
    super(`SAF-T integrity check failed: ${problems.join('; ')}${more}`);
    this.name = 'SaftIntegrityError';
  }
}
