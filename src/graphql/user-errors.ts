import { Field, FieldResolver, ObjectType, registerEnumType, Resolver, Root } from 'type-graphql';
import { UserErrorCode, WarningCode, type Refusal, type Warning as PlainWarning } from '../common/refusals';

/**
 * The refusals and warnings of `src/common/refusals.ts` as the API's `UserError`, `UserErrorCode` and `Warning` types.
 * Services return the plain shapes; these classes only describe them to GraphQL.
 */
export { UserErrorCode, WarningCode };

registerEnumType(WarningCode, {
  name: 'WarningCode',
  description: 'What a warning is about. A warning never stops the change.',
  valuesConfig: {
    RESPONSIBILITY_OUTSIDE_PARTNER_PERIOD: { description: 'The responsibility period lies partly outside the partner period.' },
    USERS_IN_OTHER_PARTNERS: { description: 'Users who lose access are also members of another partner.' },
    DERIVED_SAFT_GROUPINGS: { description: "Accounts whose SAF-T grouping was derived from the account number, not given by the books: check them before the generation date." },
    SUBSCRIPTION_ADMIN_LEAVING: { description: "The subscription administrator is one of the ending partner's users and no new one was named: the role stays with that user, whose access is kept for it alone after the generation date, until it is handed over." },
  },
});

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
    TOO_MANY_ITEMS: { description: 'More items than one call takes.' },
    FILE_TOO_LARGE: { description: 'The declared or received size is above the configured limit.' },
    UNSUPPORTED_CONTENT_TYPE: { description: 'The archive does not accept this content type, or the bytes are not of that type.' },
    CHECKSUM_MISMATCH: { description: 'The received bytes do not have the declared SHA-256 (or size).' },
    UPLOAD_INCOMPLETE: { description: 'Nothing, or not all of it, was received for the upload.' },
    UPLOAD_EXPIRED: { description: "The upload's time ran out." },
    INVALID_FISCAL_YEAR: { description: "The fiscal year is not one this relationship's archive can hold, or its folder has been deleted." },
    INVALID_RETENTION: { description: 'A retention shorter than the law allows.' },
    INVALID_URL: { description: 'The URL is not one the server will call (scheme, private address, credentials in it).' },
  },
});

@ObjectType('UserError', { simpleResolvers: true, description: 'Why a mutation refused its input.' })
export class UserError implements Refusal {
  @Field(() => [String], { nullable: true, description: 'Path to the input field at fault, e.g. ["input", "generationDate"].' })
  field!: string[] | null;

  @Field({ description: 'What is wrong, for a person.' })
  message!: string;

  @Field(() => UserErrorCode, { description: 'What is wrong, for a program.' })
  code!: UserErrorCode;
}

@ObjectType('Warning', { simpleResolvers: true, description: 'Something the caller should know; the change was made.' })
export class Warning implements PlainWarning {
  @Field(() => String, { description: 'Stable code, e.g. RESPONSIBILITY_OUTSIDE_PARTNER_PERIOD.', deprecationReason: 'Use warningCode: the same value, as an enum.' })
  code!: WarningCode;

  @Field(() => WarningCode, { description: 'What the warning is about, for a program.' })
  warningCode!: WarningCode;

  @Field({ description: 'What it means, for a person.' })
  message!: string;
}

/** Services return `{ code, message }`; `warningCode` is the same code as the enum. */
@Resolver(() => Warning)
export class WarningResolver {
  @FieldResolver(() => WarningCode)
  warningCode(@Root() warning: PlainWarning): WarningCode {
    return warning.code;
  }
}
