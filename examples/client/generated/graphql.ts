/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** What an archive document holds. */
export type ArchiveDocumentKind =
  /** A readable index of the folder: every document with its size and SHA-256 (PDF). */
  | 'ARCHIVE_INDEX'
  /** Uploaded: A-melding receipts and reports (A03, A07). */
  | 'A_MELDING'
  /** Uploaded: bank statements. */
  | 'BANK_STATEMENT'
  /** Kundespesifikasjon: per customer, opening balance, lines with the running balance, closing balance and open items (CSV); the balance list with open items (PDF). */
  | 'CUSTOMER_SPECIFICATION'
  /** Kontospesifikasjon (CSV): per account, opening balance, every line with input and output VAT and the running balance, closing balance. */
  | 'GENERAL_LEDGER'
  /** Bokføringsspesifikasjon (CSV): every voucher line of the fiscal year in the order it was recorded, with VAT and period totals. */
  | 'JOURNAL'
  /** Uploaded: anything else the firm keeps for the client. */
  | 'OTHER_DOCUMENTATION'
  /** A SAF-T Financial 1.30 file for one fiscal year. */
  | 'SAFT_FINANCIAL'
  /** Leverandørspesifikasjon: per supplier, opening balance, lines with the running balance, closing balance and open items (CSV); the balance list with open items (PDF). */
  | 'SUPPLIER_SPECIFICATION'
  /** Saldobalanse (CSV and PDF): per account, opening balance, debit and credit movement, closing balance, with totals and a check line. */
  | 'TRIAL_BALANCE'
  /** Mva-spesifikasjon (CSV and PDF): per VAT term of the client and per year, base and VAT per code and rate, reconciled with the VAT accounts. */
  | 'VAT_SPECIFICATION'
  /** Uploaded: vouchers and their attachments (invoices, receipts). */
  | 'VOUCHER_DOCUMENTATION'
  /** Spesifikasjon av uttak (CSV): the lines on the accounts the books mark as withdrawals. */
  | 'WITHDRAWAL_SPECIFICATION';

/** A role a user has on a client. */
export type ClientRole =
  /** Administers the client's users and settings. */
  | 'ADMINISTRATOR';

/** Ending the client's relationship with its linked partner: the responsibility period, the generation date and, optionally, a new subscription administrator and the removal of the partner's extensions. */
export type EndCustomerRelationshipInput = {
  /** The client (global id). */
  clientId: string;
  /** Europe/Oslo date of generation and deactivation: after today, at most 366 days ahead. */
  generationDate: string;
  /** Retrying with the same key returns the first result and changes nothing (1-128 characters, compared exactly; no control characters or spaces at either end). */
  idempotencyKey?: string | null | undefined;
  /** Hand the subscription-administrator role to this user at once. */
  newSubscriptionAdminUserId?: string | null | undefined;
  /** Remove the extensions the ending partner owns on the client. */
  removePartnerOwnedExtensions?: boolean | null | undefined;
  /** First month the partner kept the books for. */
  responsibilityFrom: string;
  /** Last month the partner kept the books for; not after the generation date's month. */
  responsibilityTo: string;
};

/** Where a customer relationship stands. */
export type RelationshipStatus =
  /** The client is linked to the partner. */
  | 'ACTIVE'
  /** Mandatory data generated and users deactivated. */
  | 'ARCHIVED'
  /** The ending was cancelled before the generation date. */
  | 'CANCELLED'
  /** Ended; waiting for the generation date. */
  | 'ENDED';

/** What a scheduled task does at the generation date. */
export type TaskKind =
  /** Deactivate the partner's users on the client. */
  | 'APPLY_DEACTIVATIONS'
  /** Generate the mandatory accounting data into the archive. */
  | 'GENERATE_MANDATORY_DATA';

/** Where a scheduled task stands. */
export type TaskState =
  /** Will not run: the ending was cancelled. */
  | 'CANCELLED'
  /** Failed; see lastError. Retried with backoff, then left for an operator. */
  | 'FAILED'
  /** Being carried out. */
  | 'RUNNING'
  /** Waiting for its due time. */
  | 'SCHEDULED'
  /** Done. */
  | 'SUCCEEDED';

