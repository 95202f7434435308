import type { NodeType } from '../common/global-id';

/** The global-id types of the archive's uploads and exports. */
export const ARCHIVE_UPLOAD_NODE: NodeType = 'ArchiveUpload';
export const ARCHIVE_EXPORT_NODE: NodeType = 'ArchiveExport';

/** The storage folder of an upload's received bytes, inside its archive folder: `<client>/<relationship>/<year>/uploads/<id>`. */
export function uploadFolderKey(upload: { clientId: string; relationshipId: string; fiscalYear: number; id: string }): string {
  return `${upload.clientId}/${upload.relationshipId}/${upload.fiscalYear}/uploads/${upload.id}`;
}

/** Where an export's ZIP is kept until it expires; `_` starts no client id, so the folder is no client's. */
export function exportKey(exportId: string): string {
  return `_exports/${exportId}.zip`;
}

/**
 * Where a presigned PUT puts an upload's bytes when uploads go straight to object storage (ARCHIVE_DIRECT_UPLOADS):
 * one key per upload, known before any byte arrives; the completion reads it back and checks it.
 */
export function directUploadKey(upload: { clientId: string; relationshipId: string; fiscalYear: number; id: string }): string {
  return `${uploadFolderKey(upload)}/direct`;
}
