import { DomainError } from '../common/domain-errors';

/** A SAF-T file that cannot be read: not well-formed, incomplete, or failing a check. */
export class SaftFormatError extends Error {
  /** The reason as given, made one line of at most `MAX_REASON_CHARS` (see `oneLine`). */
  readonly reason: string;

  constructor(
    /** 1-based line in the file where the problem was found (for a record: where it starts). */
    readonly line: number,
    readonly column: number,
    reason: string,
  ) {
    const shown = oneLine(reason);
    super(`line ${line}, column ${column}: ${shown}`);
    this.reason = shown;
    this.name = 'SaftFormatError';
  }
}

/**
 * Reasons quote the file (a value, an element name), which may hold line
 * breaks and be up to the reader's text limit long; a refusal is still
 * reported as one line an operator can read.
 */
const MAX_REASON_CHARS = 500;

function oneLine(reason: string): string {
  const flat = reason.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (flat.length <= MAX_REASON_CHARS) return flat;
  const keep = (MAX_REASON_CHARS - 40) / 2;
  return `${flat.slice(0, keep)}… (${flat.length - 2 * keep} characters left out) …${flat.slice(-keep)}`;
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
