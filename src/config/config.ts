import { createHmac } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { baseContentType, CHECKABLE_CONTENT_TYPES } from '../archive/content-check';
import { DEVELOPMENT_JWT_SECRET, DEVELOPMENT_UPLOAD_SECRET, HOW_TO_MAKE_A_SECRET, MIN_SECRET_BYTES, secretWeakness } from '../auth/secret-strength';
import { DEVELOPMENT_GLOBAL_ID_SECRET } from '../common/global-id';
import { redactCredentials } from '../common/redact';

export { DEVELOPMENT_JWT_SECRET, DEVELOPMENT_UPLOAD_SECRET };

/** Upload limits' defaults (DESIGN S8): 200 MiB, the six kinds of file the server can check, URLs valid one hour. */
export const DEFAULT_UPLOAD_MAX_BYTES = 200 * 1024 * 1024;
export const DEFAULT_UPLOAD_URL_TTL_SECONDS = 3600;
/** A READY export can be downloaded this long (DESIGN S9): seven days. */
export const DEFAULT_EXPORT_TTL_SECONDS = 7 * 24 * 3600;
/** Days before the yearly retention deletes a folder that its client's administrators are told (ARCHIVE_EXPIRY_NOTICE_DAYS). */
export const DEFAULT_EXPIRY_NOTICE_DAYS = 90;

