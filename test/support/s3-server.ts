import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// s3rver (npm) is the S3 protocol peer of the tests: a real HTTP S3 server on loopback, no install beyond `npm ci`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');

export const TEST_BUCKET = 'klientadmin-archive';
export const TEST_BACKUP_BUCKET = 'klientadmin-backup';

/** A running S3 server with the two buckets, and the environment that points the product at it. */
export interface TestS3Server {
  endpoint: string;
  /** ARCHIVE_STORAGE=s3 and the S3_* variables (the backup bucket is another bucket on the same server). */
  env: Record<string, string>;
  /** ARCHIVE_BACKUP=s3 in the backup bucket. */
  backupEnv: Record<string, string>;
  close(): Promise<void>;
}

export async function startS3Server(): Promise<TestS3Server> {
  const directory = mkdtempSync(path.join(tmpdir(), 'klientadmin-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: TEST_BUCKET }, { name: TEST_BACKUP_BUCKET }] });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const common = { S3_ENDPOINT: endpoint, S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', S3_FORCE_PATH_STYLE: 'true' };
  return {
    endpoint,
    env: { ARCHIVE_STORAGE: 's3', S3_BUCKET: TEST_BUCKET, S3_PREFIX: 'archive', ...common },
    backupEnv: {
      ARCHIVE_BACKUP: 's3',
      ARCHIVE_BACKUP_S3_ENDPOINT: endpoint,
      ARCHIVE_BACKUP_S3_BUCKET: TEST_BACKUP_BUCKET,
      ARCHIVE_BACKUP_S3_ACCESS_KEY_ID: 'S3RVER',
      ARCHIVE_BACKUP_S3_SECRET_ACCESS_KEY: 'S3RVER',
      ARCHIVE_BACKUP_S3_FORCE_PATH_STYLE: 'true',
    },
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Whether this jest project runs the archive on S3 (the `s3` project sets it). */
export function archiveOnS3(): boolean {
  return process.env.TEST_ARCHIVE_STORAGE === 's3';
}
