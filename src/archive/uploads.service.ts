import { createHash, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { In } from 'typeorm';
import { ARCHIVE_STATUSES, type VisibilityService } from '../access/visibility.service';
import type { AuditService } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { Client } from '../clients/client.entity';
import { Clock, osloToday } from '../common/clock';
import { localIdOf } from '../common/global-id';
import { Refusal, refusal, refused, UserErrorCode } from '../common/refusals';
import type { UnitOfWork } from '../db/unit-of-work';
import { idempotencyScope, IdempotencyService } from '../idempotency/idempotency.service';
import { fiscalYearsToArchive, keepUntil, type ArchivedFiscalYear } from '../ledger/fiscal-years';
import { PartnerRight } from '../partners/partner-membership.entity';
import { lockClient } from '../relationships/client-lock';
import { CustomerRelationship } from '../relationships/customer-relationship.entity';
import { ArchiveDocument, ArchiveDocumentKind, ArchiveDocumentSource, UPLOADED_KINDS } from './archive-document.entity';
import { ARCHIVE_UPLOAD_NODE, directUploadKey, uploadFolderKey } from './archive-ids';
import type { ArchiveStorage } from './archive-storage';
import type { BackupTrigger } from './backup';
import { ArchiveUpload } from './archive-upload.entity';
import { baseContentType, contentMatches, HEAD_BYTES } from './content-check';
import { isGeneratedFileName, numberedFileName, safeFileName } from './file-names';

/** Items one createArchiveUploads call takes. */
export const MAX_UPLOAD_ITEMS = 100;

export interface UploadItemInput {
  relationshipId: string;
  fiscalYear: number;
  kind: ArchiveDocumentKind;
  fileName: string;
  contentType: string;
  byteSize: number;
  sha256: string;
}

export interface CreateUploadsInput {
  items: UploadItemInput[];
  idempotencyKey?: string | null;
}

export interface CreateUploadsResult {
  uploads: ArchiveUpload[];
  userErrors: Refusal[];
}

export interface CompleteUploadInput {
  uploadId: string;
}

export interface CompleteUploadResult {
  document: ArchiveDocument | null;
  userErrors: Refusal[];
}

/** The limits uploads are held to (from the configuration). */
export interface UploadSettings {
  maxBytes: number;
  contentTypes: readonly string[];
  urlTtlSeconds: number;
  /** The bytes go straight to object storage under `directUploadKey` (ARCHIVE_DIRECT_UPLOADS). */
  directUploads?: boolean;
}

const NO_UPLOADS: Omit<CreateUploadsResult, 'userErrors'> = { uploads: [] };
const NO_DOCUMENT: Omit<CompleteUploadResult, 'userErrors'> = { document: null };

/** `0.5 MiB`, `200 MiB`: sizes in messages. */
function mib(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}

/** What a stored file turned out to be, read back from storage. */
interface StoredCheck {
  problem: Refusal | null;
}

/**
 * Documentation uploaded into archive folders (DESIGN S8), in two mutations around a PUT of the bytes: reserve
 * (`create`), send the bytes to the signed URL (`upload-route.ts`), then `complete`, which checks them and records the
 * archive document. Both mutations run in the caller's unit of work and lock the clients' rows first (the product's
 * lock order), so names are handed out one caller at a time.
 */
export class ArchiveUploadService {
  constructor(
    private readonly clock: Clock,
    private readonly visibility: VisibilityService,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly storage: ArchiveStorage,
    /** The document's backup copy is queued after commit (DESIGN S10). */
    private readonly backupTrigger: BackupTrigger,
    private readonly settings: UploadSettings,
  ) {}

  /**
   * Reserves 1..100 uploads, all or none: any bad item refuses the call with a `userErrors` entry whose `field` points
   * at it (`["input", "items", "3", "byteSize"]`), and nothing is reserved. Each upload gets a stored name unique in
   * its folder and an expiry; its URL is made from its id and expiry by the API.
   */
  async create(uow: UnitOfWork, caller: Caller, input: CreateUploadsInput): Promise<CreateUploadsResult> {
    if (input.items.length > MAX_UPLOAD_ITEMS) {
      return refused(NO_UPLOADS, refusal(UserErrorCode.TOO_MANY_ITEMS, `One call takes at most ${MAX_UPLOAD_ITEMS} items; this one has ${input.items.length}.`, ['input', 'items']));
    }
    const ids = input.items.map((item) => localIdOf(item.relationshipId, 'CustomerRelationship'));
    const known = ids.filter((id): id is string => id !== null);
    const refs = known.length ? await uow.repo(CustomerRelationship).find({ select: { id: true, clientId: true }, where: { id: In(known) } }) : [];
    // Every client concerned, locked in one order (by id), so two calls over the same clients queue instead of deadlocking.
    const clients = new Map<string, Client>();
    for (const clientId of [...new Set(refs.map((r) => r.clientId))].sort()) {
      const client = await lockClient(uow.manager, clientId);
      if (client) clients.set(client.id, client);
    }
    const relationships = new Map((known.length ? await uow.repo(CustomerRelationship).findBy({ id: In(known) }) : []).map((r) => [r.id, r]));
    const scope = idempotencyScope(caller.viewer.userId, 'createArchiveUploads', input);
    return this.idempotency.once(uow, scope, {
      nothing: NO_UPLOADS,
      run: () => this.reserve(uow, caller, input.items, ids.map((id) => (id ? relationships.get(id) : undefined)), clients),
      remember: (result) => ({ uploadIds: result.uploads.map((u) => u.id) }),
      replay: async (stored: { uploadIds: string[] }) => {
        const uploads = await uow.repo(ArchiveUpload).findBy({ id: In(stored.uploadIds) });
        const byId = new Map(uploads.map((u) => [u.id, u]));
        return { uploads: stored.uploadIds.map((id) => byId.get(id)).filter((u): u is ArchiveUpload => u !== undefined), userErrors: [] };
      },
    });
  }

  private async reserve(
    uow: UnitOfWork,
    caller: Caller,
    items: UploadItemInput[],
    relationships: Array<CustomerRelationship | undefined>,
    clients: Map<string, Client>,
  ): Promise<CreateUploadsResult> {
    const errors: Refusal[] = [];
    const folders: Array<{ relationship: CustomerRelationship; client: Client; year: ArchivedFiscalYear; contentType: string }> = [];
    for (const [i, item] of items.entries()) {
      const field = (name: string) => ['input', 'items', String(i), name];
      const relationship = relationships[i];
      const client = relationship && clients.get(relationship.clientId);
      const found = relationship && client ? await this.folderRefusal(uow, caller, relationship, client, item.fiscalYear) : { problem: refusal(UserErrorCode.NOT_FOUND, 'No such relationship.') };
      const itemErrors: Refusal[] = [];
      if ('problem' in found) itemErrors.push({ ...found.problem, field: field(found.problem.code === UserErrorCode.INVALID_FISCAL_YEAR ? 'fiscalYear' : 'relationshipId') });
      if (!UPLOADED_KINDS.includes(item.kind)) {
        itemErrors.push(refusal(UserErrorCode.FORBIDDEN, `Only ${UPLOADED_KINDS.join(', ')} can be uploaded; the other kinds are generated from the books.`, field('kind')));
      }
      const contentType = baseContentType(item.contentType);
      if (!contentType || !this.settings.contentTypes.includes(contentType)) {
        itemErrors.push(refusal(UserErrorCode.UNSUPPORTED_CONTENT_TYPE, `The archive takes ${this.settings.contentTypes.join(', ')}.`, field('contentType')));
      }
      if (item.byteSize > this.settings.maxBytes) {
        itemErrors.push(refusal(UserErrorCode.FILE_TOO_LARGE, `A file may have at most ${this.settings.maxBytes} bytes (${mib(this.settings.maxBytes)}).`, field('byteSize')));
      }
      errors.push(...itemErrors);
      if (itemErrors.length === 0 && 'year' in found) folders.push({ relationship: relationship!, client: client!, year: found.year, contentType: contentType! });
    }
    if (errors.length > 0) return refused(NO_UPLOADS, ...errors);

    const now = this.clock.now();
    // Whole seconds: the URL carries the expiry in seconds, and the row must expire when the URL does.
    const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + this.settings.urlTtlSeconds * 1000);
    const uploads: ArchiveUpload[] = [];
    for (const [i, item] of items.entries()) {
      const { relationship, client, year, contentType } = folders[i];
      const fileName = await this.freeName(uow, relationship, client, year.fiscalYear, safeFileName(item.fileName));
      const upload = uow.repo(ArchiveUpload).create({
        relationshipId: relationship.id,
        clientId: client.id,
        fiscalYear: year.fiscalYear,
        fiscalYearEnd: year.end,
        kind: item.kind,
        fileName,
        originalFileName: item.fileName,
        contentType,
        byteSize: item.byteSize,
        sha256: item.sha256.toLowerCase(),
        createdByUserId: caller.viewer.userId,
        createdAt: now,
        expiresAt,
        receivedKey: null,
        receivedAt: null,
        completedAt: null,
        documentId: null,
      });
      const inserted = await uow.repo(ArchiveUpload).createQueryBuilder().insert().values(upload).updateEntity(false).execute();
      upload.id = String(inserted.raw.insertId);
      uploads.push(upload);
    }
    return { uploads, userErrors: [] };
  }

  /**
   * Who may put documentation into the folder (S8, A2): ARCHIVE in the relationship's partner (FORBIDDEN when the viewer
   * sees the relationship otherwise, NOT_FOUND when not), an ended relationship, a fiscal year its archive holds or
   * will hold (S3), whose folder retention has not deleted (S5). Returns the folder's year, or why not.
   */
  private async folderRefusal(
    uow: UnitOfWork,
    caller: Caller,
    relationship: CustomerRelationship,
    client: Client,
    fiscalYear: number,
  ): Promise<{ year: ArchivedFiscalYear } | { problem: Refusal }> {
    const { viewer } = caller;
    const today = osloToday(this.clock);
    if (!viewer.hasRight(relationship.partnerId, PartnerRight.ARCHIVE)) {
      return { problem: await this.visibility.relationshipRefusal(uow.manager, viewer, relationship, client, today, "Uploading into an archive folder needs the ARCHIVE right in the relationship's partner.") };
    }
    if (!ARCHIVE_STATUSES.includes(relationship.status) || !relationship.responsibilityFrom || !relationship.responsibilityTo || !relationship.generationDate) {
      return { problem: refusal(UserErrorCode.NOT_FOUND, 'The relationship has not been ended, so it has no archive folder.') };
    }
    const years = fiscalYearsToArchive(relationship.responsibilityFrom, relationship.responsibilityTo, client.fiscalYearStartMonth, relationship.generationDate);
    const year = years.find((y) => y.fiscalYear === fiscalYear);
    if (!year) {
      const held = years.map((y) => y.fiscalYear).join(', ') || 'none';
      return { problem: refusal(UserErrorCode.INVALID_FISCAL_YEAR, `The archive of this relationship holds the fiscal years ${held}; not ${fiscalYear}.`) };
    }
    const keptUntil = keepUntil(year.end, client.retentionYears);
    if (keptUntil < today) {
      return { problem: refusal(UserErrorCode.INVALID_FISCAL_YEAR, `The folder of fiscal year ${fiscalYear} was kept until ${keptUntil} and is deleted.`) };
    }
    return { year };
  }

  /**
   * The first of `name`, `name (2)`, `name (3)` … that no document or upload in the folder has — compared by the
   * database, whose collation also takes names that differ only in case for one — and that is not a name the
   * generation gives its own files.
   */
  private async freeName(uow: UnitOfWork, relationship: CustomerRelationship, client: Client, fiscalYear: number, name: string): Promise<string> {
    const organizationNumbers = new Set([client.organizationNumber, relationship.clientOrganizationNumber ?? client.organizationNumber]);
    for (let n = 1; n <= 10_000; n++) {
      const candidate = numberedFileName(name, n);
      if ([...organizationNumbers].some((org) => isGeneratedFileName(candidate, org, fiscalYear))) continue;
      const [{ taken }] = await uow.manager.query(
        `SELECT EXISTS(SELECT 1 FROM archive_documents WHERE relationship_id = ? AND fiscal_year = ? AND file_name = ?)
             OR EXISTS(SELECT 1 FROM archive_uploads WHERE relationship_id = ? AND fiscal_year = ? AND file_name = ?) AS taken`,
        [relationship.id, fiscalYear, candidate, relationship.id, fiscalYear, candidate],
      );
      if (Number(taken) === 0) return candidate;
    }
    throw new Error(`no free name for ${name} in folder ${relationship.id}/${fiscalYear}`);
  }

  /**
   * Checks what the one accepted PUT stored — its size, its SHA-256 read back from storage, its first bytes against the
   * declared content type — and records it as an archive document (`source: UPLOADED`) with an audit event, in the
   * caller's transaction. A mismatch removes the stored bytes (the URL then takes a new PUT until it expires) and records
   * nothing. Completing a completed upload returns its document. Only the user who reserved the upload completes it.
   */
  async complete(uow: UnitOfWork, caller: Caller, input: CompleteUploadInput): Promise<CompleteUploadResult> {
    const notFound = () => refused(NO_DOCUMENT, refusal(UserErrorCode.NOT_FOUND, 'No such upload.', ['input', 'uploadId']));
    const id = localIdOf(input.uploadId, ARCHIVE_UPLOAD_NODE);
    const ref = id && /^\d{1,20}$/.test(id) ? await uow.repo(ArchiveUpload).findOne({ select: { id: true, clientId: true }, where: { id } }) : null;
    const client = ref ? await lockClient(uow.manager, ref.clientId) : null;
    const upload = client ? await uow.repo(ArchiveUpload).createQueryBuilder('upload').setLock('pessimistic_write').where('upload.id = :id', { id }).getOne() : null;
    if (!upload || upload.createdByUserId !== caller.viewer.userId) return notFound();
    const relationship = await uow.repo(CustomerRelationship).findOneByOrFail({ id: upload.relationshipId });
    if (!caller.viewer.hasRight(relationship.partnerId, PartnerRight.ARCHIVE)) {
      return refused(NO_DOCUMENT, refusal(UserErrorCode.FORBIDDEN, "Completing an upload needs the ARCHIVE right in the relationship's partner.", ['input', 'uploadId']));
    }
    if (upload.completedAt) {
      return { document: upload.documentId ? await uow.repo(ArchiveDocument).findOneBy({ id: upload.documentId }) : null, userErrors: [] };
    }
    const now = this.clock.now();
    if (upload.expiresAt.getTime() <= now.getTime()) {
      return refused(NO_DOCUMENT, refusal(UserErrorCode.UPLOAD_EXPIRED, `The upload expired at ${upload.expiresAt.toISOString()}; reserve it again with createArchiveUploads.`, ['input', 'uploadId']));
    }
    const incomplete = refusal(UserErrorCode.UPLOAD_INCOMPLETE, 'Nothing was received for this upload: PUT its bytes to its uploadUrl first.', ['input', 'uploadId']);
    if (!upload.receivedKey && this.settings.directUploads && this.storage.copyWithin && (await this.storage.size(directUploadKey(upload))) !== null) {
      // A presigned PUT went straight to the object storage. Its URL may still work, so the bytes are copied (inside
      // the store) to a key no URL can write, and checked there: the recorded document can never be overwritten.
      const key = `${uploadFolderKey(upload)}/${randomBytes(8).toString('hex')}`;
      await this.storage.copyWithin(directUploadKey(upload), key);
      await this.storage.delete(directUploadKey(upload));
      upload.receivedKey = key;
      await uow.repo(ArchiveUpload).update({ id: upload.id }, { receivedKey: key, receivedAt: now });
    }
    if (!upload.receivedKey) return refused(NO_DOCUMENT, incomplete);

    const { problem } = await this.checkStored(upload, upload.receivedKey);
    if (problem) {
      if (problem.code !== UserErrorCode.UPLOAD_INCOMPLETE) await this.storage.delete(upload.receivedKey);
      return refused(NO_DOCUMENT, problem);
    }

    const values = {
      relationshipId: upload.relationshipId,
      clientId: upload.clientId,
      kind: upload.kind,
      fiscalYear: upload.fiscalYear,
      fiscalYearEnd: upload.fiscalYearEnd,
      fileName: upload.fileName,
      contentType: upload.contentType,
      byteSize: upload.byteSize,
      sha256: upload.sha256,
      storageKey: upload.receivedKey,
      createdAt: now,
      source: ArchiveDocumentSource.UPLOADED,
      uploadId: upload.id,
      uploadedByUserId: caller.viewer.userId,
      originalFileName: upload.originalFileName,
    };
    const inserted = await uow.repo(ArchiveDocument).createQueryBuilder().insert().values(values).updateEntity(false).execute();
    const documentId = String(inserted.raw.insertId);
    uow.onCommit(() => this.backupTrigger.queued([documentId]));
    await uow.repo(ArchiveUpload).update({ id: upload.id }, { completedAt: now, documentId });
    await this.audit.record(uow, caller.actor, {
      action: 'ARCHIVE_DOCUMENT_UPLOADED',
      clientId: upload.clientId,
      relationshipId: upload.relationshipId,
      after: {
        kind: upload.kind,
        fiscalYear: upload.fiscalYear,
        fileName: upload.fileName,
        originalFileName: upload.originalFileName,
        contentType: upload.contentType,
        byteSize: upload.byteSize,
        sha256: upload.sha256,
        uploadId: upload.id,
      },
    });
    return { document: await uow.repo(ArchiveDocument).findOneByOrFail({ id: documentId }), userErrors: [] };
  }

  /** The stored file against the upload's declaration, read back from storage (never trusting what the PUT saw). */
  private async checkStored(upload: ArchiveUpload, key: string): Promise<StoredCheck> {
    const field = ['input', 'uploadId'];
    const size = await this.storage.size(key);
    if (size === null) return { problem: refusal(UserErrorCode.UPLOAD_INCOMPLETE, 'The received bytes are no longer in storage: PUT them again.', field) };
    if (size !== upload.byteSize) {
      return { problem: refusal(UserErrorCode.CHECKSUM_MISMATCH, `${size} bytes were stored, ${upload.byteSize} declared; the stored bytes were removed.`, field) };
    }
    const hash = createHash('sha256');
    let head = Buffer.alloc(0);
    await pipeline(
      this.storage.read(key),
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
          done();
        },
      }),
    );
    const sha256 = hash.digest('hex');
    if (sha256 !== upload.sha256) {
      return { problem: refusal(UserErrorCode.CHECKSUM_MISMATCH, `The stored bytes have the SHA-256 ${sha256}, not the declared ${upload.sha256}; they were removed.`, field) };
    }
    if (!contentMatches(upload.contentType, head, size <= HEAD_BYTES)) {
      return { problem: refusal(UserErrorCode.UNSUPPORTED_CONTENT_TYPE, `The bytes are not ${upload.contentType}; they were removed.`, field) };
    }
    return { problem: null };
  }
}