/** Configuration from the environment, validated once at start-up (contract: Configuration). */
export interface Config {
  nodeEnv: string;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  port: number;
  /** Port of a worker-only process's /healthz, /readyz and /metrics (WORKER_PORT). */
  workerPort: number;
  /** API processes behind PORT in `api` mode (API_WORKERS: a number, or `auto` for one per core); 1: this process alone. */
  apiWorkers: number;
  authJwtSecret: string;
  /** True when no secret was configured and the development secret is in use. */
  authJwtSecretIsDefault: boolean;
  /** The secret before the last rotation (AUTH_JWT_PREVIOUS_SECRET): its tokens are still accepted, none are signed with it. */
  authJwtPreviousSecret: string | null;
  /** When set, issued tokens carry these `iss`/`aud` claims and tokens without them are refused. */
  authJwtIssuer: string | null;
  authJwtAudience: string | null;
  /** Longest accepted token life in seconds (AUTH_JWT_MAX_AGE): `exp` at most this far ahead, `iat` at most this old. */
  authJwtMaxAgeSeconds: number;
  archiveDir: string;
  /** Where archive files live (ARCHIVE_STORAGE, DESIGN S10): the local folder ARCHIVE_DIR, or S3-compatible object storage. */
  archiveStorage: ArchiveStorageConfig;
  /** The backup copy kept apart (ARCHIVE_BACKUP): null when there is none. */
  archiveBackup: ArchiveStorageConfig | null;
  /** Whether downloads stream through the API or redirect to a presigned GET (ARCHIVE_DOWNLOADS; redirect needs S3). */
  archiveDownloads: 'stream' | 'redirect';
  /** How long a presigned GET works, in seconds (ARCHIVE_DOWNLOAD_URL_TTL). */
  archiveDownloadUrlTtlSeconds: number;
  /** Upload URLs go straight to the object storage as presigned PUTs (ARCHIVE_DIRECT_UPLOADS; default true with S3). */
  archiveDirectUploads: boolean;
  /** The fixity check's schedule, a cron pattern in Europe/Oslo (ARCHIVE_FIXITY_SCHEDULE); null: not scheduled. */
  archiveFixitySchedule: string | null;
  /** Bytes per second the fixity check reads at most, per copy (ARCHIVE_FIXITY_RATE, in MiB/s). */
  archiveFixityBytesPerSecond: number;
  /** HMAC-SHA256 key that signs upload URLs (ARCHIVE_UPLOAD_SECRET). */
  archiveUploadSecret: string;
  /** True when none was configured and the key is derived from AUTH_JWT_SECRET. */
  archiveUploadSecretIsDerived: boolean;
  /** How long an upload URL works, in seconds (ARCHIVE_UPLOAD_URL_TTL). */
  archiveUploadUrlTtlSeconds: number;
  /** The largest file one upload takes, in bytes (ARCHIVE_UPLOAD_MAX_BYTES). */
  archiveUploadMaxBytes: number;
  /** The content types uploads may have (ARCHIVE_UPLOAD_CONTENT_TYPES), lower case, each one the server can check. */
  archiveUploadContentTypes: string[];
  /** How long a READY export can be downloaded, in seconds (ARCHIVE_EXPORT_TTL). */
  archiveExportTtlSeconds: number;
  /** Days before the yearly retention deletes a folder that ARCHIVE_EXPIRING goes out (ARCHIVE_EXPIRY_NOTICE_DAYS). */
  archiveExpiryNoticeDays: number;
  smtpUrl: string | null;
  /** Sender of notification e-mails (SMTP_FROM). */
  smtpFrom: string;
  logLevel: string;
  /** Bearer token that GET /metrics asks for (METRICS_TOKEN); null: no token. */
  metricsToken: string | null;
  /** A port of its own for /metrics of an API process (METRICS_PORT); null: /metrics on PORT. */
  metricsPort: number | null;
  /** Operation names recorded as such in the metrics (METRICS_OPERATION_NAMES); any other name is `other`. */
  metricsOperationNames: Set<string>;
  /** Requests per window per signed-in user (RATE_LIMIT_PER_USER); 0: no limit. */
  rateLimitPerUser: number;
  /** Requests per window per client IP address (RATE_LIMIT_PER_IP); 0: no limit. */
  rateLimitPerIp: number;
  /** The rate limits' window in seconds (RATE_LIMIT_WINDOW). */
  rateLimitWindowSeconds: number;
  /** Express's `trust proxy` (TRUST_PROXY): which proxies' X-Forwarded-For names the client address. */
  trustProxy: boolean | number | string;
  /**
   * The key global ids are encrypted with (GLOBAL_ID_SECRET). Null in production when unset: the key is then the
   * random one the database was given at its creation (migration InstallationKeys1765000000000).
   */
  globalIdSecret: string | null;
  /** Accept the first releases' `base64("Type:key")` ids as input (LEGACY_GLOBAL_IDS, default true). */
  legacyGlobalIds: boolean;
  /**
   * Webhook endpoints may be on private, loopback and link-local addresses, and use http outside production
   * (WEBHOOK_ALLOW_PRIVATE, default false): for development and tests only.
   */
  webhookAllowPrivate: boolean;
  /** Serve the GraphiQL explorer on `GET /graphql` to browsers (GRAPHQL_EXPLORER; off by default in production). */
  graphqlExplorer: boolean;
  /**
   * How operations run (GRAPHQL_EXECUTION): `compiled` (graphql-jit, the default) or `interpreted` (graphql-js), the
   * fallback should a compiled operation ever behave differently.
   */
  graphqlExecution: 'compiled' | 'interpreted';
  /** The user whose token the explorer's headers are pre-filled with (GRAPHQL_EXPLORER_DEMO_USER); never in production. */
  explorerDemoUser: string | null;
  /** Milliseconds the development clock runs ahead of the system clock (CLOCK_OFFSET); 0 in production. */
  clockOffsetMs: number;
  /** What is allowed here but would be refused in production (a weak secret); the process logs them at start-up. */
  warnings: string[];
}

/** S3-compatible object storage (contract: Configuration, S3_*). The credentials are never logged. */
export interface S3Settings {
  /** Null: AWS, found from the region. */
  endpoint: string | null;
  region: string;
  bucket: string;
  /** Key prefix inside the bucket: empty, or ending with `/`. */
  prefix: string;
  /** Null: the AWS SDK's default credential chain. */
  accessKeyId: string | null;
  secretAccessKey: string | null;
  forcePathStyle: boolean;
}

export type ArchiveStorageConfig = { kind: 'local'; dir: string } | { kind: 's3'; s3: S3Settings };

