import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type mysql from 'mysql2/promise';
import { insertRows } from './database';
import type { PhaseResult } from './ledger-phase';

const PHASE_JS = path.join(__dirname, 'ledger-phase.js');
/** Synthetic SAF-T files are deterministic (seed 1): kept here between runs, written again only when missing. */
export const SAFT_CACHE_DIR = process.env.BENCH_SAFT_DIR ?? path.join(os.tmpdir(), 'klientadmin-bench');

/** Runs one phase in a fresh node process and returns what it printed. */
export function runPhase(...args: string[]): Promise<PhaseResult> {
  return new Promise((resolve, reject) => {
    // BENCH_CPU_PROF=<dir> profiles the phase (node --cpu-prof) to find out where a missed target's time goes.
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    // Without the API's --max-semi-space-size: the worker (generation) and the CLI (import) run without it, as
    // `npm run start:worker` and `npm run cli` do; a larger young generation cost them memory for no speed.
    const child = spawn(process.execPath, [...profile, PHASE_JS, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop();
      if (code !== 0 || !last) return reject(new Error(`phase ${args[0]} exited with ${code}`));
      resolve(JSON.parse(last) as PhaseResult);
    });
  });
}

/** A synthetic SAF-T 1.30 file of about `lines` lines for the organisation number (written once, then reused). */
export async function syntheticFile(lines: number, organizationNumber: string): Promise<{ file: string; written: PhaseResult | null }> {
  fs.mkdirSync(SAFT_CACHE_DIR, { recursive: true });
  const file = path.join(SAFT_CACHE_DIR, `saft-${organizationNumber}-${lines}-seed1.xml`);
  if (fs.existsSync(file)) return { file, written: null };
  const partial = `${file}.partial`;
  const written = await runPhase('write', partial, String(lines), organizationNumber);
  fs.renameSync(partial, file);
  return { file, written };
}

/** A partner, its administrator and one linked client with that organisation number, as the import would leave them. */
export async function seedLedgerClient(pool: mysql.Pool, clientId: string, organizationNumber: string): Promise<{ relationshipId: string }> {
  await pool.query("INSERT IGNORE INTO partners (id, name, partner_code, organization_number) VALUES ('p-bench', 'Benk Regnskap AS', 'BENCH', '911111111')");
  await pool.query("INSERT IGNORE INTO users (id, name, email) VALUES ('u-bench', 'Kari Benk', 'kari@benk.example')");
  await insertRows(pool, 'clients', ['id', 'name', 'organization_number', 'partner_id', 'partner_since', 'fiscal_year_start_month', 'subscription_admin_user_id'], [
    [clientId, `Benk ${organizationNumber} AS`, organizationNumber, 'p-bench', '2024-01-01', 1, 'u-bench'],
  ]);
  const [result] = await pool.query<mysql.ResultSetHeader>(
    "INSERT INTO customer_relationships (client_id, partner_id, status, partner_period_start) VALUES (?, 'p-bench', 'ACTIVE', '2024-01-01')",
    [clientId],
  );
  return { relationshipId: String(result.insertId) };
}

/** Ends the relationship for the calendar year 2025 with a generation date in 2026, as endCustomerRelationship would. */
export async function endForYear2025(pool: mysql.Pool, relationshipId: string): Promise<void> {
  await pool.query(
    "UPDATE customer_relationships SET status = 'ENDED', partner_period_end = '2026-01-15', responsibility_from = '2025-01', responsibility_to = '2025-12', generation_date = '2026-02-01', ended_at = NOW(3), ended_by_user_id = 'u-bench' WHERE id = ?",
    [relationshipId],
  );
}

/** What the generation writes into the folder for the one fiscal year (2025): the SAF-T file, the seven CSV and four PDF specifications and the archive index. */
export const YEAR_DOCUMENTS = 13;

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
