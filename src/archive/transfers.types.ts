import { ArrayMinSize, IsInt, Matches, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { NodeInterface } from '../graphql/node';
import { DateTimeScalar } from '../graphql/scalars';
import { UserError } from '../graphql/user-errors';
import { IDEMPOTENCY_KEY_DESCRIPTION, IsIdempotencyKey } from '../idempotency/idempotency-key';
import { ArchiveDocumentKind } from './archive-document.entity';
import { ArchiveExportState } from './archive-export.entity';
import { ArchiveUploadState } from './archive-upload.entity';
import { ArchiveDocumentType } from './archive.types';

/** The GraphQL types of uploads into archive folders and exports out of them (contract parts `uploads`, `packages`). */

registerEnumType(ArchiveUploadState, {
  name: 'ArchiveUploadState',
  description: 'Where an upload stands.',
  valuesConfig: {
    PENDING: { description: 'Waiting for its bytes, or for completeArchiveUpload.' },
    COMPLETED: { description: 'Checked and recorded as an archive document.' },
    EXPIRED: { description: 'Its time ran out before it was completed; it is removed with whatever it received.' },
  },
});

registerEnumType(ArchiveExportState, {
  name: 'ArchiveExportState',
  description: 'Where an archive export stands.',
  valuesConfig: {
    QUEUED: { description: 'Waiting for a worker.' },
    RUNNING: { description: 'Being written; see progress.' },
    READY: { description: 'Can be downloaded at downloadPath until expiresAt.' },
    FAILED: { description: 'The last try failed (see error); it is retried with backoff, then left failed.' },
    EXPIRED: { description: 'Its download time ran out and the file was removed.' },
  },
});

@InputType('ArchiveUploadItem', { description: 'One file to put into an archive folder.' })
export class ArchiveUploadItemInput {
  @Field(() => ID, { description: 'The ended relationship whose archive folder takes the file (global id).' })
  relationshipId!: string;

  @Field(() => Int, { description: 'The archive folder: a fiscal year, named by the year it closes.' })
  fiscalYear!: number;

  @Field(() => ArchiveDocumentKind, { description: 'What the file is: BANK_STATEMENT, A_MELDING, VOUCHER_DOCUMENTATION or OTHER_DOCUMENTATION.' })
  kind!: ArchiveDocumentKind;

  @Field({ description: 'The file name; it is stored made safe for every file system, and kept as given.' })
  @MinLength(1)
  @MaxLength(1000)
  fileName!: string;

  @Field({ description: 'MIME type, e.g. application/pdf; the bytes must be of this type.' })
  @MinLength(1)
  @MaxLength(255)
  contentType!: string;

  @Field(() => Float, { description: 'Size in bytes (a whole number, at least 1, at most the configured limit).' })
  @IsInt()
  @Min(1)
  byteSize!: number;

  @Field({ description: 'SHA-256 of the bytes, hex.' })
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'sha256 must be 64 hexadecimal digits' })
  sha256!: string;
}

@InputType('CreateArchiveUploadsInput', { description: 'Files to put into archive folders, all or none.' })
export class CreateArchiveUploadsInput {
  @Field(() => [ArchiveUploadItemInput], { description: '1..100 items.' })
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  items!: ArchiveUploadItemInput[];

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  @IsIdempotencyKey()
  idempotencyKey?: string | null;
}

@ObjectType('HttpHeader', { simpleResolvers: true, description: 'An HTTP header to send.' })
export class HttpHeaderType {
  @Field({ description: 'The header name.' })
  name!: string;

  @Field({ description: 'The header value.' })
  value!: string;
}

@ObjectType('ArchiveUpload', { simpleResolvers: true, implements: NodeInterface, description: 'Where and how to send one file\'s bytes. The URL authorizes itself (signed, expiring): send no bearer token.' })
export class ArchiveUploadType extends NodeInterface {
  @Field({ description: 'A path on this server, signed: PUT the bytes to it, once, before expiresAt.' })
  uploadUrl!: string;

