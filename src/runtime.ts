import type { DataSource } from 'typeorm';
import { VisibilityService } from './access/visibility.service';
import { AuditService } from './audit/audit.service';
import { TokenService } from './auth/jwt';
import { ClientsService } from './clients/clients.service';
import { ArchiveService } from './archive/archive.service';
import { LocalFolderStorage, type ArchiveStorage } from './archive/archive-storage';
import { SaftMandatoryDataGenerator } from './archive/saft-generator';
import type { Clock } from './common/clock';
import type { Logger } from './common/logger';
import type { Config } from './config/config';
import type { MandatoryDataGenerator } from './jobs/mandatory-data';
import { LedgerService } from './ledger/ledger.service';
import { EmailTrigger, noEmailTrigger } from './notifications/email-trigger';
import { createRelationshipServices, RelationshipServices } from './relationships/relationship-services';
import { noTaskTrigger, TaskTrigger } from './tasks/task-trigger';

/** The product's services, built once per process; resolvers and jobs call them. */
export interface Services extends RelationshipServices {
  visibility: VisibilityService;
  audit: AuditService;
  clients: ClientsService;
  archive: ArchiveService;
  /** The clients' books: SAF-T import, derived-grouping warnings. */
  ledger: LedgerService;
  /** Where archive files live (ARCHIVE_DIR). */
  archiveStorage: ArchiveStorage;
}

/** Everything a process (API, worker, CLI) runs on. */
export interface Runtime {
  config: Config;
  dataSource: DataSource;
  clock: Clock;
  logger: Logger;
  tokens: TokenService;
  taskTrigger: TaskTrigger;
  /** Queues notification e-mails after commit (DESIGN S6): `uow.onCommit(() => runtime.emailTrigger.sync(ids))`. */
  emailTrigger: EmailTrigger;
  /** Generates the mandatory accounting data (S3); null until a generator is provided — the task then fails visibly. */
  mandatoryDataGenerator: MandatoryDataGenerator | null;
  services: Services;
}

export interface RuntimeParts {
  config: Config;
  dataSource: DataSource;
  clock: Clock;
  logger: Logger;
  taskTrigger?: TaskTrigger;
  emailTrigger?: EmailTrigger;
  mandatoryDataGenerator?: MandatoryDataGenerator | null;
}

export function createRuntime(parts: RuntimeParts): Runtime {
  const { dataSource, clock } = parts;
  const visibility = new VisibilityService();
  const audit = new AuditService(clock);
  const ledger = new LedgerService(dataSource);
  const services: Services = {
    visibility,
    audit,
    clients: new ClientsService(dataSource),
    archive: new ArchiveService(dataSource),
    ledger,
    archiveStorage: new LocalFolderStorage(parts.config.archiveDir),
    ...createRelationshipServices({
      clock,
      visibility,
      audit,
      taskTrigger: () => runtime.taskTrigger,
      emailTrigger: () => runtime.emailTrigger,
      derivedGroupings: async (manager, clientId) => (await ledger.derivedGroupingAccounts(clientId, manager)).map((a) => a.accountId),
    }),
  };
  const runtime: Runtime = {
    ...parts,
    taskTrigger: parts.taskTrigger ?? noTaskTrigger,
    emailTrigger: parts.emailTrigger ?? noEmailTrigger,
    mandatoryDataGenerator:
      parts.mandatoryDataGenerator !== undefined
        ? parts.mandatoryDataGenerator
        : new SaftMandatoryDataGenerator({ dataSource, storage: services.archiveStorage, audit, clock, logger: parts.logger }),
    tokens: new TokenService(parts.config, clock),
    services,
  };
  return runtime;
}
