import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { TokenService } from '../src/auth/jwt';
import { systemClock } from '../src/common/clock';
import { toGlobalId, useGlobalIdKey } from '../src/common/global-id';
import { InstallationKeyKind } from '../src/db/installation-key.entity';
import { startProductProcess, type ApiServer } from './lib/api-server';
import { benchConfig, createBenchDatabase, dropOnInterrupt } from './lib/database';
import { endForYear2025, round, seedLedgerClient } from './lib/ledger';
import { ratio, report, secondsSince, Target } from './lib/report';

const MiB = 1024 * 1024;
/** The upload: one file of the default maximum size. */
const UPLOAD_BYTES = Number(process.env.BENCH_UPLOAD_MIB ?? 200) * MiB;
/** The package: a folder of this many such files (5 × 200 MiB ≈ 1 GiB). */
const FOLDER_FILES = Number(process.env.BENCH_FOLDER_FILES ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Resident memory of a process now (Linux VmRSS), MiB. */
function rssMiBOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** Samples a process's RSS every 20 ms while `work` runs; the highest sample. */
async function peakRssDuring<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peakMiB: number }> {
  let peak = rssMiBOf(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMiBOf(pid))), 20);
  try {
    const result = await work();
    return { result, peakMiB: Math.max(peak, rssMiBOf(pid)) };
  } finally {
    clearInterval(timer);
  }
}

