import { randomBytes } from 'node:crypto';
import { estimatedEntropyBits } from '../../src/auth/secret-strength';
import { redactCredentials } from '../../src/common/redact';
import { ConfigError, DEVELOPMENT_JWT_SECRET, DEVELOPMENT_UPLOAD_SECRET, loadConfig } from '../../src/config/config';
import { TEST_JWT_SECRET } from '../support/test-app';

/** A production environment's other required secret, so that a test's problems are about what it sets. */
const UPLOAD_SECRET = { ARCHIVE_UPLOAD_SECRET: randomBytes(32).toString('base64') };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration (contract: Configuration)', () => {
  it('has the contract defaults', () => {
    expect(loadConfig({})).toMatchObject({
      databaseUrl: 'mysql://root@127.0.0.1:3306/klientadmin',
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'klientadmin',
      port: 4000,
      workerPort: 4001,
      authJwtSecret: DEVELOPMENT_JWT_SECRET,
      authJwtSecretIsDefault: true,
      archiveDir: './var/archive',
    });
  });

  it('names every bad value in one error', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgres://x/y', REDIS_URL: 'nope', QUEUE_PREFIX: 'a:b', PORT: '99999', WORKER_PORT: 'x', AUTH_JWT_SECRET: 'short', LOG_LEVEL: 'loud' });
    expect(problems).toHaveLength(7);
    expect(problems.join('\n')).toMatch(/DATABASE_URL[\s\S]*REDIS_URL[\s\S]*QUEUE_PREFIX[\s\S]*PORT[\s\S]*WORKER_PORT[\s\S]*AUTH_JWT_SECRET[\s\S]*LOG_LEVEL/);
  });

  it('requires AUTH_JWT_SECRET when NODE_ENV=production', () => {
    expect(problemsOf({ NODE_ENV: 'production', ...UPLOAD_SECRET })).toEqual(['AUTH_JWT_SECRET is required when NODE_ENV=production']);
    expect(problemsOf({ NODE_ENV: 'production', ...UPLOAD_SECRET, AUTH_JWT_SECRET: randomBytes(32).toString('base64') })).toEqual([]);
  });

  it('requires a database name in DATABASE_URL', () => {
    expect(problemsOf({ DATABASE_URL: 'mysql://root@127.0.0.1:3306/' })[0]).toContain('must name a database');
  });

  it('has the token defaults: no previous secret, no iss/aud, a maximum token age of one day', () => {
    expect(loadConfig({})).toMatchObject({ authJwtPreviousSecret: null, authJwtIssuer: null, authJwtAudience: null, authJwtMaxAgeSeconds: 86400, warnings: [] });
    expect(problemsOf({ AUTH_JWT_MAX_AGE: '0' })[0]).toContain('AUTH_JWT_MAX_AGE');
    expect(problemsOf({ AUTH_JWT_MAX_AGE: '3600000000' })[0]).toContain('AUTH_JWT_MAX_AGE');
  });
});

