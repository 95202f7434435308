import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type mysql from 'mysql2/promise';

/** bench/results in the source tree (this file runs from dist/bench/lib). */
export const RESULTS_DIR = path.resolve(__dirname, '..', '..', '..', 'bench', 'results');

export interface Target {
  /** What is compared, in words. */
  name: string;
  /** The target, e.g. "< 25 ms". */
  target: string;
  /** The measured value the target is checked against. */
  value: number | string | null;
  pass: boolean;
}

export interface MachineFacts {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  platform: string;
  node: string;
  mariadb: string;
  innodbBufferPoolMiB: number;
  innodbFlushLogAtTrxCommit: string;
  /** 1/5/15-minute load averages when the results were written: other work on the machine skews latency. */
  loadAverage: number[];
}

export async function machineFacts(pool: mysql.Pool): Promise<MachineFacts> {
  const [rows] = await pool.query<mysql.RowDataPacket[]>(
    'SELECT VERSION() AS version, @@innodb_buffer_pool_size AS bufferPool, @@innodb_flush_log_at_trx_commit AS flush',
  );
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    mariadb: String(rows[0].version),
    innodbBufferPoolMiB: Math.round(Number(rows[0].bufferPool) / 2 ** 20),
    innodbFlushLogAtTrxCommit: String(rows[0].flush),
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

/** The commit measured, and whether the working tree had uncommitted changes (then the figures are for those too). */
export function gitState(): { commit: string; uncommittedChanges: boolean } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: path.resolve(RESULTS_DIR, '..', '..'), encoding: 'utf8' }).trim();
  try {
    return { commit: git('rev-parse', 'HEAD'), uncommittedChanges: git('status', '--porcelain', '--untracked-files=no', '--', 'src').length > 0 };
  } catch {
    return { commit: 'unknown', uncommittedChanges: true };
  }
}

export interface BenchResult {
  benchmark: string;
  description: string;
  parameters: Record<string, unknown>;
  figures: Record<string, unknown>;
  baseline: Record<string, unknown>;
  ratio: Record<string, unknown>;
  targets: Target[];
  notes?: string[];
}

/** Writes bench/results/<name>.json with the machine, date and commit, and prints one summary line. */
export async function report(pool: mysql.Pool, result: BenchResult, summary: string): Promise<void> {
  const pass = result.targets.every((t) => t.pass);
  const document = {
    benchmark: result.benchmark,
    description: result.description,
    date: new Date().toISOString(),
    git: gitState(),
    machine: await machineFacts(pool),
    parameters: result.parameters,
    figures: result.figures,
    baseline: result.baseline,
    ratio: result.ratio,
    targets: result.targets,
    pass,
    notes: result.notes ?? [],
  };
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, `${result.benchmark}.json`), `${JSON.stringify(document, null, 2)}\n`);
  const missed = result.targets.filter((t) => !t.pass).map((t) => t.name);
  console.log(`${result.benchmark}: ${summary} — ${pass ? 'all targets met' : `MISSED: ${missed.join('; ')}`}`);
}

/** Seconds since `start` (process.hrtime.bigint()), two decimals. */
export function secondsSince(start: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - start) / 1e7) / 100;
}

export const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 1000) / 1000);