/** Weekly, Sunday 03:00 Europe/Oslo. */
export const DEFAULT_FIXITY_SCHEDULE = '0 3 * * 0';
export const DEFAULT_FIXITY_MIB_PER_SECOND = 20;
export const DEFAULT_DOWNLOAD_URL_TTL_SECONDS = 300;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    // Credentials in quoted URLs never reach the terminal or the logs.
    problems = problems.map(redactCredentials);
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads and validates the configuration; every bad value is named in one ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const warnings: string[] = [];
  const nodeEnv = env.NODE_ENV ?? 'development';

  const url = (name: string, fallback: string, protocols: string[]): string => {
    const value = env[name] ?? fallback;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')} (got "${value}")`);
      }
    } catch {
      problems.push(`${name} is not a URL (got "${value}")`);
    }
    return value;
  };

  const databaseUrl = url('DATABASE_URL', 'mysql://root@127.0.0.1:3306/klientadmin', ['mysql:', 'mariadb:']);
  if (!problems.some((p) => p.startsWith('DATABASE_URL')) && new URL(databaseUrl).pathname.replace('/', '') === '') {
    problems.push(`DATABASE_URL must name a database, e.g. mysql://root@127.0.0.1:3306/klientadmin (got "${databaseUrl}")`);
  }
  const redisUrl = url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']);

  const queuePrefix = env.QUEUE_PREFIX ?? 'klientadmin';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(queuePrefix)) {
    problems.push(`QUEUE_PREFIX may contain only letters, digits, '_', '.', '-' (1-64 characters; got "${queuePrefix}")`);
  }

  const portOf = (name: string, fallback: string): number => {
    const text = env[name] ?? fallback;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value > 65535) problems.push(`${name} must be a port number 0-65535 (got "${text}")`);
    return value;
  };
  const port = portOf('PORT', '4000');
  const workerPort = portOf('WORKER_PORT', '4001');
  const apiWorkers = apiWorkersOf(env.API_WORKERS, problems);

  let authJwtSecret = env.AUTH_JWT_SECRET ?? '';
  const authJwtSecretIsDefault = authJwtSecret === '';
  if (authJwtSecretIsDefault) {
    if (nodeEnv === 'production') problems.push('AUTH_JWT_SECRET is required when NODE_ENV=production');
    authJwtSecret = DEVELOPMENT_JWT_SECRET;
  }
  const authJwtPreviousSecret = env.AUTH_JWT_PREVIOUS_SECRET || null;
  // A known or guessable secret lets anyone sign tokens. Production refuses it; elsewhere it is warned about (one too
  // short for HS256 is refused everywhere). Messages name the variable, never the value.
  const checkSecret = (name: string, secret: string) => {
    const weakness = secretWeakness(secret);
    if (!weakness) return;
    if (nodeEnv === 'production') problems.push(`${name} ${weakness}; ${HOW_TO_MAKE_A_SECRET}`);
    else if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) problems.push(`${name} ${weakness}`);
    else warnings.push(`${name} ${weakness}; production refuses it`);
  };
  if (!authJwtSecretIsDefault) checkSecret('AUTH_JWT_SECRET', authJwtSecret);
  if (authJwtPreviousSecret) checkSecret('AUTH_JWT_PREVIOUS_SECRET', authJwtPreviousSecret);
  const authJwtIssuer = env.AUTH_JWT_ISSUER || null;
  const authJwtAudience = env.AUTH_JWT_AUDIENCE || null;
  const maxAgeText = env.AUTH_JWT_MAX_AGE ?? '86400';
  const authJwtMaxAgeSeconds = Number(maxAgeText);
  // Up to a year: a larger value is more likely milliseconds typed as seconds.
  if (!/^\d+$/.test(maxAgeText) || authJwtMaxAgeSeconds < 1 || authJwtMaxAgeSeconds > 31_536_000) {
    problems.push(`AUTH_JWT_MAX_AGE must be a number of seconds from 1 to 31536000 (got "${maxAgeText}")`);
  }

  const archiveDir = env.ARCHIVE_DIR ?? './var/archive';
  if (archiveDir.trim() === '') problems.push('ARCHIVE_DIR must not be empty');

  // Whoever knows the key can make upload URLs for any pending upload: a configured one is checked like the token
  // secret. Unset, it is derived from AUTH_JWT_SECRET (HMAC with a label of its own), which production already requires
  // to be strong: a deployment needs no second secret, and the token key itself never signs a URL.
  let archiveUploadSecret = env.ARCHIVE_UPLOAD_SECRET ?? '';
  const archiveUploadSecretIsDerived = archiveUploadSecret === '';
  if (archiveUploadSecretIsDerived) archiveUploadSecret = derivedKey(authJwtSecret, 'klient-admin: archive upload URLs');
  else checkSecret('ARCHIVE_UPLOAD_SECRET', archiveUploadSecret);
  const seconds = (name: string, fallback: number, max: number): number => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    if (!/^\d{1,10}$/.test(text) || Number(text) < 1 || Number(text) > max) {
      problems.push(`${name} must be a number of seconds from 1 to ${max} (got "${text.slice(0, 40)}")`);
      return fallback;
    }
    return Number(text);
  };
  const archiveUploadUrlTtlSeconds = seconds('ARCHIVE_UPLOAD_URL_TTL', DEFAULT_UPLOAD_URL_TTL_SECONDS, 7 * 24 * 3600);
  const archiveExportTtlSeconds = seconds('ARCHIVE_EXPORT_TTL', DEFAULT_EXPORT_TTL_SECONDS, 366 * 24 * 3600);
  const noticeDaysText = env.ARCHIVE_EXPIRY_NOTICE_DAYS;
  let archiveExpiryNoticeDays = DEFAULT_EXPIRY_NOTICE_DAYS;
  if (noticeDaysText !== undefined && noticeDaysText !== '') {
    if (/^\d{1,3}$/.test(noticeDaysText) && Number(noticeDaysText) >= 1 && Number(noticeDaysText) <= 365) archiveExpiryNoticeDays = Number(noticeDaysText);
    else problems.push(`ARCHIVE_EXPIRY_NOTICE_DAYS must be a number of days from 1 to 365 (got "${noticeDaysText.slice(0, 40)}")`);
  }
  const maxBytesText = env.ARCHIVE_UPLOAD_MAX_BYTES;
  let archiveUploadMaxBytes = DEFAULT_UPLOAD_MAX_BYTES;
  if (maxBytesText !== undefined && maxBytesText !== '') {
    // Up to 5 GiB, the size one S3 PUT takes.
    if (!/^\d{1,11}$/.test(maxBytesText) || Number(maxBytesText) < 1 || Number(maxBytesText) > 5 * 1024 ** 3) {
      problems.push(`ARCHIVE_UPLOAD_MAX_BYTES must be a number of bytes from 1 to ${5 * 1024 ** 3} (got "${maxBytesText.slice(0, 40)}")`);
    } else {
      archiveUploadMaxBytes = Number(maxBytesText);
    }
  }
  const archiveUploadContentTypes = (env.ARCHIVE_UPLOAD_CONTENT_TYPES ?? CHECKABLE_CONTENT_TYPES.join(','))
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const uncheckable = archiveUploadContentTypes.filter((t) => !(CHECKABLE_CONTENT_TYPES as readonly string[]).includes(baseContentType(t) ?? ''));
  if (archiveUploadContentTypes.length === 0 || uncheckable.length > 0) {
    problems.push(`ARCHIVE_UPLOAD_CONTENT_TYPES must list content types from ${CHECKABLE_CONTENT_TYPES.join(', ')} (got "${(env.ARCHIVE_UPLOAD_CONTENT_TYPES ?? '').slice(0, 200)}")`);
  }

  const storage = archiveStorageOf(env, archiveDir, problems);
  const archiveDownloads = (env.ARCHIVE_DOWNLOADS || 'stream') as Config['archiveDownloads'];
  if (archiveDownloads !== 'stream' && archiveDownloads !== 'redirect') problems.push(`ARCHIVE_DOWNLOADS must be stream or redirect (got "${String(archiveDownloads).slice(0, 40)}")`);
  else if (archiveDownloads === 'redirect' && storage.primary?.kind !== 's3') problems.push('ARCHIVE_DOWNLOADS=redirect needs ARCHIVE_STORAGE=s3 (a local folder has no URL of its own)');
  const archiveDownloadUrlTtlSeconds = seconds('ARCHIVE_DOWNLOAD_URL_TTL', DEFAULT_DOWNLOAD_URL_TTL_SECONDS, 7 * 24 * 3600);
  const archiveDirectUploads = booleanOf('ARCHIVE_DIRECT_UPLOADS', env.ARCHIVE_DIRECT_UPLOADS, storage.primary?.kind === 's3', problems);
  if (archiveDirectUploads && storage.primary?.kind !== 's3') problems.push('ARCHIVE_DIRECT_UPLOADS=true needs ARCHIVE_STORAGE=s3');
  let archiveFixitySchedule: string | null = env.ARCHIVE_FIXITY_SCHEDULE ?? DEFAULT_FIXITY_SCHEDULE;
  if (archiveFixitySchedule === 'off') archiveFixitySchedule = null;
  else if (!/^(\S+\s+){4}\S+$/.test(archiveFixitySchedule.trim())) {
    problems.push(`ARCHIVE_FIXITY_SCHEDULE must be a cron pattern of five fields (e.g. "${DEFAULT_FIXITY_SCHEDULE}") or off (got "${archiveFixitySchedule.slice(0, 80)}")`);
  }
  const fixityRateText = env.ARCHIVE_FIXITY_RATE || String(DEFAULT_FIXITY_MIB_PER_SECOND);
  const fixityRate = Number(fixityRateText);
  if (!/^\d{1,6}(\.\d{1,3})?$/.test(fixityRateText) || fixityRate <= 0) problems.push(`ARCHIVE_FIXITY_RATE must be MiB per second, more than 0 (got "${fixityRateText.slice(0, 40)}")`);

  const smtpUrl = env.SMTP_URL ? url('SMTP_URL', env.SMTP_URL, ['smtp:', 'smtps:']) : null;
  const smtpFrom = env.SMTP_FROM ?? 'Klient Admin <no-reply@klientadmin.invalid>';

  const logLevel = env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info');
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);

  const count = (name: string, fallback: number): number => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    if (!/^\d{1,9}$/.test(text)) {
      problems.push(`${name} must be a whole number 0 or more (got "${text}")`);
      return fallback;
    }
    return Number(text);
  };

  const metricsToken = env.METRICS_TOKEN ? env.METRICS_TOKEN : null;
  if (metricsToken !== null && Buffer.byteLength(metricsToken) < 16) problems.push('METRICS_TOKEN must be at least 16 bytes long');
  const metricsPort = env.METRICS_PORT ? portOf('METRICS_PORT', env.METRICS_PORT) : null;
  const metricsOperationNames = new Set((env.METRICS_OPERATION_NAMES ?? '').split(',').map((n) => n.trim()).filter(Boolean));
  for (const name of metricsOperationNames) {
    if (!/^[_A-Za-z][_0-9A-Za-z]{0,63}$/.test(name)) problems.push(`METRICS_OPERATION_NAMES must list GraphQL operation names of at most 64 characters (got "${name.slice(0, 80)}")`);
  }

  // Off in tests unless a test asks for it: many tests send hundreds of requests from one address.
  const rateLimitPerUser = count('RATE_LIMIT_PER_USER', nodeEnv === 'test' ? 0 : 600);
  const rateLimitPerIp = count('RATE_LIMIT_PER_IP', nodeEnv === 'test' ? 0 : 1200);
  const rateLimitWindowSeconds = count('RATE_LIMIT_WINDOW', 60);
  if (rateLimitWindowSeconds < 1) problems.push('RATE_LIMIT_WINDOW must be at least 1 second');

  const trustProxy = trustProxyOf(env.TRUST_PROXY, problems);

  // Global ids: a published key would let anyone read the keys inside them, so production never falls back to one.
  let globalIdSecret = env.GLOBAL_ID_SECRET || null;
  if (globalIdSecret !== null) checkSecret('GLOBAL_ID_SECRET', globalIdSecret);
  else if (nodeEnv !== 'production') globalIdSecret = DEVELOPMENT_GLOBAL_ID_SECRET;
  const legacyGlobalIds = booleanOf('LEGACY_GLOBAL_IDS', env.LEGACY_GLOBAL_IDS, true, problems);
  const webhookAllowPrivate = booleanOf('WEBHOOK_ALLOW_PRIVATE', env.WEBHOOK_ALLOW_PRIVATE, false, problems);

  const graphqlExecution = (env.GRAPHQL_EXECUTION || 'compiled') as Config['graphqlExecution'];
  if (graphqlExecution !== 'compiled' && graphqlExecution !== 'interpreted') problems.push(`GRAPHQL_EXECUTION must be compiled or interpreted (got "${String(graphqlExecution).slice(0, 40)}")`);
  const graphqlExplorer = booleanOf('GRAPHQL_EXPLORER', env.GRAPHQL_EXPLORER, nodeEnv !== 'production', problems);
  // A token in a page anyone can load is a way in: production never pre-fills one.
  let explorerDemoUser: string | null = env.GRAPHQL_EXPLORER_DEMO_USER ?? 'u-kari';
  if (explorerDemoUser === '') explorerDemoUser = null;
  if (nodeEnv === 'production') {
    if (env.GRAPHQL_EXPLORER_DEMO_USER) problems.push('GRAPHQL_EXPLORER_DEMO_USER is refused when NODE_ENV=production: it would put a token in the explorer page');
    explorerDemoUser = null;
  } else if (explorerDemoUser !== null && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(explorerDemoUser)) {
    problems.push(`GRAPHQL_EXPLORER_DEMO_USER must be a user id from the import file (got "${explorerDemoUser.slice(0, 80)}")`);
  }

  const clockOffsetMs = clockOffsetOf(env.CLOCK_OFFSET, nodeEnv, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    nodeEnv,
    databaseUrl,
    redisUrl,
    queuePrefix,
    port,
    workerPort,
    apiWorkers,
    authJwtSecret,
    authJwtSecretIsDefault,
    archiveDir,
    archiveStorage: storage.primary ?? { kind: 'local', dir: archiveDir },
    archiveBackup: storage.backup,
    archiveDownloads,
    archiveDownloadUrlTtlSeconds,
    archiveDirectUploads,
    archiveFixitySchedule,
    archiveFixityBytesPerSecond: Math.round((fixityRate > 0 ? fixityRate : DEFAULT_FIXITY_MIB_PER_SECOND) * 1024 * 1024),
    archiveUploadSecret,
    archiveUploadSecretIsDerived,
    archiveUploadUrlTtlSeconds,
    archiveUploadMaxBytes,
    archiveUploadContentTypes: archiveUploadContentTypes.map((t) => baseContentType(t) ?? t),
    archiveExportTtlSeconds,
    archiveExpiryNoticeDays,
    smtpUrl,
    smtpFrom,
    logLevel,
    authJwtPreviousSecret,
    authJwtIssuer,
    authJwtAudience,
    authJwtMaxAgeSeconds,
    warnings,
    metricsToken,
    metricsPort,
    metricsOperationNames,
    rateLimitPerUser,
    rateLimitPerIp,
    rateLimitWindowSeconds,
    trustProxy,
    globalIdSecret,
    legacyGlobalIds,
    webhookAllowPrivate,
    graphqlExplorer,
    graphqlExecution,
    explorerDemoUser,
    clockOffsetMs,
  };
}

