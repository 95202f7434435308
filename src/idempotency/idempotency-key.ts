import { Matches, MaxLength, MinLength } from 'class-validator';
import { PLAIN_KEY } from '../common/ids';

export const IDEMPOTENCY_KEY_DESCRIPTION =
  'Retrying with the same key returns the first result and changes nothing (1-128 characters, compared exactly; no control characters or spaces at either end).';

/**
 * An idempotency key (DESIGN E10) on a mutation's input: 1-128 characters, no control characters and no spaces at
 * either end. Keys are compared byte for byte (`Key-A` and `key-a` are two keys); a key that is refused here is
 * BAD_USER_INPUT before anything runs, rather than a near-match of another key.
 */
export function IsIdempotencyKey(): PropertyDecorator {
  const rules = [MinLength(1), MaxLength(128), Matches(PLAIN_KEY, { message: 'idempotencyKey must have no control characters and no spaces at either end' })];
  return (target, property) => rules.forEach((rule) => rule(target, property as string));
}