describe('production refuses a known or guessable signing secret (naming the variable, never the value)', () => {
  const weak: Record<string, string> = {
    'the development secret': DEVELOPMENT_JWT_SECRET,
    "the tests' secret": TEST_JWT_SECRET,
    '32 spaces': ' '.repeat(32),
    "'a' 32 times": 'a'.repeat(32),
    "'ab' 16 times": 'ab'.repeat(16),
    'one hex run repeated': '0123456789abcdef'.repeat(4),
    '31 random hex characters, too short': randomBytes(16).toString('hex').slice(0, 31),
  };
  for (const [what, secret] of Object.entries(weak)) {
    it(`AUTH_JWT_SECRET: ${what}`, () => {
      const problems = problemsOf({ NODE_ENV: 'production', ...UPLOAD_SECRET, AUTH_JWT_SECRET: secret });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^AUTH_JWT_SECRET /);
      if (secret.trim()) expect(problems[0]).not.toContain(secret);
    });
  }

  it('AUTH_JWT_PREVIOUS_SECRET gets the same checks', () => {
    const problems = problemsOf({ NODE_ENV: 'production', ...UPLOAD_SECRET, AUTH_JWT_SECRET: randomBytes(32).toString('base64'), AUTH_JWT_PREVIOUS_SECRET: DEVELOPMENT_JWT_SECRET });
    expect(problems).toEqual([expect.stringMatching(/^AUTH_JWT_PREVIOUS_SECRET is a value published/)]);
    expect(problems[0]).not.toContain(DEVELOPMENT_JWT_SECRET);
  });

  it('accepts what `openssl rand -base64 32` and `openssl rand -hex 32` print', () => {
    for (let i = 0; i < 20; i++) {
      for (const secret of [randomBytes(32).toString('base64'), randomBytes(32).toString('hex')]) {
        expect(problemsOf({ NODE_ENV: 'production', ...UPLOAD_SECRET, AUTH_JWT_SECRET: secret, AUTH_JWT_PREVIOUS_SECRET: secret })).toEqual([]);
      }
    }
  });

  it('outside production a weak secret is warned about, not refused', () => {
    const config = loadConfig({ NODE_ENV: 'development', AUTH_JWT_SECRET: 'a'.repeat(32), AUTH_JWT_PREVIOUS_SECRET: TEST_JWT_SECRET });
    expect(config.authJwtSecret).toBe('a'.repeat(32));
    expect(config.warnings).toEqual([expect.stringMatching(/^AUTH_JWT_SECRET has too little entropy/), expect.stringMatching(/^AUTH_JWT_PREVIOUS_SECRET is a value published/)]);
  });
});

describe('the entropy estimate: length × Shannon entropy of the characters of the shortest repeating pattern', () => {
  it('is 0 for one repeated character, log2(n) a character for n distinct ones, and a repeated pattern counts once', () => {
    expect(estimatedEntropyBits(' '.repeat(32))).toBe(0);
    expect(estimatedEntropyBits('a'.repeat(64))).toBe(0);
    expect(estimatedEntropyBits('')).toBe(0);
    expect(estimatedEntropyBits('0123456789abcdef')).toBe(64);
    expect(estimatedEntropyBits('ab'.repeat(16))).toBe(2);
    expect(estimatedEntropyBits('0123456789abcdef'.repeat(4))).toBe(64);
    expect(estimatedEntropyBits('abcabca')).toBeCloseTo(3 * Math.log2(3));
    expect(estimatedEntropyBits('aab')).toBeCloseTo(3 * (-(2 / 3) * Math.log2(2 / 3) - (1 / 3) * Math.log2(1 / 3)));
  });

  it('gives random 32-byte values in base64 or hex well over 128 bits', () => {
    for (let i = 0; i < 50; i++) {
      expect(estimatedEntropyBits(randomBytes(32).toString('base64'))).toBeGreaterThan(160);
      expect(estimatedEntropyBits(randomBytes(32).toString('hex'))).toBeGreaterThan(200);
    }
  });
});