/**
 * ARCHIVE_STORAGE (`local` or `s3`, with S3_*) and the backup kept apart, ARCHIVE_BACKUP (`none`, `local` with
 * ARCHIVE_BACKUP_DIR, or `s3` with ARCHIVE_BACKUP_S3_*, each defaulting to its S3_* value except the bucket and prefix).
 * The backup must not be the original: another folder, or another bucket, prefix or endpoint.
 */
function archiveStorageOf(env: NodeJS.ProcessEnv, archiveDir: string, problems: string[]): { primary: ArchiveStorageConfig | null; backup: ArchiveStorageConfig | null } {
  const kind = env.ARCHIVE_STORAGE || 'local';
  let primary: ArchiveStorageConfig | null = null;
  if (kind === 'local') primary = { kind: 'local', dir: archiveDir };
  else if (kind === 's3') {
    const s3 = s3SettingsOf(env, 'S3_', null, problems);
    if (s3) primary = { kind: 's3', s3 };
  } else problems.push(`ARCHIVE_STORAGE must be local or s3 (got "${kind.slice(0, 40)}")`);

  const backupKind = env.ARCHIVE_BACKUP || 'none';
  let backup: ArchiveStorageConfig | null = null;
  if (backupKind === 'local') {
    const dir = env.ARCHIVE_BACKUP_DIR ?? '';
    if (dir.trim() === '') problems.push('ARCHIVE_BACKUP_DIR is required with ARCHIVE_BACKUP=local');
    else backup = { kind: 'local', dir };
  } else if (backupKind === 's3') {
    const s3 = s3SettingsOf(env, 'ARCHIVE_BACKUP_S3_', env.ARCHIVE_STORAGE === 's3' ? 'S3_' : null, problems);
    if (s3) backup = { kind: 's3', s3 };
  } else if (backupKind !== 'none') problems.push(`ARCHIVE_BACKUP must be none, local or s3 (got "${backupKind.slice(0, 40)}")`);
  if (primary && backup && sameStore(primary, backup)) problems.push('ARCHIVE_BACKUP is the same place as ARCHIVE_STORAGE: a backup must be kept apart (another folder, bucket, prefix or endpoint)');
  return { primary, backup };
}

