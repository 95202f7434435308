import type { NodeType } from '../common/global-id';

/**
 * The global-id types of the archive's uploads and exports. `NodeType` in `src/common/global-id.ts` lists the types
 * the ids were first made for; these two are named here, through the same helpers (`toGlobalId`, `localIdOf`), so an
 * upload's or an export's id is as opaque as any other.
 */
export const ARCHIVE_UPLOAD_NODE = 'ArchiveUpload' as NodeType;
export const ARCHIVE_EXPORT_NODE = 'ArchiveExport' as NodeType;

/** The storage folder of an upload's received bytes, inside its archive folder: `<client>/<relationship>/<year>/uploads/<id>`. */
export function uploadFolderKey(upload: { clientId: string; relationshipId: string; fiscalYear: number; id: string }): string {
  return `${upload.clientId}/${upload.relationshipId}/${upload.fiscalYear}/uploads/${upload.id}`;
}

/** Where an export's ZIP is kept until it expires; `_` starts no client id, so the folder is no client's. */
export function exportKey(exportId: string): string {
  return `_exports/${exportId}.zip`;
}
