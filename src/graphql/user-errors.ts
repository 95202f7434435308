import { Field, ObjectType, registerEnumType } from 'type-graphql';

/** Stable codes of `userErrors` entries (contract: UserErrorCode). */
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
}

registerEnumType(UserErrorCode, {
  name: 'UserErrorCode',
  description: 'Why a mutation refused its input. A non-empty `userErrors` means nothing changed.',
  valuesConfig: {
    NOT_FOUND: { description: 'The object does not exist or the viewer may not see it.' },
    FORBIDDEN: { description: 'The viewer sees the object but lacks the right for this change.' },
    INVALID_PERIOD: { description: 'The responsibility period is reversed or ends after the generation month.' },
    GENERATION_DATE_NOT_IN_FUTURE: { description: 'The generation date is today or earlier (Europe/Oslo).' },
    GENERATION_DATE_TOO_FAR: { description: 'The generation date is more than 366 days ahead, or more than 366 days after the day of the ending.' },
    NOT_LINKED_TO_PARTNER: { description: 'The client is not linked to a partner the viewer may act for.' },
    ALREADY_ENDED: { description: 'The relationship has already been ended.' },
    INVALID_SUBSCRIPTION_ADMIN: { description: 'The user cannot take the subscription-administrator role.' },
    GENERATION_DATE_PASSED: { description: 'The generation date has come; the ending can no longer change.' },
    IDEMPOTENCY_KEY_MISMATCH: { description: 'The idempotency key was used before with another input.' },
    NOT_DEACTIVATING: { description: 'The user has no pending deactivation on the client.' },
    ALREADY_LINKED: { description: 'The client is already linked to a partner.' },
    CLIENT_LINKED_ELSEWHERE: { description: 'The client has been linked to a partner since this ending; the ending partner can no longer change it.' },
  },
});

@ObjectType('UserError', { description: 'Why a mutation refused its input.' })
export class UserError {
  @Field(() => [String], { nullable: true, description: 'Path to the input field at fault, e.g. ["input", "generationDate"].' })
  field!: string[] | null;

  @Field({ description: 'What is wrong, for a person.' })
  message!: string;

  @Field(() => UserErrorCode, { description: 'What is wrong, for a program.' })
  code!: UserErrorCode;
}

@ObjectType('Warning', { description: 'Something the caller should know; the change was made.' })
export class Warning {
  @Field({ description: 'Stable code, e.g. RESPONSIBILITY_OUTSIDE_PARTNER_PERIOD.' })
  code!: string;

  @Field({ description: 'What it means, for a person.' })
  message!: string;
}

export function userError(code: UserErrorCode, message: string, field: string[] | null = null): UserError {
  return { code, message, field };
}
