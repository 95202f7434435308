import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import type { ZipFile } from 'yazl';
import { DomainError } from '../common/domain-errors';
import type { ArchiveStorage } from './archive-storage';

/**
 * Archive folders as BagIt bags (RFC 8493; DESIGN S9), written into a ZIP as it streams: `bagit.txt`, `bag-info.txt`,
 * `manifest-sha256.txt`, `tagmanifest-sha256.txt`, then the payload `data/<fiscalYear>/<fileName>`. The manifest holds
 * the SHA-256 values recorded when the files were stored, so the tag files are written before the payload; each
 * payload file is then checked against its recorded size and hash as it streams, and a file that is not as recorded
 * stops the ZIP with an error instead of ending it — a package is whole and right, or it fails loudly.
 */

/** One payload file: an archive document as recorded. */
export interface BagDocument {
  fiscalYear: number;
  fileName: string;
  byteSize: number;
  sha256: string;
  storageKey: string;
  createdAt: Date;
}

/** What `bag-info.txt` says about the relationship whose folder the bag holds. */
export interface BagInfo {
  organizationNumber: string;
  clientName: string;
  partnerName: string;
  partnerCode: string;
  responsibilityFrom: string | null;
  responsibilityTo: string | null;
  generationDate: string | null;
  /** The Europe/Oslo date the bag is made. */
  baggingDate: string;
}

/** A stored file that is not as its document recorded: the package must not be made from it. */
export class ArchiveFileMismatch extends DomainError {
  override name = 'ArchiveFileMismatch';
}

/** RFC 8493 §2.1.3: CR, LF and % in a file path are percent-encoded in manifests. */
function manifestPath(path: string): string {
  return path.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A bag-info value on one line. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Paths of the payload in the bag: `data/<fiscalYear>/<fileName>`. */
export function payloadPath(document: Pick<BagDocument, 'fiscalYear' | 'fileName'>): string {
  return `data/${document.fiscalYear}/${document.fileName}`;
}

/** The four tag files of a bag, in the order they are written. */
export function tagFiles(info: BagInfo, documents: BagDocument[]): Array<[name: string, content: Buffer]> {
  const octets = documents.reduce((sum, d) => sum + d.byteSize, 0);
  const bagit = Buffer.from('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n', 'utf8');
  const fields: Array<[string, string]> = [
    ['Source-Organization', `${info.partnerName} (${info.partnerCode})`],
    ['External-Identifier', info.organizationNumber],
    ['External-Description', `Pliktig regnskapsdata og dokumentasjon for ${info.clientName} (${info.organizationNumber}), arkivert av ${info.partnerName}`],
    ['Organization-Number', info.organizationNumber],
    ['Client-Name', info.clientName],
    ['Partner', `${info.partnerName} (${info.partnerCode})`],
    ['Responsibility-Period', `${info.responsibilityFrom ?? ''}/${info.responsibilityTo ?? ''}`],
    ['Generation-Date', info.generationDate ?? ''],
    ['Bagging-Date', info.baggingDate],
    ['Bag-Software-Agent', 'Klient Admin'],
    ['Payload-Oxum', `${octets}.${documents.length}`],
  ];
  const bagInfo = Buffer.from(fields.map(([label, value]) => `${label}: ${oneLine(value)}\n`).join(''), 'utf8');
  const manifest = Buffer.from(documents.map((d) => `${d.sha256}  ${manifestPath(payloadPath(d))}\n`).join(''), 'utf8');
  const tags: Array<[string, Buffer]> = [['bagit.txt', bagit], ['bag-info.txt', bagInfo], ['manifest-sha256.txt', manifest]];
  const tagManifest = Buffer.from(tags.map(([name, content]) => `${sha256(content)}  ${name}\n`).join(''), 'utf8');
  return [...tags, ['tagmanifest-sha256.txt', tagManifest]];
}

/** Passes a stored file through, failing when it does not end with the recorded size and SHA-256. */
function checkedAgainstRecord(document: BagDocument, where: string, onBytes: (n: number) => void): Transform {
  const hash = createHash('sha256');
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      onBytes(chunk.length);
      if (bytes > document.byteSize) return done(new ArchiveFileMismatch(`${where} is longer than the ${document.byteSize} bytes recorded; the package was stopped.`));
      done(null, chunk);
    },
    flush(done) {
      if (bytes !== document.byteSize) return done(new ArchiveFileMismatch(`${where} has ${bytes} bytes, not the ${document.byteSize} recorded; the package was stopped.`));
      const digest = hash.digest('hex');
      if (digest !== document.sha256) return done(new ArchiveFileMismatch(`${where} does not have its recorded SHA-256; the package was stopped.`));
      done();
    },
  });
}

/** A bag being added to a ZIP: stop it to close the file it is reading (the receiver went away). */
export interface BagWriting {
  stop(): void;
}

/**
 * Adds one bag under `root` ('' for a package, `<organizationNumber>/` in an export) to the ZIP. Nothing is read
 * until the ZIP asks for a file, and one file at a time is open, so memory does not grow with the folder. Entries are
 * stored uncompressed: the ZIP's size is then known before it is written (Content-Length), and PDF, JPEG, PNG and ZIP
 * files do not shrink anyway. A file not as recorded makes the ZIP emit an error (`ArchiveFileMismatch`).
 */
export function addBag(
  zip: ZipFile,
  root: string,
  info: BagInfo,
  documents: BagDocument[],
  storage: ArchiveStorage,
  onPayloadBytes: (n: number) => void = () => undefined,
): BagWriting {
  const baggedAt = new Date(`${info.baggingDate}T00:00:00Z`);
  for (const [name, content] of tagFiles(info, documents)) zip.addBuffer(content, `${root}${name}`, { compress: false, mtime: baggedAt });
  let open: Readable | null = null;
  for (const document of documents) {
    const path = `${root}${payloadPath(document)}`;
    zip.addReadStreamLazy(path, { size: document.byteSize, compress: false, mtime: document.createdAt }, (give) => {
      const source = storage.read(document.storageKey);
      const checked = checkedAgainstRecord(document, path, onPayloadBytes);
      source.on('error', (error) => checked.destroy(new ArchiveFileMismatch(`${path} cannot be read from storage (${(error as NodeJS.ErrnoException).code ?? 'error'}); the package was stopped.`)));
      checked.on('error', (error) => {
        source.destroy();
        zip.emit('error', error);
      });
      source.pipe(checked);
      open = source;
      give(null, checked);
    });
  }
  return {
    stop() {
      (open as Readable | null)?.destroy();
    },
  };
}

/**
 * Ends the ZIP; resolves with its total size once yazl can compute it (every entry stored with a known size), or -1.
 * (The package's type declarations give the callback no argument; yazl passes the size.)
 */
export function endZip(zip: ZipFile): Promise<number> {
  return new Promise((resolve) => zip.end({ forceZip64Format: false, comment: '' }, ((size: number) => resolve(size)) as () => void));
}