  @Field({ description: 'The HTTP method to send the bytes with.' })
  method!: string;

  @Field(() => [HttpHeaderType], { description: 'Headers to send with the bytes, exactly as given.' })
  headers!: HttpHeaderType[];

  @Field(() => DateTimeScalar, { description: 'When the URL stops working and an upload not completed expires.' })
  expiresAt!: Date;

  @Field(() => ArchiveUploadState, { description: 'Where the upload stands.' })
  state!: ArchiveUploadState;

  @Field(() => ArchiveDocumentType, { nullable: true, description: 'The recorded document, once completed.' })
  document!: ArchiveDocumentType | null;
}

@ObjectType('CreateArchiveUploadsPayload', { simpleResolvers: true, description: 'The result of createArchiveUploads.' })
export class CreateArchiveUploadsPayload {
  @Field(() => [ArchiveUploadType], { description: "One per item, in the items' order." })
  uploads!: ArchiveUploadType[];

  @Field(() => [UserError], { description: 'Why nothing was reserved; empty on success.' })
  userErrors!: UserError[];
}

@InputType('CompleteArchiveUploadInput', { description: 'An upload whose bytes were sent.' })
export class CompleteArchiveUploadInput {
  @Field(() => ID, { description: 'The upload (global id).' })
  uploadId!: string;
}

@ObjectType('CompleteArchiveUploadPayload', { simpleResolvers: true, description: 'The result of completeArchiveUpload.' })
export class CompleteArchiveUploadPayload {
  @Field(() => ArchiveDocumentType, { nullable: true, description: 'The archive document the upload became.' })
  document!: ArchiveDocumentType | null;

  @Field(() => [UserError], { description: 'Why no document was recorded; empty on success.' })
  userErrors!: UserError[];
}

@InputType('CreateArchiveExportInput', { description: 'Archive folders to export as one ZIP.' })
export class CreateArchiveExportInput {
  @Field(() => [ID], { description: "1..500 ended relationships of the viewer's partners." })
  @ArrayMinSize(1)
  relationshipIds!: string[];

  @Field(() => String, { nullable: true, description: IDEMPOTENCY_KEY_DESCRIPTION })
  @IsIdempotencyKey()
  idempotencyKey?: string | null;
}

@ObjectType('ArchiveExport', { simpleResolvers: true, implements: NodeInterface, description: 'One ZIP of many archive folders: a folder <organizationNumber> per relationship, each holding its BagIt bag.' })
export class ArchiveExportType extends NodeInterface {
  @Field(() => ArchiveExportState, { description: 'Where the export stands.' })
  state!: ArchiveExportState;

  @Field(() => Int, { description: 'How many relationships it holds.' })
  relationshipCount!: number;

  @Field(() => Float, { description: 'From 0 to 1.' })
  progress!: number;

  @Field(() => Float, { nullable: true, description: 'Size of the ZIP in bytes, once READY.' })
  byteSize!: number | null;

  @Field(() => String, { nullable: true, description: 'SHA-256 of the ZIP, hex, once READY.' })
  sha256!: string | null;

  @Field(() => String, { nullable: true, description: 'A path on this server once READY; GET it with the same bearer token.' })
  downloadPath!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Until when it can be downloaded.' })
  expiresAt!: Date | null;

  @Field(() => DateTimeScalar, { description: 'When it was asked for.' })
  createdAt!: Date;

  @Field(() => String, { nullable: true, description: 'Why the last try failed.' })
  error!: string | null;
}

@ObjectType('CreateArchiveExportPayload', { simpleResolvers: true, description: 'The result of createArchiveExport.' })
export class CreateArchiveExportPayload {
  @Field(() => ArchiveExportType, { nullable: true, description: 'The export, QUEUED.' })
  export!: ArchiveExportType | null;

  @Field(() => [UserError], { description: 'Why nothing was queued; empty on success.' })
  userErrors!: UserError[];
}