function sameStore(a: ArchiveStorageConfig, b: ArchiveStorageConfig): boolean {
  if (a.kind === 'local' && b.kind === 'local') {
    const norm = (p: string) => p.replace(/\/+$/, '');
    return norm(a.dir) === norm(b.dir);
  }
  if (a.kind === 's3' && b.kind === 's3') return a.s3.endpoint === b.s3.endpoint && a.s3.bucket === b.s3.bucket && (a.s3.prefix.startsWith(b.s3.prefix) || b.s3.prefix.startsWith(a.s3.prefix));
  return false;
}

/** S3 settings from `<prefix>ENDPOINT`, `REGION`, `BUCKET`, `PREFIX`, `ACCESS_KEY_ID`, `SECRET_ACCESS_KEY`, `FORCE_PATH_STYLE`. */
function s3SettingsOf(env: NodeJS.ProcessEnv, name: string, fallback: string | null, problems: string[]): S3Settings | null {
  const value = (key: string, inherit = true): string | undefined => env[name + key] || (inherit && fallback ? env[fallback + key] : undefined) || undefined;
  const endpoint = value('ENDPOINT') ?? null;
  if (endpoint !== null) {
    try {
      const parsed = new URL(endpoint);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') problems.push(`${name}ENDPOINT must start with http:// or https:// (got "${endpoint}")`);
      if (parsed.username || parsed.password) problems.push(`${name}ENDPOINT must not carry credentials; use ${name}ACCESS_KEY_ID and ${name}SECRET_ACCESS_KEY`);
    } catch {
      problems.push(`${name}ENDPOINT is not a URL (got "${endpoint}")`);
    }
  }
  const region = value('REGION') ?? 'us-east-1';
  if (!/^[a-z0-9-]{1,40}$/.test(region)) problems.push(`${name}REGION must be a region name like us-east-1 (got "${region.slice(0, 40)}")`);
  const bucket = value('BUCKET', false) ?? '';
  const storageName = name === 'S3_' ? 'ARCHIVE_STORAGE=s3' : 'ARCHIVE_BACKUP=s3';
  if (bucket === '') problems.push(`${name}BUCKET is required with ${storageName}`);
  else if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) problems.push(`${name}BUCKET must be a bucket name: 3-63 lower-case letters, digits, '.', '-' (got "${bucket.slice(0, 70)}")`);
  let prefix = value('PREFIX', false) ?? '';
  if (prefix !== '') {
    prefix = prefix.replace(/^\/+/, '');
    if (!prefix.endsWith('/')) prefix += '/';
    if (prefix.split('/').slice(0, -1).some((p) => p === '' || p === '.' || p === '..')) problems.push(`${name}PREFIX must be a key prefix like klientadmin/archive (got "${prefix.slice(0, 80)}")`);
  }
  const accessKeyId = value('ACCESS_KEY_ID') ?? null;
  const secretAccessKey = value('SECRET_ACCESS_KEY') ?? null;
  if ((accessKeyId === null) !== (secretAccessKey === null)) problems.push(`${name}ACCESS_KEY_ID and ${name}SECRET_ACCESS_KEY go together: set both, or neither for the AWS SDK's default credentials`);
  const forcePathStyle = booleanOf(`${name}FORCE_PATH_STYLE`, value('FORCE_PATH_STYLE'), false, problems);
  if (problems.some((p) => p.startsWith(name))) return null;
  return { endpoint, region, bucket, prefix, accessKeyId, secretAccessKey, forcePathStyle };
}

