import { InitialSchema1764300000000 } from './1764300000000-initial-schema';
import { LedgerBooks1764400000000 } from './1764400000000-ledger-books';
import { BinaryIds1764900000000 } from './1764900000000-binary-ids';
import { RelationshipClientSnapshot1764910000000 } from './1764910000000-relationship-client-snapshot';
import { InstallationKeys1765000000000 } from './1765000000000-installation-keys';
import { ArchiveUploadsAndExports1765100000000 } from './1765100000000-archive-uploads-and-exports';
import { SpecificationFormats1765200000000 } from './1765200000000-specification-formats';
import { Integrations1765500000000 } from './1765500000000-integrations';
import { ArchiveCopies1765300000000 } from './1765300000000-archive-copies';
import { ClientSide1765400000000 } from './1765400000000-client-side';
import { PartnerClientCounts1765600000000 } from './1765600000000-partner-client-counts';

/** Every migration, in order. A new one is added here as well as in its own file. */
export const MIGRATIONS = [
  InitialSchema1764300000000,
  LedgerBooks1764400000000,
  BinaryIds1764900000000,
  RelationshipClientSnapshot1764910000000,
  InstallationKeys1765000000000,
  ArchiveUploadsAndExports1765100000000,
  SpecificationFormats1765200000000,
  ArchiveCopies1765300000000,
  ClientSide1765400000000,
  Integrations1765500000000,
  PartnerClientCounts1765600000000,
];