/** Why a mutation refused its input. A non-empty `userErrors` means nothing changed. */
export type UserErrorCode =
  /** The relationship has already been ended. */
  | 'ALREADY_ENDED'
  /** The client is already linked to a partner. */
  | 'ALREADY_LINKED'
  /** The received bytes do not have the declared SHA-256 (or size). */
  | 'CHECKSUM_MISMATCH'
  /** The client has been linked to a partner since this ending; the ending partner can no longer change it. */
  | 'CLIENT_LINKED_ELSEWHERE'
  /** The declared or received size is above the configured limit. */
  | 'FILE_TOO_LARGE'
  /** The viewer sees the object but lacks the right for this change. */
  | 'FORBIDDEN'
  /** The generation date is today or earlier (Europe/Oslo). */
  | 'GENERATION_DATE_NOT_IN_FUTURE'
  /** The generation date has come; the ending can no longer change. */
  | 'GENERATION_DATE_PASSED'
  /** The generation date is more than 366 days ahead, or more than 366 days after the day of the ending. */
  | 'GENERATION_DATE_TOO_FAR'
  /** The idempotency key was used before with another input. */
  | 'IDEMPOTENCY_KEY_MISMATCH'
  /** The fiscal year is not one this relationship's archive can hold, or its folder has been deleted. */
  | 'INVALID_FISCAL_YEAR'
  /** The responsibility period is reversed or ends after the generation month. */
  | 'INVALID_PERIOD'
  /** A retention shorter than the law allows. */
  | 'INVALID_RETENTION'
  /** The user cannot take the subscription-administrator role. */
  | 'INVALID_SUBSCRIPTION_ADMIN'
  /** The URL is not one the server will call (scheme, private address, credentials in it). */
  | 'INVALID_URL'
  /** The user has no pending deactivation on the client. */
  | 'NOT_DEACTIVATING'
  /** The object does not exist or the viewer may not see it. */
  | 'NOT_FOUND'
  /** The client is not linked to a partner the viewer may act for. */
  | 'NOT_LINKED_TO_PARTNER'
  /** More items than one call takes. */
  | 'TOO_MANY_ITEMS'
  /** The archive does not accept this content type, or the bytes are not of that type. */
  | 'UNSUPPORTED_CONTENT_TYPE'
  /** The upload's time ran out. */
  | 'UPLOAD_EXPIRED'
  /** Nothing, or not all of it, was received for the upload. */
  | 'UPLOAD_INCOMPLETE';

/** What a warning is about. A warning never stops the change. */
export type WarningCode =
  /** Accounts whose SAF-T grouping was derived from the account number, not given by the books: check them before the generation date. */
  | 'DERIVED_SAFT_GROUPINGS'
  /** The responsibility period lies partly outside the partner period. */
  | 'RESPONSIBILITY_OUTSIDE_PARTNER_PERIOD'
  /** The subscription administrator is one of the ending partner's users and no new one was named: the role stays with that user, whose access is kept for it alone after the generation date, until it is handed over. */
  | 'SUBSCRIPTION_ADMIN_LEAVING'
  /** Users who lose access are also members of another partner. */
  | 'USERS_IN_OTHER_PARTNERS';

export type ActiveClientsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  search?: string | null | undefined;
}>;


export type ActiveClientsQuery = { clients: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, name: string, organizationNumber: string, partnerCode: string | null, users: Array<{ id: string, roles: Array<ClientRole>, active: boolean, deactivationDate: string | null, user: { id: string, name: string } }> } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type EndingPreviewQueryVariables = Exact<{
  clientId: string;
}>;


export type EndingPreviewQuery = { endCustomerRelationshipPreview: { earliestGenerationDate: string, latestGenerationDate: string, client: { id: string, name: string }, partner: { id: string, partnerCode: string }, deactivations: Array<{ id: string, user: { id: string, name: string } }>, warnings: Array<{ warningCode: WarningCode, message: string }> } };

export type EndRelationshipMutationVariables = Exact<{
  input: EndCustomerRelationshipInput;
}>;


export type EndRelationshipMutation = { endCustomerRelationship: { relationship: { id: string, status: RelationshipStatus, generationDate: string | null, tasks: Array<{ id: string, kind: TaskKind, state: TaskState, dueAt: string }> } | null, client: { id: string, partnerCode: string | null } | null, warnings: Array<{ warningCode: WarningCode, message: string }>, userErrors: Array<{ code: UserErrorCode, field: Array<string> | null, message: string }> } };

export type ArchiveListQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ArchiveListQuery = { archive: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, status: RelationshipStatus, generationDate: string | null, responsibilityFrom: string | null, responsibilityTo: string | null, client: { id: string, name: string }, documents: Array<{ id: string, kind: ArchiveDocumentKind, fiscalYear: number, downloadPath: string }> } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };


export const ActiveClientsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ActiveClients"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clients"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"tab"},"value":{"kind":"EnumValue","value":"ACTIVE"}},{"kind":"ObjectField","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"organizationNumber"}},{"kind":"Field","name":{"kind":"Name","value":"partnerCode"}},{"kind":"Field","name":{"kind":"Name","value":"users"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"roles"}},{"kind":"Field","name":{"kind":"Name","value":"active"}},{"kind":"Field","name":{"kind":"Name","value":"deactivationDate"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<ActiveClientsQuery, ActiveClientsQueryVariables>;
export const EndingPreviewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"EndingPreview"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"clientId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"endCustomerRelationshipPreview"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"clientId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"clientId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"partner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"partnerCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"earliestGenerationDate"}},{"kind":"Field","name":{"kind":"Name","value":"latestGenerationDate"}},{"kind":"Field","name":{"kind":"Name","value":"deactivations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"warnings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"warningCode"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<EndingPreviewQuery, EndingPreviewQueryVariables>;
export const EndRelationshipDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"EndRelationship"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"EndCustomerRelationshipInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"endCustomerRelationship"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"relationship"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"generationDate"}},{"kind":"Field","name":{"kind":"Name","value":"tasks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"dueAt"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"partnerCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"warnings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"warningCode"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<EndRelationshipMutation, EndRelationshipMutationVariables>;
export const ArchiveListDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ArchiveList"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"archive"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"generationDate"}},{"kind":"Field","name":{"kind":"Name","value":"responsibilityFrom"}},{"kind":"Field","name":{"kind":"Name","value":"responsibilityTo"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"documents"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"fiscalYear"}},{"kind":"Field","name":{"kind":"Name","value":"downloadPath"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<ArchiveListQuery, ArchiveListQueryVariables>;