import type { Express, Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DataSource } from 'typeorm';
import type { Clock } from '../common/clock';
import { localIdOf } from '../common/global-id';
import { ARCHIVE_UPLOAD_NODE, uploadFolderKey } from './archive-ids';
import type { ArchiveStorage } from './archive-storage';
import { ArchiveUpload } from './archive-upload.entity';
import { baseContentType, contentMatches, HEAD_BYTES } from './content-check';
import { checkUploadUrl, UPLOAD_ROUTE_PREFIX } from './upload-url';

/** What the upload route needs. */
export interface ArchiveUploadRouteDeps {
  dataSource: DataSource;
  clock: Clock;
  storage: ArchiveStorage;
  /** The key upload URLs are signed with (ARCHIVE_UPLOAD_SECRET). */
  signingKey: string;
}

/** The body went past the declared size. */
class TooManyBytes extends Error {}

/**
 * `PUT /archive/uploads/<uploadId>?expires=…&signature=…` (DESIGN S8): the bytes of one reserved upload. The signed
 * URL is the only credential (no bearer token). The body is streamed to storage under a key of its own — the storage
 * writes it under a temporary name and renames it when whole — counting and hashing as it goes; more bytes than
 * declared stop it at once (413). A body that is short, not the declared SHA-256 or not of the declared type is
 * removed and refused, and the URL takes another PUT, as it does after an interrupted one. The first PUT that arrives
 * whole and right is accepted; any PUT after it is refused (409).
 *
 * Answers are JSON `{ error, message }`: 403 forged URL, 410 expired, 404 no such upload, 409 received already, 411 no
 * body length, 413 too many bytes, 415 content type, 400 too few bytes or checksum mismatch.
 */
export function archiveUploadRoutes(deps: ArchiveUploadRouteDeps): (app: Express) => void {
  const { dataSource, clock, storage, signingKey } = deps;

  const refuse = (res: Response, status: number, error: string, message: string) => {
    // The rest of a refused body is not read: the connection closes after the answer.
    if (res.headersSent) return void res.destroy();
    res.setHeader('Connection', 'close');
    res.status(status).json({ error, message });
  };

  async function put(req: Request, res: Response): Promise<void> {
    const globalId = String(req.params.id);
    const url = checkUploadUrl(signingKey, `${UPLOAD_ROUTE_PREFIX}${globalId}`, req.query as Record<string, unknown>, clock.now());
    if (!url.ok) {
      return url.reason === 'expired'
        ? refuse(res, 410, 'UPLOAD_EXPIRED', 'The upload URL has expired; reserve the upload again with createArchiveUploads.')
        : refuse(res, 403, 'FORBIDDEN', 'The upload URL is not one this server signed.');
    }
    const id = localIdOf(globalId, ARCHIVE_UPLOAD_NODE);
    const upload = id && /^\d{1,20}$/.test(id) ? await dataSource.getRepository(ArchiveUpload).findOneBy({ id }) : null;
    if (!upload) return refuse(res, 404, 'NOT_FOUND', 'No such upload.');
    if (upload.completedAt) return refuse(res, 409, 'ALREADY_RECEIVED', 'This upload is completed; its URL takes no more bytes.');
    if (upload.expiresAt.getTime() <= clock.now().getTime()) return refuse(res, 410, 'UPLOAD_EXPIRED', 'The upload has expired.');
    // Received already, unless a completion found those bytes wrong and removed them.
    if (upload.receivedKey && (await storage.size(upload.receivedKey)) !== null) {
      return refuse(res, 409, 'ALREADY_RECEIVED', 'The bytes of this upload were received; complete it with completeArchiveUpload.');
    }
    const sentType = req.header('content-type');
    if (sentType !== undefined && baseContentType(sentType) !== upload.contentType) {
      return refuse(res, 415, 'UNSUPPORTED_CONTENT_TYPE', `Send the bytes with Content-Type: ${upload.contentType}, as declared.`);
    }
    const length = req.header('content-length');
    if (length !== undefined && Number(length) > upload.byteSize) {
      return refuse(res, 413, 'FILE_TOO_LARGE', `The body has ${length} bytes; ${upload.byteSize} were declared.`);
    }
    if (length !== undefined && Number(length) < upload.byteSize) {
      return refuse(res, 400, 'UPLOAD_INCOMPLETE', `The body has ${length} bytes; ${upload.byteSize} were declared.`);
    }
    if (length === undefined && req.header('transfer-encoding') === undefined) {
      return refuse(res, 411, 'LENGTH_REQUIRED', 'Send the bytes with Content-Length (or chunked).');
    }

    const key = `${uploadFolderKey(upload)}/${randomBytes(8).toString('hex')}`;
    const file = await storage.create(key);
    let received = 0;
    let head = Buffer.alloc(0);
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        if (received > upload.byteSize) return done(new TooManyBytes());
        if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
        done(null, chunk);
      },
    });
    try {
      await pipeline(req, meter, file.stream);
    } catch (error) {
      await file.discard();
      if (error instanceof TooManyBytes) return refuse(res, 413, 'FILE_TOO_LARGE', `More than the ${upload.byteSize} bytes declared were sent; nothing was kept.`);
      // The caller went away or the connection broke: nothing is kept, and the URL takes the PUT again.
      req.log.info({ uploadId: upload.id, received, err: error }, 'upload interrupted');
      return refuse(res, 400, 'UPLOAD_INCOMPLETE', 'The body was cut off; nothing was kept. PUT the whole file again.');
    }
    if (received < upload.byteSize) {
      await file.discard();
      return refuse(res, 400, 'UPLOAD_INCOMPLETE', `${received} of the ${upload.byteSize} bytes declared were sent; nothing was kept. PUT the whole file again.`);
    }
    const stored = await file.commit();
    const problem =
      stored.sha256 !== upload.sha256
        ? ([400, 'CHECKSUM_MISMATCH', `The bytes have the SHA-256 ${stored.sha256}, not the declared ${upload.sha256}; nothing was kept.`] as const)
        : !contentMatches(upload.contentType, head, stored.byteSize <= HEAD_BYTES)
          ? ([415, 'UNSUPPORTED_CONTENT_TYPE', `The bytes are not ${upload.contentType}; nothing was kept.`] as const)
          : null;
    if (problem) {
      await storage.delete(key);
      return refuse(res, problem[0], problem[1], problem[2]);
    }
    // Exactly one PUT is accepted: the first to record its key while the upload has none (or only removed bytes).
    const claimed = await dataSource
      .createQueryBuilder()
      .update(ArchiveUpload)
      .set({ receivedKey: key, receivedAt: clock.now() })
      .where('id = :id AND completed_at IS NULL AND received_key <=> :previous', { id: upload.id, previous: upload.receivedKey })
      .execute();
    if (!claimed.affected) {
      await storage.delete(key);
      return refuse(res, 409, 'ALREADY_RECEIVED', 'Another PUT of this upload was accepted first.');
    }
    res.setHeader('ETag', `"${stored.sha256}"`);
    res.status(200).json({ uploadId: globalId, byteSize: stored.byteSize, sha256: stored.sha256 });
  }

  return (app) => {
    app.put(`${UPLOAD_ROUTE_PREFIX}:id`, (req, res, next) => {
      put(req, res).catch(next);
    });
  };
}
