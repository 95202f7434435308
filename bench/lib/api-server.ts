import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { BENCH_JWT_SECRET, BENCH_UPLOAD_SECRET, REDIS_URL } from './database';

/** The compiled entry point, next to this file in dist/. */
export const MAIN_JS = path.resolve(__dirname, '..', '..', 'src', 'main.js');
/**
 * The flags package.json's start scripts run the API with (a larger young generation: a page of clients makes many
 * short-lived objects). `start:worker` runs without them.
 */
export const API_NODE_ARGS = ['--max-semi-space-size=64'];

export interface ApiServer {
  url: string;
  child: ChildProcess;
  /** CPU seconds (user + system) the process has used so far. */
  cpuSeconds(): number;
  /** Peak resident memory of the process so far (VmHWM), MiB. */
  peakRssMiB(): number;
  stop(): Promise<void>;
}

/** Peak resident set size of a process (Linux VmHWM), MiB. */
export function peakRssMiBOf(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 102.4) / 10 : NaN;
}

/**
 * CPU seconds a process and its living child processes (the API's processes under API_WORKERS) have used, from /proc
 * (Linux): what a request costs, whatever else the machine is doing.
 */
export function cpuSecondsOf(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  // After "pid (comm) ", utime and stime are the 12th and 13th fields, in clock ticks (100 per second on Linux).
  let seconds = (Number(fields[11]) + Number(fields[12])) / 100;
  for (const child of childrenOf(pid)) seconds += cpuSecondsOf(child);
  return seconds;
}

function childrenOf(pid: number): number[] {
  try {
    return fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((task) => fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
  } catch {
    return []; // gone meanwhile
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `node dist/src/main.js <mode>` as a child process, so the load generator never shares its event loop. Resolves once
 * /readyz answers 200 (API) or the process has been up for `settleMs` (worker).
 */
export async function startProductProcess(options: {
  mode: 'api' | 'worker' | 'all';
  databaseUrl: string;
  queuePrefix: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
}): Promise<ApiServer> {
  const port = await freePort();
  // BENCH_CPU_PROF=<dir> profiles the product process (node --cpu-prof) to find out where a missed target's time goes.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, ...(options.mode === 'worker' ? [] : API_NODE_ARGS), ...(options.nodeArgs ?? []), MAIN_JS, options.mode], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: options.databaseUrl,
      REDIS_URL,
      QUEUE_PREFIX: options.queuePrefix,
      PORT: String(port),
      AUTH_JWT_SECRET: BENCH_JWT_SECRET,
      ARCHIVE_UPLOAD_SECRET: BENCH_UPLOAD_SECRET,
      LOG_LEVEL: 'warn',
      LOAD_DEMO_DATA: 'false',
      // The load comes from a handful of users on one address: the product's rate limits would measure themselves.
      RATE_LIMIT_PER_USER: '0',
      RATE_LIMIT_PER_IP: '0',
      ...options.env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return superviseChild(child, `the ${options.mode} process`, `http://127.0.0.1:${port}`, options.mode === 'worker' ? 'settle' : 'readyz');
}

/**
 * Waits until a started server answers /readyz with 200 (or, for a process without an HTTP port of its own, has been
 * up for 1.5 s), and gives it the benchmarks' handle: its CPU and peak memory, and a stop that waits for its exit.
 */
export async function superviseChild(child: ChildProcess, label: string, url: string, ready: 'readyz' | 'settle'): Promise<ApiServer> {
  let exited: string | null = null;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? code}`;
      resolve();
    }),
  );
  const deadline = Date.now() + 60_000;
  if (ready === 'settle') {
    await new Promise((resolve) => setTimeout(resolve, 1500));
  } else {
    for (;;) {
      if (exited) throw new Error(`${label} ${exited} before it was ready`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${label} did not become ready within 60 s`);
      }
      const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  if (exited) throw new Error(`${label} ${exited} right after start`);
  return {
    url,
    child,
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    peakRssMiB: () => peakRssMiBOf(child.pid!),
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

export function startApiServer(databaseUrl: string, queuePrefix: string, env?: Record<string, string>): Promise<ApiServer> {
  return startProductProcess({ mode: 'api', databaseUrl, queuePrefix, env });
}