function booleanOf(name: string, text: string | undefined, fallback: boolean, problems: string[]): boolean {
  if (text === undefined || text === '') return fallback;
  if (text === 'true') return true;
  if (text === 'false') return false;
  problems.push(`${name} must be true or false (got "${text.slice(0, 80)}")`);
  return fallback;
}

const OFFSET_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * CLOCK_OFFSET: `+3d`, `-12h`, `+90m`, `+30s` — how far the one clock runs ahead (or behind) of the system clock, so a
 * developer can watch a pending ending reach its generation date. Development only: production runs on real time.
 */
function clockOffsetOf(text: string | undefined, nodeEnv: string, problems: string[]): number {
  if (text === undefined || text === '' || text === '0') return 0;
  if (nodeEnv === 'production') {
    problems.push('CLOCK_OFFSET is refused when NODE_ENV=production: the product runs on the real time there');
    return 0;
  }
  const match = /^([+-])(\d{1,4})([smhd])$/.exec(text);
  if (!match) {
    problems.push(`CLOCK_OFFSET must be a signed amount of s, m, h or d, like +3d or -12h (got "${text.slice(0, 80)}")`);
    return 0;
  }
  const ms = Number(match[2]) * OFFSET_UNITS[match[3]];
  if (ms > 400 * OFFSET_UNITS.d) {
    problems.push(`CLOCK_OFFSET may move the clock at most 400 days (got "${text}")`);
    return 0;
  }
  return match[1] === '-' ? -ms : ms;
}

