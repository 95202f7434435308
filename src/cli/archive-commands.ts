import { LocalFolderStorage, type ArchiveStorage } from '../archive/archive-storage';
import { verifyArchive } from '../archive/fixity';
import { migrateStorage } from '../archive/migrate-storage';
import { S3ObjectStorage } from '../archive/s3-storage';
import { fixityDeps, type Runtime } from '../runtime';

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * `archive verify [--client <id>]` and `archive migrate-storage --to s3|local` (DESIGN S10). Returns the exit code; 2
 * for a usage error.
 */
export async function runArchiveCommand(runtime: Runtime, args: string[]): Promise<number> {
  const { config, dataSource, logger, services } = runtime;
  const [sub, ...rest] = args;
  if (sub === 'verify') {
    let clientId: string | undefined;
    if (rest.length === 2 && rest[0] === '--client') clientId = rest[1];
    else if (rest.length !== 0) return 2;
    const summary = await verifyArchive(fixityDeps(runtime), { clientId });
    const rate = summary.seconds > 0 ? `${mib(summary.bytesRead / summary.seconds)}/s` : '-';
    console.log(`Checked ${summary.documents} archive documents${clientId ? ` of client ${clientId}` : ''} (${mib(summary.bytesRead)} read in ${summary.seconds.toFixed(1)} s, ${rate}).`);
    console.log(`  intact:               ${summary.intact}`);
    console.log(`  originals repaired:   ${summary.repairedOriginals}`);
    console.log(`  backups repaired:     ${summary.repairedBackups}`);
    console.log(`  damaged (no intact copy): ${summary.damaged}${summary.newlyDamaged ? ` (${summary.newlyDamaged} new: audited, partners notified)` : ''}`);
    if (summary.unreadable) console.log(`  not readable now:     ${summary.unreadable} (see the log; checked again next run)`);
    console.log(`Original: ${services.archiveStorage.description}. Backup: ${services.archiveBackupStorage?.description ?? 'none (ARCHIVE_BACKUP)'}.`);
    return summary.damaged > 0 || summary.unreadable > 0 ? 1 : 0;
  }
  if (sub === 'migrate-storage') {
    if (rest.length !== 2 || rest[0] !== '--to' || (rest[1] !== 's3' && rest[1] !== 'local')) return 2;
    if (config.archiveStorage.kind !== 's3') return 2;
    const local = new LocalFolderStorage(config.archiveDir);
    const s3 = new S3ObjectStorage(config.archiveStorage.s3);
    const [from, to]: [ArchiveStorage, ArchiveStorage] = rest[1] === 's3' ? [local, s3] : [s3, local];
    try {
      console.log(`Copying the archive from ${from.description} to ${to.description}, verifying every file.`);
      const summary = await migrateStorage({
        dataSource,
        logger,
        from,
        to,
        onFile: (done) => {
          if (done % 500 === 0) console.log(`  ${done} files…`);
        },
      });
      console.log(`${summary.files} files: ${summary.copied} copied (${mib(summary.bytesCopied)}), ${summary.alreadyThere} already there and verified.`);
      for (const key of summary.missing) console.log(`  missing from the source, not copied: ${key}`);
      for (const key of summary.mismatched) console.log(`  not the recorded SHA-256 in the source, not copied: ${key}`);
      if (summary.missing.length || summary.mismatched.length) {
        console.log('Run `npm run cli -- archive verify` after switching: it repairs these from the backup copy if there is one, or reports them.');
        return 1;
      }
      console.log(`Done. Set ARCHIVE_STORAGE=${rest[1]} and restart the API and worker processes; the source is left as it was.`);
      return 0;
    } finally {
      s3.close();
    }
  }
  return 2;
}
