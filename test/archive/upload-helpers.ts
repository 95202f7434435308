import { createHash } from 'node:crypto';
import { toGlobalId } from '../../src/common/global-id';
import { ledgerWorld } from '../ledger/ledger-helpers';
import { dataOf, type TestApp } from '../support/test-app';

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
export const relationshipGid = (id: string) => toGlobalId('CustomerRelationship', id);

/** One small file of each type the archive takes, as real files of that type begin. */
export const SAMPLES: Record<string, { contentType: string; kind: string; fileName: string; bytes: Buffer }> = {
  pdf: { contentType: 'application/pdf', kind: 'BANK_STATEMENT', fileName: 'Kontoutskrift januar.pdf', bytes: Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n') },
  xml: { contentType: 'application/xml', kind: 'A_MELDING', fileName: 'A07 kvittering.xml', bytes: Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<kvittering><status>mottatt</status></kvittering>\n') },
  textXml: { contentType: 'text/xml', kind: 'A_MELDING', fileName: 'A03 tilbakemelding.xml', bytes: Buffer.from('\uFEFF<tilbakemelding>OK</tilbakemelding>\n') },
  csv: { contentType: 'text/csv', kind: 'BANK_STATEMENT', fileName: 'transaksjoner.csv', bytes: Buffer.from('Dato;Tekst;Beløp\r\n2025-01-31;Gebyr;-35.00\r\n') },
  text: { contentType: 'text/plain', kind: 'OTHER_DOCUMENTATION', fileName: 'notat.txt', bytes: Buffer.from('Notat om bilag 17: kvittering mangler, se e-post.\n') },
  png: { contentType: 'image/png', kind: 'VOUCHER_DOCUMENTATION', fileName: 'kvittering.png', bytes: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0', 'latin1')]) },
  jpeg: { contentType: 'image/jpeg', kind: 'VOUCHER_DOCUMENTATION', fileName: 'faktura.jpg', bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xff\xd9', 'latin1')]) },
  // An empty ZIP archive: the end-of-central-directory record alone.
  zip: { contentType: 'application/zip', kind: 'VOUCHER_DOCUMENTATION', fileName: 'vedlegg.zip', bytes: Buffer.concat([Buffer.from([0x50, 0x4b, 0x05, 0x06]), Buffer.alloc(18)]) },
};

/** ledgerWorld, plus a third client of Nordlys and a client of Fjelltopp (u-lars), for exports and refusals. */
export function archiveWorld() {
  const world = ledgerWorld();
  world.clients.push(
    { id: 'c-tredje', name: 'Tredje Handel AS', organizationNumber: '933111222', partner: 'p-nordlys', partnerSince: '2020-01-01', subscriptionAdmin: 'u-kari', access: [{ user: 'u-kari', roles: ['ADMINISTRATOR'], viaPartner: 'p-nordlys' }], extensions: [] } as never,
    { id: 'c-fjellet', name: 'Fjellet Drift AS', organizationNumber: '944555666', partner: 'p-fjell', partnerSince: '2020-01-01', subscriptionAdmin: 'u-lars', access: [{ user: 'u-lars', roles: ['ADMINISTRATOR'], viaPartner: 'p-fjell' }], extensions: [] } as never,
  );
  return world;
}

export const UPLOADS = `mutation Uploads($input: CreateArchiveUploadsInput!) {
  createArchiveUploads(input: $input) { uploads { id uploadUrl method headers { name value } expiresAt state document { id } } userErrors { field message code } }
}`;
export const COMPLETE = `mutation Complete($input: CompleteArchiveUploadInput!) {
  completeArchiveUpload(input: $input) {
    document { id kind fiscalYear fileName contentType byteSize sha256 source uploadedBy { name } downloadPath createdAt }
    userErrors { field message code }
  }
}`;

export interface Upload {
  id: string;
  uploadUrl: string;
  method: string;
  headers: Array<{ name: string; value: string }>;
  expiresAt: string;
  state: string;
}

/** An item for `createArchiveUploads` from a sample (or any bytes). */
export function itemOf(relationshipId: string, sample: { contentType: string; kind: string; fileName: string; bytes: Buffer }, extra: Record<string, unknown> = {}) {
  return { relationshipId: relationshipGid(relationshipId), fiscalYear: 2025, kind: sample.kind, fileName: sample.fileName, contentType: sample.contentType, byteSize: sample.bytes.length, sha256: sha256(sample.bytes), ...extra };
}

/** Reserves the items as the user; fails the test on userErrors. */
export async function reserve(app: TestApp, as: string, items: unknown[]): Promise<Upload[]> {
  const result = dataOf(await app.gql(UPLOADS, { input: { items } }, as)).createArchiveUploads;
  if (result.userErrors.length) throw new Error(`refused: ${JSON.stringify(result.userErrors)}`);
  return result.uploads;
}

/** PUTs bytes to an upload's URL with its headers (no bearer token). */
export function put(app: TestApp, upload: Upload, body: Buffer, headers: Record<string, string> = {}) {
  const given = Object.fromEntries(upload.headers.map((h) => [h.name, h.value]));
  // A path on this server, or an absolute URL (a presigned PUT of the object storage).
  return fetch(new URL(upload.uploadUrl, app.url), { method: upload.method, body, headers: { ...given, ...headers } });
}

export async function complete(app: TestApp, as: string, uploadId: string) {
  return dataOf(await app.gql(COMPLETE, { input: { uploadId } }, as)).completeArchiveUpload;
}

/** Reserve, PUT and complete one sample; returns the document. */
export async function uploadOne(app: TestApp, as: string, relationshipId: string, sample: (typeof SAMPLES)[string], extra: Record<string, unknown> = {}) {
  const [upload] = await reserve(app, as, [itemOf(relationshipId, sample, extra)]);
  const res = await put(app, upload, sample.bytes);
  if (res.status !== 200) throw new Error(`PUT answered ${res.status}: ${await res.text()}`);
  const done = await complete(app, as, upload.id);
  if (done.userErrors.length) throw new Error(`completion refused: ${JSON.stringify(done.userErrors)}`);
  return done.document;
}
