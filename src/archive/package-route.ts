import type { Express, Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { DataSource } from 'typeorm';
import { ZipFile } from 'yazl';
import type { VisibilityService } from '../access/visibility.service';
import { bearerToken, type TokenService } from '../auth/jwt';
import type { Viewer } from '../auth/viewer';
import { ApiScope } from '../integrations/api-scope';
import { viewerOfBearer, type BearerDeps } from '../integrations/bearer';
import { osloToday, type Clock } from '../common/clock';
import { localIdOf } from '../common/global-id';
import { CustomerRelationship } from '../relationships/customer-relationship.entity';
import { ArchiveExport, ArchiveExportState } from './archive-export.entity';
import { ARCHIVE_EXPORT_NODE } from './archive-ids';
import type { ArchiveStorage } from './archive-storage';
import { addBag, ArchiveFileMismatch, endZip } from './bagit';
import { contentDisposition } from './download-route';
import { checkFolderStored, folderBag } from './packages';

/** What the package and export downloads need. */
export interface ArchivePackageRouteDeps {
  dataSource: DataSource;
  tokens: TokenService;
  /** API keys are bearer tokens too (docs/integrations.md); a key needs ARCHIVE_READ. */
  apiKeys: BearerDeps['apiKeys'];
  visibility: VisibilityService;
  storage: ArchiveStorage;
  clock: Clock;
}

/**
 * `GET /archive/packages/<relationshipId>` and `GET /archive/exports/<exportId>` (DESIGN S9), with the same bearer token
 * as a document download. A package is the relationship's whole archive folder as one BagIt ZIP, streamed as it is
 * made (`bagit.ts`), to whom may download its documents (A2: ARCHIVE in the relationship's partner; A7: the client's
 * administrators once it has ended); everyone else
 * gets 404. An export's ZIP goes only to the user who asked for it, while it is READY.
 */
export function archivePackageRoutes(deps: ArchivePackageRouteDeps): (app: Express) => void {
  const { dataSource, visibility, storage, clock } = deps;
  const send = (res: Response, status: number, error: string, message: string) => res.status(status).json({ error, message });

  async function viewerOf(req: Request, res: Response): Promise<Viewer | null> {
    const token = bearerToken(req.header('authorization'));
    const viewer = token ? await viewerOfBearer(deps, token) : null;
    if (!viewer) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      send(res, 401, 'UNAUTHENTICATED', token ? 'The bearer token is invalid or expired.' : 'A bearer token is required.');
      return null;
    }
    if (!viewer.allows(ApiScope.ARCHIVE_READ)) {
      send(res, 403, 'FORBIDDEN', 'The API key lacks the ARCHIVE_READ scope.');
      return null;
    }
    return viewer;
  }

  async function downloadPackage(req: Request, res: Response): Promise<void> {
    const viewer = await viewerOf(req, res);
    if (!viewer) return;
    const notFound = () => send(res, 404, 'NOT_FOUND', 'No such archive folder.');
    const id = localIdOf(String(req.params.id), 'CustomerRelationship');
    const relationship = id && /^\d{1,20}$/.test(id) ? await dataSource.getRepository(CustomerRelationship).findOneBy({ id }) : null;
    if (!relationship || !(await visibility.seesArchiveDocuments(dataSource.manager, viewer, relationship, osloToday(clock)))) return void notFound();
    const bag = await folderBag(dataSource.manager, relationship, osloToday(clock));
    if (bag.documents.length === 0) return void notFound();
    try {
      await checkFolderStored(storage, bag);
    } catch (error) {
      if (!(error instanceof ArchiveFileMismatch)) throw error;
      req.log.error({ relationshipId: relationship.id, err: error }, 'archive folder does not match its records; no package made');
      return void send(res, 500, 'ARCHIVE_FILE_MISMATCH', `${error.message} The package was not made; an operator must restore the file.`);
    }

    const zip = new ZipFile();
    const writing = addBag(zip, '', bag.info, bag.documents, storage);
    let failed = false;
    zip.on('error', (error: Error) => {
      if (failed) return;
      failed = true;
      // Headers and part of the ZIP are out: the connection is cut, so the receiver sees a broken download, never a
      // shorter ZIP that looks whole (Content-Length tells it how much was due).
      req.log.error({ relationshipId: relationship.id, err: error }, 'archive package stopped');
      writing.stop();
      res.destroy(error);
    });
    res.on('close', () => {
      if (!res.writableFinished) writing.stop();
    });
    const size = await endZip(zip);
    res.status(200);
    res.setHeader('Content-Type', 'application/zip');
    if (size >= 0) res.setHeader('Content-Length', String(size));
    res.setHeader('Content-Disposition', contentDisposition(`${bag.info.organizationNumber}-arkiv-${relationship.id}.zip`));
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    zip.outputStream.pipe(res);
  }

  async function downloadExport(req: Request, res: Response): Promise<void> {
    const viewer = await viewerOf(req, res);
    if (!viewer) return;
    const id = localIdOf(String(req.params.id), ARCHIVE_EXPORT_NODE);
    const found = id && /^\d{1,20}$/.test(id) ? await dataSource.getRepository(ArchiveExport).findOneBy({ id }) : null;
    if (!found || found.requestedByUserId !== viewer.userId) return void send(res, 404, 'NOT_FOUND', 'No such export.');
    if (found.state === ArchiveExportState.EXPIRED || (found.expiresAt && found.expiresAt.getTime() <= clock.now().getTime())) {
      return void send(res, 410, 'EXPORT_EXPIRED', 'The export has expired; create a new one.');
    }
    if (found.state !== ArchiveExportState.READY || !found.storageKey) return void send(res, 409, 'EXPORT_NOT_READY', `The export is ${found.state}.`);
    const size = await storage.size(found.storageKey);
    if (size !== found.byteSize) {
      req.log.error({ exportId: found.id, size, recorded: found.byteSize }, 'archive export file does not match its record');
      return void send(res, 500, 'ARCHIVE_FILE_MISMATCH', 'The export file is not as recorded; create a new export.');
    }
    res.status(200);
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Length', String(size));
    res.setHeader('Content-Disposition', contentDisposition(`arkiv-eksport-${found.id}.zip`));
    res.setHeader('ETag', `"${found.sha256}"`);
    res.setHeader('Cache-Control', 'private, no-store');
    await pipeline(storage.read(found.storageKey), res).catch((error) => req.log.info({ err: error, exportId: found.id }, 'export download ended early'));
  }

  return (app) => {
    app.get('/archive/packages/:id', (req, res, next) => {
      downloadPackage(req, res).catch(next);
    });
    app.get('/archive/exports/:id', (req, res, next) => {
      downloadExport(req, res).catch(next);
    });
  };
}
