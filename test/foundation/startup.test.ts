import { spawn } from 'node:child_process';
import path from 'node:path';
import { openDatabase, openRedis, StartupError } from '../../src/boot';
import { DEVELOPMENT_JWT_SECRET, loadConfig } from '../../src/config/config';

async function messageOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(StartupError);
    return (error as Error).message;
  }
  throw new Error('expected a StartupError');
}

describe('start-up says which service is missing, where it looked, and how to start it', () => {
  it('MySQL unreachable (and never its password)', async () => {
    const config = loadConfig({ DATABASE_URL: 'mysql://root:Db-Pa55word@127.0.0.1:1/klientadmin' });
    const message = await messageOf(() => openDatabase(config, { migrate: false }));
    expect(message).toContain('Cannot reach MySQL at 127.0.0.1:1 (DATABASE_URL): ECONNREFUSED');
    expect(message).toContain('docker compose up -d');
    expect(message).not.toContain('Pa55word');
  });

  it('Redis unreachable (and never its password)', async () => {
    const config = loadConfig({ REDIS_URL: 'redis://:Redis-Pa55word@127.0.0.1:1' });
    const message = await messageOf(() => openRedis(config));
    expect(message).toContain('Cannot reach Redis at 127.0.0.1:1 (REDIS_URL): ECONNREFUSED');
    expect(message).toContain('docker compose up -d');
    expect(message).not.toContain('Pa55word');
  });
});

/** The product's own entry point (`npm start` runs its build) as a child process, from the sources. */
const MAIN = path.join(__dirname, '..', '..', 'src', 'main.ts');
const TS_REGISTER = path.join(__dirname, '..', 'jobs', 'child', 'ts-register.js');
/** What the tests' environment may carry that would change how the product starts. */
const PRODUCT_VARIABLES = /^(NODE_ENV|DATABASE_URL|REDIS_URL|QUEUE_PREFIX|PORT|WORKER_PORT|AUTH_JWT_.*|ARCHIVE_DIR|SMTP_.*|LOG_LEVEL|LOAD_DEMO_DATA)$/;

interface ProductProcess {
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

function startProduct(mode: 'all' | 'api', env: Record<string, string>): ProductProcess {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !PRODUCT_VARIABLES.test(name)));
  const child = spawn(process.execPath, ['-r', TS_REGISTER, MAIN, mode], { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const product: ProductProcess = {
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
    /** SIGTERM as a service manager sends it; SIGKILL if it has not stopped after 30 s. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return product.exited;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await product.exited;
      clearTimeout(killer);
      return code;
    },
  };
  child.stdout.on('data', (d) => (product.stdout += d));
  child.stderr.on('data', (d) => (product.stderr += d));
  return product;
}

describe('starting the product in production', () => {
  it('refuses a published signing secret before connecting to anything, naming the variable, not the value; no URL password is printed', async () => {
    const product = startProduct('api', {
      NODE_ENV: 'production',
      AUTH_JWT_SECRET: DEVELOPMENT_JWT_SECRET,
      DATABASE_URL: 'mysql://root:Db-Pa55word@127.0.0.1:1/klientadmin',
      REDIS_URL: 'redis://:Redis-Pa55word@127.0.0.1:1',
      SMTP_URL: 'http://mailer:Smtp-Pa55word@smtp.example:587',
    });
    expect(await product.exited).toBe(1);
    const output = product.stdout + product.stderr;
    expect(product.stderr).toContain("AUTH_JWT_SECRET is a value published in Klient Admin's source code or documentation");
    expect(product.stderr).toContain('SMTP_URL must start with smtp:// or smtps:// (got "http://mailer:***@smtp.example:587")');
    expect(output).not.toContain('Cannot reach');
    expect(output).not.toContain(DEVELOPMENT_JWT_SECRET);
    expect(output).not.toContain('Pa55word');
  }, 120_000);

});
