import { createHash } from 'node:crypto';
import * as yauzl from 'yauzl';

/**
 * Reads ZIPs with yauzl and checks BagIt bags as RFC 8493 §3 says, independently of the code that wrote them: this
 * file knows nothing of the product's writer but the format.
 */

/** Every file entry of a ZIP, by path, with its bytes (yauzl checks each entry's size and CRC-32). */
export async function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  const zipfile = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(zip, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true }, (error, z) => (error ? reject(error) : resolve(z!))),
  );
  const entries = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zipfile.on('error', reject);
    zipfile.on('end', () => resolve());
    zipfile.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) return zipfile.readEntry();
      if (entries.has(entry.fileName)) return reject(new Error(`two entries named ${entry.fileName}`));
      zipfile.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream!.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream!.on('error', reject);
        stream!.on('end', () => {
          entries.set(entry.fileName, Buffer.concat(chunks));
          zipfile.readEntry();
        });
      });
    });
    zipfile.readEntry();
  });
  return entries;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** `label: value` lines (RFC 8493 §2.2.2), continuation lines folded in. */
function tagLines(text: string): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') continue;
    if (/^\s/.test(line) && fields.length) fields[fields.length - 1][1] += ` ${line.trim()}`;
    else {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new Error(`not a tag line: ${JSON.stringify(line)}`);
      fields.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
  }
  return fields;
}

/** A manifest's lines: checksum, then the path with CR, LF and % percent-decoded (§2.1.3). */
function manifestEntries(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split(/\r\n|\n/)) {
    if (line === '') continue;
    const match = /^([0-9a-fA-F]+)[ \t]+(.+)$/.exec(line);
    if (!match) throw new Error(`not a manifest line: ${JSON.stringify(line)}`);
    const path = match[2].replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
    if (entries.has(path)) throw new Error(`${path} is listed twice`);
    entries.set(path, match[1].toLowerCase());
  }
  return entries;
}

export interface VerifiedBag {
  bagInfo: Record<string, string>;
  /** Payload files by path inside `data/`, e.g. `2025/kontoutskrift.pdf`. */
  payload: Map<string, Buffer>;
}

/**
 * Validates the bag whose base directory is `root` ('' or 'folder/') in the ZIP's entries, as RFC 8493 §3 defines a
 * valid bag: bagit.txt declares the version and encoding; every payload file is in every payload manifest and every
 * manifest entry is present (complete); every checksum of every payload and tag manifest is recomputed and matches;
 * Payload-Oxum is the payload's octet and stream count. Throws on the first problem.
 */
export function verifyBag(entries: Map<string, Buffer>, root = ''): VerifiedBag {
  const file = (name: string) => {
    const content = entries.get(`${root}${name}`);
    if (!content) throw new Error(`${root}${name} is missing`);
    return content;
  };
  const declaration = Object.fromEntries(tagLines(file('bagit.txt').toString('utf8')));
  if (!/^1\.\d+$/.test(declaration['BagIt-Version'] ?? '')) throw new Error(`bagit.txt: BagIt-Version is ${declaration['BagIt-Version']}`);
  if ((declaration['Tag-File-Character-Encoding'] ?? '').toUpperCase() !== 'UTF-8') throw new Error('bagit.txt: Tag-File-Character-Encoding is not UTF-8');

  const inBag = [...entries.keys()].filter((name) => name.startsWith(root)).map((name) => name.slice(root.length));
  const payloadFiles = inBag.filter((name) => name.startsWith('data/'));
  const manifests = inBag.filter((name) => /^manifest-[a-z0-9]+\.txt$/.test(name));
  if (manifests.length === 0) throw new Error('no payload manifest');
  for (const manifest of manifests) {
    const algorithm = /^manifest-([a-z0-9]+)\.txt$/.exec(manifest)![1];
    if (algorithm !== 'sha256') throw new Error(`${manifest}: this verifier knows only sha256`);
    const listed = manifestEntries(file(manifest).toString('utf8'));
    for (const path of payloadFiles) if (!listed.has(path)) throw new Error(`${path} is not in ${manifest}`);
    for (const [path, checksum] of listed) {
      if (!path.startsWith('data/')) throw new Error(`${manifest} lists ${path}, outside data/`);
      const content = entries.get(`${root}${path}`);
      if (!content) throw new Error(`${manifest} lists ${path}, which is missing`);
      if (sha256(content) !== checksum) throw new Error(`${path}: checksum does not match ${manifest}`);
    }
  }
  const tagManifests = inBag.filter((name) => /^tagmanifest-[a-z0-9]+\.txt$/.test(name));
  for (const tagManifest of tagManifests) {
    const listed = manifestEntries(file(tagManifest).toString('utf8'));
    for (const name of ['bagit.txt', 'bag-info.txt', ...manifests]) if (inBag.includes(name) && !listed.has(name)) throw new Error(`${name} is not in ${tagManifest}`);
    for (const [path, checksum] of listed) {
      if (sha256(file(path)) !== checksum) throw new Error(`${path}: checksum does not match ${tagManifest}`);
    }
  }
  const bagInfo = Object.fromEntries(tagLines(file('bag-info.txt').toString('utf8')));
  const oxum = bagInfo['Payload-Oxum'];
  if (oxum !== undefined) {
    const octets = payloadFiles.reduce((sum, path) => sum + entries.get(`${root}${path}`)!.length, 0);
    if (oxum !== `${octets}.${payloadFiles.length}`) throw new Error(`Payload-Oxum ${oxum}, the payload is ${octets}.${payloadFiles.length}`);
  }
  return { bagInfo, payload: new Map(payloadFiles.map((path) => [path.slice('data/'.length), entries.get(`${root}${path}`)!])) };
}
