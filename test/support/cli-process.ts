import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { TestApp } from './test-app';

const ROOT = path.resolve(__dirname, '../..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `npm run cli -- <args>` against the test app's database and Redis, run from the sources as the built CLI would run.
 * `env` adds to the app's settings (storage, for example). A CLI that hangs is killed after `timeoutMs`, so it fails
 * the test instead of holding the run.
 */
export function runCli(app: TestApp, args: string[], env: Record<string, string> = {}, timeoutMs = 100_000): Promise<CliRun> {
  const config = app.opened.runtime.config;
  const child = spawn(process.execPath, ['-r', path.join(ROOT, 'test/jobs/child/ts-register.js'), path.join(ROOT, 'src/cli/index.ts'), ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: config.databaseUrl,
      REDIS_URL: config.redisUrl,
      QUEUE_PREFIX: config.queuePrefix,
      AUTH_JWT_SECRET: config.authJwtSecret,
      ARCHIVE_DIR: config.archiveDir,
      LOG_LEVEL: 'silent',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: CliRun = { code: null, stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (run.stdout += d));
  child.stderr.on('data', (d) => (run.stderr += d));
  const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ ...run, code });
    }),
  );
}
