import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { Caller } from '../auth/caller';
import { toGlobalId } from '../common/global-id';
import type { RequestContext } from '../graphql/context';
import { runMutation } from '../graphql/run-mutation';
import type { CustomerRelationship } from '../relationships/customer-relationship.entity';
import { CustomerRelationshipType } from '../relationships/relationship.types';
import { ArchiveDocument } from './archive-document.entity';
import { ArchiveExport, ArchiveExportState } from './archive-export.entity';
import { ARCHIVE_EXPORT_NODE, ARCHIVE_UPLOAD_NODE, directUploadKey } from './archive-ids';
import { uploadStateOf, type ArchiveUpload, type ArchiveUploadState } from './archive-upload.entity';
import { packagePath } from './packages';
import {
  ArchiveExportType,
  ArchiveUploadType,
  CompleteArchiveUploadInput,
  CompleteArchiveUploadPayload,
  CreateArchiveExportInput,
  CreateArchiveExportPayload,
  CreateArchiveUploadsInput,
  CreateArchiveUploadsPayload,
  HttpHeaderType,
} from './transfers.types';
import { signedUploadUrl } from './upload-url';

function callerOf(ctx: RequestContext): Caller {
  return { viewer: ctx.viewer, actor: ctx.actor };
}

/** Documentation into archive folders and folders out as BagIt ZIPs (DESIGN S8, S9); the rules live in the services. */
@Resolver()
export class ArchiveTransferMutations {
  @Mutation(() => CreateArchiveUploadsPayload, { description: "Reserves uploads into ended relationships' archive folders: all items or none. Needs ARCHIVE." })
  async createArchiveUploads(@Arg('input', () => CreateArchiveUploadsInput, { description: 'The files to reserve, 1..100; see the input type.' }) input: CreateArchiveUploadsInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (uow) => ctx.services.uploads.create(uow, callerOf(ctx), input));
  }

  @Mutation(() => CompleteArchiveUploadPayload, { description: 'Checks a received upload (size, SHA-256, content type) and records it as an archive document.' })
  async completeArchiveUpload(@Arg('input', () => CompleteArchiveUploadInput, { description: 'The upload whose bytes have been sent; see the input type.' }) input: CompleteArchiveUploadInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (uow) => ctx.services.uploads.complete(uow, callerOf(ctx), input));
  }

  @Mutation(() => CreateArchiveExportPayload, { description: "Starts building one ZIP of many relationships' archive folders in the background. Needs ARCHIVE." })
  async createArchiveExport(@Arg('input', () => CreateArchiveExportInput, { description: 'The relationships to package, 1..500; see the input type.' }) input: CreateArchiveExportInput, @Ctx() ctx: RequestContext) {
    return runMutation(ctx, (uow) => ctx.services.exports.create(uow, callerOf(ctx), input));
  }
}

@Resolver(() => ArchiveUploadType)
export class ArchiveUploadResolver {
  @FieldResolver(() => ID, { description: 'Opaque global id.' })
  id(@Root() upload: ArchiveUpload): string {
    return toGlobalId(ARCHIVE_UPLOAD_NODE, upload.id);
  }

  @FieldResolver(() => String)
  async uploadUrl(@Root() upload: ArchiveUpload, @Ctx() ctx: RequestContext): Promise<string> {
    const storage = ctx.services.archiveStorage;
    if (ctx.runtime.config.archiveDirectUploads && storage.presignPut) {
      // Straight to the object storage (DESIGN S10): size, type and SHA-256 are bound into the signature.
      const expiresInSeconds = Math.max(1, Math.floor((upload.expiresAt.getTime() - ctx.runtime.clock.now().getTime()) / 1000));
      const { url } = await storage.presignPut(directUploadKey(upload), { byteSize: upload.byteSize, contentType: upload.contentType, sha256: upload.sha256, expiresInSeconds });
      return url;
    }
    return signedUploadUrl(ctx.runtime.config.archiveUploadSecret, toGlobalId(ARCHIVE_UPLOAD_NODE, upload.id), upload.expiresAt);
  }

  @FieldResolver()
  method(): string {
    return 'PUT';
  }

  @FieldResolver(() => [HttpHeaderType])
  headers(@Root() upload: ArchiveUpload, @Ctx() ctx: RequestContext): HttpHeaderType[] {
    const headers = [{ name: 'Content-Type', value: upload.contentType }];
    if (ctx.runtime.config.archiveDirectUploads && ctx.services.archiveStorage.presignPut) {
      headers.push({ name: 'x-amz-checksum-sha256', value: Buffer.from(upload.sha256, 'hex').toString('base64') });
    }
    return headers;
  }

  @FieldResolver()
  state(@Root() upload: ArchiveUpload, @Ctx() ctx: RequestContext): ArchiveUploadState {
    return uploadStateOf(upload, ctx.runtime.clock.now());
  }

  @FieldResolver()
  async document(@Root() upload: ArchiveUpload, @Ctx() ctx: RequestContext): Promise<ArchiveDocument | null> {
    return upload.documentId ? ctx.runtime.dataSource.getRepository(ArchiveDocument).findOneBy({ id: upload.documentId }) : null;
  }
}

@Resolver(() => ArchiveExportType)
export class ArchiveExportResolver {
  @FieldResolver(() => ID, { description: 'Opaque global id.' })
  id(@Root() archiveExport: ArchiveExport): string {
    return toGlobalId(ARCHIVE_EXPORT_NODE, archiveExport.id);
  }

  @FieldResolver(() => String, { nullable: true })
  downloadPath(@Root() archiveExport: ArchiveExport, @Ctx() ctx: RequestContext): string | null {
    const open = archiveExport.state === ArchiveExportState.READY && archiveExport.expiresAt !== null && archiveExport.expiresAt.getTime() > ctx.runtime.clock.now().getTime();
    return open ? `/archive/exports/${toGlobalId(ARCHIVE_EXPORT_NODE, archiveExport.id)}` : null;
  }
}

/** `CustomerRelationship.packagePath`, declared here so that the relationships' types need not know the archive's routes. */
@Resolver(() => CustomerRelationshipType)
export class RelationshipPackageResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description:
      'A path on this server: GET it with the same bearer token for the whole archive folder as one ZIP in BagIt layout (bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt, data/<fiscalYear>/<fileName>). Null while it holds no document.',
  })
  async packagePath(@Root() relationship: CustomerRelationship, @Ctx() ctx: RequestContext): Promise<string | null> {
    const documents = await ctx.loaders.documentsByRelationship.load(relationship.id);
    return documents.length > 0 ? packagePath(toGlobalId('CustomerRelationship', relationship.id)) : null;
  }
}
