import { spawn } from 'node:child_process';
import path from 'node:path';

/** The product's own entry point (`npm start` runs its build) as a child process, from the sources. */
const MAIN = path.join(__dirname, '..', '..', 'src', 'main.ts');
const TS_REGISTER = path.join(__dirname, '..', 'jobs', 'child', 'ts-register.js');
/** What the tests' environment may carry that would change how the product starts. */
const PRODUCT_VARIABLES = /^(NODE_ENV|DATABASE_URL|REDIS_URL|QUEUE_PREFIX|PORT|WORKER_PORT|AUTH_JWT_.*|ARCHIVE_.*|S3_.*|SMTP_.*|LOG_LEVEL|LOAD_DEMO_DATA|CLOCK_OFFSET|GLOBAL_ID_SECRET|GRAPHQL_EXPLORER.*|API_WORKERS|METRICS_.*)$/;

export interface ProductProcess {
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

export function startProduct(mode: 'all' | 'api', env: Record<string, string>): ProductProcess {
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

/** Waits until the product's output shows `text` (or the predicate holds for all of its output). */
export async function until(product: ProductProcess, text: string | RegExp | ((stdout: string) => boolean), timeoutMs: number): Promise<void> {
  const started = Date.now();
  let exited = false;
  void product.exited.then(() => (exited = true));
  const found = () => (typeof text === 'string' ? product.stdout.includes(text) : typeof text === 'function' ? text(product.stdout) : text.test(product.stdout));
  while (!found()) {
    if (exited || Date.now() - started > timeoutMs) {
      throw new Error(`the product did not print "${text}"; stdout:\n${product.stdout.slice(-4000)}\nstderr:\n${product.stderr.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