/** A plain fs copy of a file (read stream → write stream, then fsync, as the archive storage does), seconds. */
async function fsCopy(from: string[], to: string, fsync: boolean): Promise<number> {
  const started = process.hrtime.bigint();
  for (const [i, file] of from.entries()) {
    const target = `${to}.${i}`;
    await pipeline(fs.createReadStream(file), fs.createWriteStream(target));
    if (fsync) {
      const handle = await fs.promises.open(target, 'r');
      await handle.sync();
      await handle.close();
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  for (const [i] of from.entries()) fs.rmSync(`${to}.${i}`, { force: true });
  return seconds;
}

async function gql(api: ApiServer, token: string, query: string, variables: unknown): Promise<any> {
  const res = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** PUTs a file to a URL with Content-Length, streamed; resolves with the status. */
function putFile(url: string, file: string, size: number, contentType: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PUT', headers: { 'content-type': contentType, 'content-length': String(size) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    fs.createReadStream(file).pipe(req);
  });
}

/** GETs a URL and counts the bytes; rejects when fewer than Content-Length arrive. */
function download(url: string, token: string): Promise<{ bytes: number; status: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('error', reject);
        res.on('end', () => {
          const expected = Number(res.headers['content-length']);
          if (res.statusCode === 200 && bytes !== expected) reject(new Error(`received ${bytes} of ${expected} bytes`));
          else resolve({ bytes, status: res.statusCode ?? 0 });
        });
      })
      .on('error', reject);
  });
}

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const loadAverageAtStart = os.loadavg().map((n) => round(n, 2));
  const db = await createBenchDatabase('archive-io');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ka-bench-io-'));
  const archiveDir = path.join(work, 'archive');
  dropOnInterrupt(db, async () => fs.rmSync(work, { recursive: true, force: true }));
  let api: ApiServer | undefined;
  try {
    // One ended relationship of Benk Regnskap, whose ARCHIVE user uploads into fiscal year 2025 and downloads it.
    const clientId = 'c-bench-io';
    const { relationshipId } = await seedLedgerClient(db.pool, clientId, '987650001');
    await endForYear2025(db.pool, relationshipId);
    await db.pool.query("INSERT INTO partner_memberships (user_id, partner_id, rights) VALUES ('u-bench', 'p-bench', 'CLIENT_ADMIN,ARCHIVE')");

    // The file: a PDF header and random bytes (nothing compresses, nothing is cached by content).
    const source = path.join(work, 'source.pdf');
    const hash = createHash('sha256');
    const out = fs.createWriteStream(source);
    const header = Buffer.from('%PDF-1.7\n');
    hash.update(header);
    out.write(header);
    for (let written = header.length; written < UPLOAD_BYTES; ) {
      const chunk = randomBytes(Math.min(4 * MiB, UPLOAD_BYTES - written));
      hash.update(chunk);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      written += chunk.length;
    }
    await new Promise<void>((resolve) => out.end(() => resolve()));
    const sha256 = hash.digest('hex');

    api = await startProductProcess({ mode: 'api', databaseUrl: db.url, queuePrefix: db.queuePrefix, env: { ARCHIVE_DIR: archiveDir } });
    const pid = api.child.pid!;
    const token = await new TokenService(benchConfig(db.url, db.queuePrefix), systemClock).issue('u-bench');
    // The API (production mode) encrypts ids with the installation's own key: make them with the same one.
    const [[idKey]] = await db.pool.query<any[]>('SELECT secret FROM installation_keys WHERE id = ?', [InstallationKeyKind.GLOBAL_IDS]);
    useGlobalIdKey(idKey.secret, { acceptLegacy: false });
    const relationshipGid = toGlobalId('CustomerRelationship', relationshipId);
    const UPLOADS = 'mutation($input: CreateArchiveUploadsInput!) { createArchiveUploads(input: $input) { uploads { id uploadUrl } userErrors { code message } } }';
    const COMPLETE = 'mutation($input: CompleteArchiveUploadInput!) { completeArchiveUpload(input: $input) { document { id byteSize } userErrors { code message } } }';

    // Upload: the product's PUT against a plain fs copy of the same bytes, alternately, in the same run.
    const uploads: Array<{ seconds: number; mibPerSecond: number; idleRssMiB: number; peakRssMiB: number; completeSeconds: number }> = [];
    const copies: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      copies.push(await fsCopy([source], path.join(work, 'copy'), true));
      const item = { relationshipId: relationshipGid, fiscalYear: 2025, kind: 'BANK_STATEMENT', fileName: `kontoutskrift-${run}.pdf`, contentType: 'application/pdf', byteSize: UPLOAD_BYTES, sha256 };
      const reserved = (await gql(api, token, UPLOADS, { input: { items: [item] } })).createArchiveUploads;
      if (reserved.userErrors.length) throw new Error(JSON.stringify(reserved.userErrors));
      const [upload] = reserved.uploads;
      const idleRssMiB = rssMiBOf(pid);
      const t0 = process.hrtime.bigint();
      const { result: status, peakMiB } = await peakRssDuring(pid, () => putFile(`${api!.url}${upload.uploadUrl}`, source, UPLOAD_BYTES, 'application/pdf'));
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (status !== 200) throw new Error(`PUT answered ${status}`);
      const t1 = process.hrtime.bigint();
      const done = (await gql(api, token, COMPLETE, { input: { uploadId: upload.id } })).completeArchiveUpload;
      if (done.userErrors.length) throw new Error(JSON.stringify(done.userErrors));
      uploads.push({ seconds, mibPerSecond: UPLOAD_BYTES / MiB / seconds, idleRssMiB, peakRssMiB: peakMiB, completeSeconds: Number(process.hrtime.bigint() - t1) / 1e9 });
    }

    // The package: the folder holds the uploads above plus copies of the same file, FOLDER_FILES in all (~1 GiB).
    const [{ n: have }] = (await db.pool.query<any[]>('SELECT COUNT(*) AS n FROM archive_documents WHERE relationship_id = ?', [relationshipId]))[0];
    for (let i = Number(have); i < FOLDER_FILES; i++) {
      const key = `${clientId}/${relationshipId}/2025/uploads/bench/${i}`;
      fs.mkdirSync(path.dirname(path.join(archiveDir, key)), { recursive: true });
      fs.copyFileSync(source, path.join(archiveDir, key));
      await db.pool.query(
        `INSERT INTO archive_documents (relationship_id, client_id, kind, fiscal_year, fiscal_year_end, file_name, content_type, byte_size, sha256, storage_key, created_at, source, upload_id)
         VALUES (?, ?, 'BANK_STATEMENT', 2025, '2025-12-31', ?, 'application/pdf', ?, ?, ?, NOW(3), 'UPLOADED', ?)`,
        [relationshipId, clientId, `kopi-${i}.pdf`, UPLOAD_BYTES, sha256, key, 1_000_000 + i],
      );
    }
    const [documents] = await db.pool.query<any[]>('SELECT storage_key, byte_size FROM archive_documents WHERE relationship_id = ?', [relationshipId]);
    const folderBytes = documents.reduce((sum: number, d: { byte_size: string }) => sum + Number(d.byte_size), 0);
    const folderFiles = documents.map((d: { storage_key: string }) => path.join(archiveDir, ...d.storage_key.split('/')));
    const packages: Array<{ seconds: number; mibPerSecond: number; bytes: number; idleRssMiB: number; peakRssMiB: number }> = [];
    const folderCopies: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      folderCopies.push(await fsCopy(folderFiles, path.join(work, 'folder-copy'), false));
      const idleRssMiB = rssMiBOf(pid);
      const t0 = process.hrtime.bigint();
      const { result, peakMiB } = await peakRssDuring(pid, () => download(`${api!.url}/archive/packages/${relationshipGid}`, token));
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (result.status !== 200) throw new Error(`package answered ${result.status}`);
      packages.push({ seconds, mibPerSecond: folderBytes / MiB / seconds, bytes: result.bytes, idleRssMiB, peakRssMiB: peakMiB });
    }

    const uploadMiBs = median(uploads.map((u) => u.mibPerSecond));
    const copyMiBs = median(copies.map((s) => UPLOAD_BYTES / MiB / s));
    const uploadRssGrowth = Math.max(...uploads.map((u) => u.peakRssMiB - u.idleRssMiB));
    const packageMiBs = median(packages.map((p) => p.mibPerSecond));
    const folderCopyMiBs = median(folderCopies.map((s) => folderBytes / MiB / s));
    const packageRssGrowth = Math.max(...packages.map((p) => p.peakRssMiB - p.idleRssMiB));
    const uploadRatio = ratio(uploadMiBs, copyMiBs);
    const packageRatio = ratio(packageMiBs, folderCopyMiBs);
    const targets: Target[] = [
      { name: 'upload throughput >= 50% of a plain fs copy', target: '>= 0.5', value: uploadRatio, pass: uploadRatio !== null && uploadRatio >= 0.5 },
      { name: 'API peak RSS during the upload < 100 MiB above idle', target: '< 100 MiB', value: round(uploadRssGrowth), pass: uploadRssGrowth < 100 },
      { name: 'package download RSS flat (< 100 MiB above idle) for a 1 GiB folder', target: '< 100 MiB', value: round(packageRssGrowth), pass: packageRssGrowth < 100 },
    ];
    await report(
      db.pool,
      {
        benchmark: 'archive-io',
        description: `PUT of a ${UPLOAD_BYTES / MiB} MiB file to its signed upload URL (streamed to the archive storage, counted, hashed, fsynced) and GET of the BagIt package of a ${round(folderBytes / MiB / 1024, 2)} GiB folder, against a plain fs copy of the same bytes in the same run`,
        parameters: { uploadBytes: UPLOAD_BYTES, folderFiles: documents.length, folderBytes, runs: RUNS, loadAverageAtStart, api: 'node dist/src/main.js api, NODE_ENV=production, on loopback' },
        figures: {
          upload: { mibPerSecondMedian: round(uploadMiBs), runs: uploads.map((u) => ({ ...u, seconds: round(u.seconds, 2), mibPerSecond: round(u.mibPerSecond), idleRssMiB: round(u.idleRssMiB), peakRssMiB: round(u.peakRssMiB), completeSeconds: round(u.completeSeconds, 2) })) },
          package: { mibPerSecondMedian: round(packageMiBs), runs: packages.map((p) => ({ ...p, seconds: round(p.seconds, 2), mibPerSecond: round(p.mibPerSecond), idleRssMiB: round(p.idleRssMiB), peakRssMiB: round(p.peakRssMiB) })) },
          apiPeakRssMiB: api.peakRssMiB(),
        },
        baseline: {
          uploadFsCopyWithFsync: { mibPerSecondMedian: round(copyMiBs), seconds: copies.map((s) => round(s, 2)) },
          folderFsCopy: { mibPerSecondMedian: round(folderCopyMiBs), seconds: folderCopies.map((s) => round(s, 2)) },
        },
        ratio: { uploadVsFsCopy: uploadRatio, packageVsFsCopy: packageRatio, uploadRssGrowthMiB: round(uploadRssGrowth), packageRssGrowthMiB: round(packageRssGrowth) },
        targets,
        notes: [
          'The upload is compared with a read-stream → write-stream copy followed by fsync (the storage fsyncs what it keeps); the package with the same copy of the folder\'s files without fsync (a download keeps nothing).',
          'RSS is sampled from /proc/<pid>/status every 20 ms while the transfer runs; idle is the sample just before it.',
          `total run time ${secondsSince(started)} s`,
        ],
      },
      `upload ${round(uploadMiBs)} MiB/s (${uploadRatio}x fs copy ${round(copyMiBs)} MiB/s), +${round(uploadRssGrowth)} MiB RSS; package ${round(packageMiBs)} MiB/s (${packageRatio}x fs copy ${round(folderCopyMiBs)} MiB/s), +${round(packageRssGrowth)} MiB RSS`,
    );
  } finally {
    await api?.stop();
    fs.rmSync(work, { recursive: true, force: true });
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
