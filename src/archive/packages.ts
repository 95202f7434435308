import type { EntityManager } from 'typeorm';
import { Client } from '../clients/client.entity';
import { Partner } from '../partners/partner.entity';
import type { CustomerRelationship } from '../relationships/customer-relationship.entity';
import { ArchiveDocument } from './archive-document.entity';
import type { ArchiveStorage } from './archive-storage';
import { ArchiveFileMismatch, payloadPath, type BagDocument, type BagInfo } from './bagit';

/** One relationship's archive folder, ready to be bagged. */
export interface FolderBag {
  info: BagInfo;
  documents: BagDocument[];
}

/** The package path of a relationship (contract: `CustomerRelationship.packagePath`). */
export function packagePath(relationshipGlobalId: string): string {
  return `/archive/packages/${relationshipGlobalId}`;
}

/**
 * A relationship's folder as a bag (DESIGN S9, A6): its documents by fiscal year and name, and the client as it was at
 * the ending (the relationship's copy of its name and organization number).
 */
export async function folderBag(manager: EntityManager, relationship: CustomerRelationship, baggingDate: string): Promise<FolderBag> {
  const [documents, client, partner] = await Promise.all([
    manager.getRepository(ArchiveDocument).find({ where: { relationshipId: relationship.id }, order: { fiscalYear: 'ASC', fileName: 'ASC', id: 'ASC' } }),
    manager.getRepository(Client).findOneByOrFail({ id: relationship.clientId }),
    manager.getRepository(Partner).findOneByOrFail({ id: relationship.partnerId }),
  ]);
  return {
    info: {
      organizationNumber: relationship.clientOrganizationNumber ?? client.organizationNumber,
      clientName: relationship.clientName ?? client.name,
      partnerName: partner.name,
      partnerCode: partner.partnerCode,
      responsibilityFrom: relationship.responsibilityFrom,
      responsibilityTo: relationship.responsibilityTo,
      generationDate: relationship.generationDate,
      baggingDate,
    },
    documents,
  };
}

/**
 * Refuses, before the first byte is sent, a folder whose files are not all in storage with their recorded sizes (a
 * hash that differs is found while streaming). Throws ArchiveFileMismatch naming the first such file.
 */
export async function checkFolderStored(storage: ArchiveStorage, bag: FolderBag, root = ''): Promise<void> {
  for (const document of bag.documents) {
    const size = await storage.size(document.storageKey);
    if (size !== document.byteSize) {
      const found = size === null ? 'is missing from storage' : `has ${size} bytes, not the ${document.byteSize} recorded`;
      throw new ArchiveFileMismatch(`${root}${payloadPath(document)} ${found}.`);
    }
  }
}
