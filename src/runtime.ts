import type { DataSource } from 'typeorm';
import { VisibilityService } from './access/visibility.service';
import { AuditService } from './audit/audit.service';
import { TokenService } from './auth/jwt';
import { ClientRetentionService } from './clients/client-retention.service';
import { ClientsService } from './clients/clients.service';
import { ArchiveService } from './archive/archive.service';
import type { ArchiveStorage } from './archive/archive-storage';
import { noBackupTrigger, type BackupTrigger } from './archive/backup';
import { createArchiveStorage } from './archive/storage-factory';
import type { FixityDeps } from './archive/fixity';
import { noExportTrigger, type ExportTrigger } from './archive/export-trigger';
import { ArchiveExportService } from './archive/exports.service';
import { ArchiveUploadService } from './archive/uploads.service';
import type { MandatoryDataGenerator } from './archive/mandatory-data';
import { SaftMandatoryDataGenerator, type SaftGeneratorDeps } from './archive/saft-generator';
import type { Clock } from './common/clock';
import type { Logger } from './common/logger';
import type { Config } from './config/config';
import { LedgerService } from './ledger/ledger.service';
import { EmailTrigger, noEmailTrigger } from './notifications/email-trigger';
import { createRelationshipServices, RelationshipServices } from './relationships/relationship-services';
import { noTaskTrigger, TaskTrigger } from './tasks/task-trigger';
import { ApiKeyService } from './integrations/api-keys.service';
import { IntegrationSecrets } from './integrations/secrets';
import { WebhookEndpointService } from './integrations/webhook-endpoints.service';
import { noWebhookTrigger, WebhookEvents, type WebhookTrigger } from './integrations/webhook-events';
import { systemResolver, type HostResolver } from './integrations/webhook-url';

/** The product's services, built once per process; resolvers and jobs call them. */
export interface Services extends RelationshipServices {
  readonly visibility: VisibilityService;
  readonly audit: AuditService;
  readonly clients: ClientsService;
  readonly archive: ArchiveService;
  /** The clients' books: SAF-T import, derived-grouping warnings. */
  readonly ledger: LedgerService;
  /** Where archive files live (ARCHIVE_STORAGE: ARCHIVE_DIR or S3). */
  readonly archiveStorage: ArchiveStorage;
  /** The backup copy kept apart (ARCHIVE_BACKUP); null when there is none (DESIGN S10). */
  readonly archiveBackupStorage: ArchiveStorage | null;
  /** Documentation uploaded into archive folders (S8). */
  readonly uploads: ArchiveUploadService;
  /** Archive folders exported as BagIt ZIPs in the background (S9). */
  readonly exports: ArchiveExportService;
  /** A client's retention years and legal hold (S5). */
  readonly retention: ClientRetentionService;
  /** Partner integrations (docs/integrations.md): API keys, webhook endpoints, webhook events. */
  readonly integrationSecrets: IntegrationSecrets;
  readonly apiKeys: ApiKeyService;
  readonly webhookEndpoints: WebhookEndpointService;
  readonly webhookEvents: WebhookEvents;
}

/** Everything a process (API, worker, CLI) runs on: composed once by `createRuntime`, never changed after. */
export interface Runtime {
  readonly config: Config;
  readonly dataSource: DataSource;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tokens: TokenService;
  /** Queues scheduled tasks after commit (DESIGN S2). */
  readonly taskTrigger: TaskTrigger;
  /** Queues notification e-mails after commit (DESIGN S6): `uow.onCommit(() => emailTrigger.sync(ids))`. */
  readonly emailTrigger: EmailTrigger;
  /** Queues archive exports after commit (DESIGN S9). */
  readonly exportTrigger: ExportTrigger;
  /** Queues backup copies of recorded documents after commit (DESIGN S10). */
  readonly backupTrigger: BackupTrigger;
  /** Queues webhook deliveries after commit. */
  readonly webhookTrigger: WebhookTrigger;
  /** Resolves webhook hosts (SSRF checks); the system's DNS unless a test gives another. */
  readonly webhookResolver: HostResolver;
  /** Generates the mandatory accounting data (S3); the GENERATE_MANDATORY_DATA task calls it. */
  readonly mandatoryDataGenerator: MandatoryDataGenerator;
  readonly services: Services;
}