describe('configuration messages never show a password in a URL', () => {
  it('redacts the credentials of every URL it quotes', () => {
    const error = (() => {
      try {
        loadConfig({
          DATABASE_URL: 'postgres://root:db-Pa55word@db.example:5432/klientadmin',
          REDIS_URL: 'http://:redis-Pa55word@cache.example:6379',
          SMTP_URL: 'https://mailer:smtp-Pa55word@smtp.example:587',
        });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toHaveLength(3);
    for (const text of [error.message, ...error.problems]) expect(text).not.toMatch(/Pa55word/);
    expect(error.message).toContain('postgres://root:***@db.example:5432/klientadmin');
    expect(error.message).toContain('http://:***@cache.example:6379');
    expect(error.message).toContain('https://mailer:***@smtp.example:587');
  });

  it('redacts a password in a value that is not even a valid URL, and a password parameter', () => {
    expect(redactCredentials('got "mysql://root:p@ss/w rd"')).toBe('got "mysql://root:***@ss/w rd"');
    expect(redactCredentials('mysql://root:pa@ss/word@host:3306/db')).toBe('mysql://root:***@host:3306/db');
    expect(redactCredentials('redis://cache.example:6379/0?password=hunter2&db=1')).toBe('redis://cache.example:6379/0?password=***&db=1');
    expect(redactCredentials('mysql://root@127.0.0.1:3306/klientadmin')).toBe('mysql://root@127.0.0.1:3306/klientadmin');
  });
});

describe('upload and export settings (S8, S9)', () => {
  it('have their defaults: 200 MiB, the six kinds of file the server checks, URLs for one hour, exports for seven days', () => {
    expect(loadConfig({})).toMatchObject({
      archiveUploadMaxBytes: 209715200,
      archiveUploadUrlTtlSeconds: 3600,
      archiveExportTtlSeconds: 604800,
      archiveUploadContentTypes: ['application/pdf', 'application/xml', 'text/xml', 'text/csv', 'text/plain', 'image/png', 'image/jpeg', 'application/zip'],
      archiveUploadSecretIsDerived: true,
    });
  });

  it('are checked at start-up, every bad value named', () => {
    const problems = problemsOf({ ARCHIVE_UPLOAD_MAX_BYTES: '0', ARCHIVE_UPLOAD_URL_TTL: '1h', ARCHIVE_EXPORT_TTL: '-1', ARCHIVE_UPLOAD_CONTENT_TYPES: 'application/pdf,application/msword' });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/ARCHIVE_UPLOAD_URL_TTL[\s\S]*ARCHIVE_EXPORT_TTL[\s\S]*ARCHIVE_UPLOAD_MAX_BYTES[\s\S]*ARCHIVE_UPLOAD_CONTENT_TYPES/);
    expect(loadConfig({ ARCHIVE_UPLOAD_CONTENT_TYPES: 'Application/PDF, text/csv', ARCHIVE_UPLOAD_MAX_BYTES: '1048576' })).toMatchObject({ archiveUploadContentTypes: ['application/pdf', 'text/csv'], archiveUploadMaxBytes: 1048576 });
  });

  it('production refuses a weak ARCHIVE_UPLOAD_SECRET, as it does a signing secret; unset, the key is derived from AUTH_JWT_SECRET', () => {
    const base = { NODE_ENV: 'production', AUTH_JWT_SECRET: randomBytes(32).toString('base64') };
    const derived = loadConfig(base);
    expect(derived.archiveUploadSecretIsDerived).toBe(true);
    expect(derived.archiveUploadSecret).not.toBe(base.AUTH_JWT_SECRET);
    expect(Buffer.from(derived.archiveUploadSecret, 'base64')).toHaveLength(32);
    expect(loadConfig({ ...base, AUTH_JWT_SECRET: randomBytes(32).toString('base64') }).archiveUploadSecret).not.toBe(derived.archiveUploadSecret);
    for (const weak of ['a'.repeat(32), 'short', DEVELOPMENT_UPLOAD_SECRET]) {
      const problems = problemsOf({ ...base, ARCHIVE_UPLOAD_SECRET: weak });
      expect(problems).toEqual([expect.stringMatching(/^ARCHIVE_UPLOAD_SECRET /)]);
      expect(problems[0]).not.toContain(weak);
    }
    expect(problemsOf({ ...base, ARCHIVE_UPLOAD_SECRET: randomBytes(32).toString('hex') })).toEqual([]);
    expect(loadConfig({ ARCHIVE_UPLOAD_SECRET: 'a'.repeat(32) }).warnings).toEqual([expect.stringMatching(/^ARCHIVE_UPLOAD_SECRET has too little entropy/)]);
  });
});

describe('archive storage settings (DESIGN S10)', () => {
  const S3 = { ARCHIVE_STORAGE: 's3', S3_BUCKET: 'klientadmin-archive', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_FORCE_PATH_STYLE: 'true', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'secret-value' };

  it('defaults to the local folder, streamed downloads, no backup, a weekly fixity check at 20 MiB/s', () => {
    expect(loadConfig({})).toMatchObject({
      archiveStorage: { kind: 'local', dir: './var/archive' },
      archiveBackup: null,
      archiveDownloads: 'stream',
      archiveDirectUploads: false,
      archiveFixitySchedule: '0 3 * * 0',
      archiveFixityBytesPerSecond: 20 * 1024 * 1024,
    });
  });

  it('reads the S3 settings by the contract names; uploads go straight to the bucket unless told otherwise', () => {
    expect(loadConfig({ ...S3, S3_PREFIX: 'klientadmin/archive' })).toMatchObject({
      archiveStorage: { kind: 's3', s3: { endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', bucket: 'klientadmin-archive', prefix: 'klientadmin/archive/', forcePathStyle: true, accessKeyId: 'id', secretAccessKey: 'secret-value' } },
      archiveDirectUploads: true,
    });
    expect(loadConfig({ ...S3, ARCHIVE_DIRECT_UPLOADS: 'false' }).archiveDirectUploads).toBe(false);
  });

  it('names every bad storage setting, never a credential', () => {
    const problems = problemsOf({ ARCHIVE_STORAGE: 's3', S3_ENDPOINT: 'ftp://x', S3_ACCESS_KEY_ID: 'id-only', ARCHIVE_DOWNLOADS: 'fast', ARCHIVE_FIXITY_SCHEDULE: 'weekly', ARCHIVE_FIXITY_RATE: '0' });
    expect(problems.join('\n')).toMatch(/S3_ENDPOINT[\s\S]*S3_BUCKET is required[\s\S]*S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together[\s\S]*ARCHIVE_DOWNLOADS[\s\S]*ARCHIVE_FIXITY_SCHEDULE[\s\S]*ARCHIVE_FIXITY_RATE/);
    expect(problemsOf({ ARCHIVE_STORAGE: 'nfs' })).toEqual(['ARCHIVE_STORAGE must be local or s3 (got "nfs")']);
    expect(problemsOf({ ARCHIVE_DOWNLOADS: 'redirect' })[0]).toContain('needs ARCHIVE_STORAGE=s3');
    expect(problemsOf({ ...S3, S3_ENDPOINT: 'http://user:secret-value@127.0.0.1:9000' }).join('\n')).not.toContain('secret-value');
  });

  it('GRAPHQL_EXECUTION: compiled by default, interpreted on request, anything else refused', () => {
    expect(loadConfig({}).graphqlExecution).toBe('compiled');
    expect(loadConfig({ GRAPHQL_EXECUTION: 'interpreted' }).graphqlExecution).toBe('interpreted');
    expect(problemsOf({ GRAPHQL_EXECUTION: 'jit' })).toEqual(['GRAPHQL_EXECUTION must be compiled or interpreted (got "jit")']);
  });

  it('a backup must be kept apart from the original', () => {
    expect(problemsOf({ ARCHIVE_BACKUP: 'local', ARCHIVE_BACKUP_DIR: './var/archive/' })[0]).toContain('must be kept apart');
    expect(problemsOf({ ...S3, ARCHIVE_BACKUP: 's3', ARCHIVE_BACKUP_S3_BUCKET: 'klientadmin-archive' })[0]).toContain('must be kept apart');
    expect(loadConfig({ ...S3, ARCHIVE_BACKUP: 's3', ARCHIVE_BACKUP_S3_BUCKET: 'klientadmin-backup' }).archiveBackup).toMatchObject({
      kind: 's3',
      s3: { endpoint: 'http://127.0.0.1:9000', bucket: 'klientadmin-backup', prefix: '', accessKeyId: 'id' },
    });
    expect(loadConfig({ ARCHIVE_BACKUP: 'local', ARCHIVE_BACKUP_DIR: '/mnt/backup/archive' }).archiveBackup).toEqual({ kind: 'local', dir: '/mnt/backup/archive' });
  });
});