/**
 * TRUST_PROXY: unset or `false` trusts no proxy (the socket's address is the client's); `true`, a hop count, or
 * Express's names and address lists (`loopback`, `10.0.0.0/8, 127.0.0.1`) trust X-Forwarded-For from those proxies.
 */
function trustProxyOf(text: string | undefined, problems: string[]): boolean | number | string {
  if (text === undefined || text === '' || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d{1,2}$/.test(text)) return Number(text);
  if (/^[A-Za-z0-9.:/, ]{1,500}$/.test(text)) return text;
  problems.push(`TRUST_PROXY must be true, false, a number of hops, or proxy addresses (got "${text.slice(0, 80)}")`);
  return false;
}

/** A key for one purpose, derived from a secret: knowing it tells nothing of the secret or of keys for other purposes. */
function derivedKey(secret: string, purpose: string): string {
  return createHmac('sha256', secret).update(purpose).digest('base64');
}

/** API_WORKERS: 1 to 64 processes, or `auto` for one per core the process may use. */
function apiWorkersOf(text: string | undefined, problems: string[]): number {
  if (text === undefined || text === '') return 1;
  if (text === 'auto') return Math.min(64, availableParallelism());
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 64) {
    problems.push(`API_WORKERS must be a number of processes from 1 to 64, or auto (got "${text.slice(0, 40)}")`);
    return 1;
  }
  return value;
}
