import type { Express, Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import type { VisibilityService } from '../access/visibility.service';
import { bearerToken, type TokenService } from '../auth/jwt';
import { ApiScope } from '../integrations/api-scope';
import { viewerOfBearer, type BearerDeps } from '../integrations/bearer';
import { osloToday, type Clock } from '../common/clock';
import { localIdOf } from '../common/global-id';
import { CustomerRelationship } from '../relationships/customer-relationship.entity';
import { ArchiveDocument } from './archive-document.entity';
import type { ArchiveStorage } from './archive-storage';

/** The single byte range asked for, `'unsatisfiable'`, or null to send the whole file (no or unusable Range). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null; // several ranges or another unit: ignore (RFC 9110 14.2)
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== '' && Number(match[2]) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/** `Content-Disposition` with an ASCII fallback and the exact name in RFC 6266 / RFC 8187 `filename*`. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** What the download route needs. */
export interface ArchiveDownloadDeps {
  dataSource: DataSource;
  tokens: TokenService;
  /** API keys are bearer tokens too (docs/integrations.md); a key needs ARCHIVE_READ. */
  apiKeys: BearerDeps['apiKeys'];
  /** Who may see the document: the same question `node(id:)` asks. */
  visibility: VisibilityService;
  /** Where the files are. */
  storage: ArchiveStorage;
  /**
   * ARCHIVE_DOWNLOADS=redirect: after the same checks, answer 302 to a presigned GET of the object storage, valid this
   * long (ranges then go to the store). Null: stream through the API.
   */
  redirect?: { expiresInSeconds: number } | null;
  /** Today's Europe/Oslo date decides whether the client's administrators still administer it (A3). */
  clock: Clock;
}

/**
 * `GET /archive/documents/<globalId>` (contract: HTTP): the archive file, streamed, to whom the visibility service lets
 * see the document, as `node(id:)` asks it: members of the relationship's partner with ARCHIVE (DESIGN A2), and the
 * client's administrators once the relationship has ended (A7). No or a
 * bad token → 401; anyone else, or a document that does not exist (any more) → 404, the same answer, so nothing leaks.
 * One byte range is served (206/416). With ARCHIVE_DOWNLOADS=redirect the answer is a 302 to a short-lived presigned
 * GET of the object storage instead, made only after those checks (DESIGN S10).
 */
export function archiveDownloadRoutes(deps: ArchiveDownloadDeps): (app: Express) => void {
  const { dataSource, visibility, storage, clock } = deps;
  const notFound = (res: Response) => res.status(404).json({ error: 'NOT_FOUND', message: 'No such document.' });

  async function download(req: Request, res: Response): Promise<void> {
    const token = bearerToken(req.header('authorization'));
    const viewer = token ? await viewerOfBearer(deps, token) : null;
    if (!viewer) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      res.status(401).json({ error: 'UNAUTHENTICATED', message: token ? 'The bearer token is invalid or expired.' : 'A bearer token is required.' });
      return;
    }
    if (!viewer.allows(ApiScope.ARCHIVE_READ)) return void res.status(403).json({ error: 'FORBIDDEN', message: 'The API key lacks the ARCHIVE_READ scope.' });
    const id = localIdOf(String(req.params.id), 'ArchiveDocument');
    if (!id || !/^\d{1,20}$/.test(id)) return void notFound(res);
    const document = await dataSource.getRepository(ArchiveDocument).findOneBy({ id });
    if (!document) return void notFound(res);
    const relationship = await dataSource.getRepository(CustomerRelationship).findOneBy({ id: document.relationshipId });
    if (!relationship || !(await visibility.seesArchiveDocuments(dataSource.manager, viewer, relationship, osloToday(clock)))) return void notFound(res);

    if (deps.redirect && storage.presignGet) {
      // Authorization is decided above, by the API; the URL only carries it for a few minutes.
      const location = await storage.presignGet(document.storageKey, {
        contentDisposition: contentDisposition(document.fileName),
        contentType: document.contentType,
        expiresInSeconds: deps.redirect.expiresInSeconds,
      });
      res.setHeader('Cache-Control', 'private, no-store');
      res.redirect(302, location);
      return;
    }
    const size = await storage.size(document.storageKey);
    if (size === null) {
      req.log.error({ documentId: document.id, storageKey: document.storageKey }, 'archive file missing from storage');
      return void notFound(res);
    }
    res.setHeader('Content-Type', document.contentType);
    res.setHeader('Content-Disposition', contentDisposition(document.fileName));
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('ETag', `"${document.sha256}"`);
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');

    const range = parseRange(req.header('range'), size);
    if (range === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${size}`);
      res.status(416).end();
      return;
    }
    if (range) {
      res.status(206);
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
      res.setHeader('Content-Length', String(range.end - range.start + 1));
    } else {
      res.status(200);
      res.setHeader('Content-Length', String(size));
    }
    if (req.method === 'HEAD' || size === 0) {
      res.end();
      return;
    }
    const stream = storage.read(document.storageKey, range ?? undefined);
    stream.on('error', (error) => {
      req.log.error({ err: error, documentId: document.id }, 'archive download failed');
      res.destroy(error);
    });
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  }

  return (app) => {
    app.get('/archive/documents/:id', (req, res, next) => {
      download(req, res).catch(next);
    });
  };
}