export interface RuntimeParts {
  config: Config;
  dataSource: DataSource;
  clock: Clock;
  logger: Logger;
  /** Default: nothing is queued at commit; a worker's sweeper finds the rows (the CLI). */
  taskTrigger?: TaskTrigger;
  /** Default: nothing is queued at commit; a worker's sweeper finds the rows. */
  emailTrigger?: EmailTrigger;
  /** Default: nothing is queued at commit; a worker's sweeper finds the rows. */
  exportTrigger?: ExportTrigger;
  /** Default: nothing is queued at commit; a worker's sweeper finds the rows. */
  webhookTrigger?: WebhookTrigger;
  /** Default: the system's DNS. */
  webhookResolver?: HostResolver;
  /** Default: nothing is queued at commit; a worker's sweeper finds the rows. */
  backupTrigger?: BackupTrigger;
  /** Makes the generator of mandatory accounting data from the runtime's parts; default the SAF-T generator. */
  createMandatoryDataGenerator?: (deps: SaftGeneratorDeps) => MandatoryDataGenerator;
}

/** Builds the services once, in order, from the parts given: nothing is looked up or set later. */
export function createRuntime(parts: RuntimeParts): Runtime {
  const { config, dataSource, clock, logger } = parts;
  const taskTrigger = parts.taskTrigger ?? noTaskTrigger;
  const emailTrigger = parts.emailTrigger ?? noEmailTrigger;
  const exportTrigger = parts.exportTrigger ?? noExportTrigger;
  const backupTrigger = parts.backupTrigger ?? noBackupTrigger;
  const visibility = new VisibilityService();
  const audit = new AuditService(clock);
  const ledger = new LedgerService(dataSource);
  const archiveStorage = createArchiveStorage(config.archiveStorage);
  const archiveBackupStorage = config.archiveBackup ? createArchiveStorage(config.archiveBackup) : null;
  const webhookTrigger = parts.webhookTrigger ?? noWebhookTrigger;
  const webhookResolver = parts.webhookResolver ?? systemResolver;
  const integrationSecrets = new IntegrationSecrets(dataSource);
  const webhookEvents = new WebhookEvents(clock, webhookTrigger);
  const apiKeys = new ApiKeyService(dataSource, clock, audit, integrationSecrets, logger);
  const relationshipServices = createRelationshipServices({
    clock,
    visibility,
    audit,
    taskTrigger,
    emailTrigger,
    webhookEvents,
    derivedGroupings: (clientId) => ledger.derivedGroupingAccountIds(clientId),
  });
  const services: Services = Object.freeze({
    visibility,
    audit,
    clients: new ClientsService(dataSource),
    archive: new ArchiveService(dataSource),
    ledger,
    archiveStorage,
    archiveBackupStorage,
    ...relationshipServices,
    uploads: new ArchiveUploadService(clock, visibility, audit, relationshipServices.idempotency, archiveStorage, backupTrigger, {
      maxBytes: config.archiveUploadMaxBytes,
      contentTypes: config.archiveUploadContentTypes,
      urlTtlSeconds: config.archiveUploadUrlTtlSeconds,
      directUploads: config.archiveDirectUploads,
    }),
    exports: new ArchiveExportService(clock, visibility, relationshipServices.idempotency, exportTrigger),
    retention: new ClientRetentionService(clock, visibility, audit, relationshipServices.idempotency),
    integrationSecrets,
    apiKeys,
    webhookEndpoints: new WebhookEndpointService(dataSource, clock, audit, integrationSecrets, apiKeys, {
      // WEBHOOK_ALLOW_PRIVATE is the development and test switch: with it, a local http receiver is allowed everywhere.
      httpsOnly: config.nodeEnv === 'production' && !config.webhookAllowPrivate,
      allowPrivate: config.webhookAllowPrivate,
      resolve: webhookResolver,
    }),
    webhookEvents,
  });
  const createGenerator = parts.createMandatoryDataGenerator ?? ((deps: SaftGeneratorDeps) => new SaftMandatoryDataGenerator(deps));
  return Object.freeze({
    config,
    dataSource,
    clock,
    logger,
    tokens: new TokenService(config, clock),
    taskTrigger,
    emailTrigger,
    exportTrigger,
    backupTrigger,
    webhookTrigger,
    webhookResolver,
    mandatoryDataGenerator: createGenerator({ dataSource, storage: archiveStorage, audit, clock, logger }),
    services,
  });
}

/** What the fixity check needs (DESIGN S10), the same for the scheduled job and `archive verify`. */
export function fixityDeps(runtime: Runtime): FixityDeps {
  const { dataSource, clock, logger, config, services } = runtime;
  return {
    dataSource,
    clock,
    logger,
    audit: services.audit,
    notifications: services.notifications,
    storage: services.archiveStorage,
    backup: services.archiveBackupStorage,
    bytesPerSecond: config.archiveFixityBytesPerSecond,
  };
}
