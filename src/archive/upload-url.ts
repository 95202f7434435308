import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Upload URLs (DESIGN S8): `PUT /archive/uploads/<uploadId>?expires=<unix seconds>&signature=<hex>`, where the
 * signature is HMAC-SHA256, under the server's key (ARCHIVE_UPLOAD_SECRET), of the method, the path and the expiry.
 * The URL authorizes itself, as an S3 presigned URL does: no bearer token goes with it, and it is good for one upload
 * only, until it expires.
 */

export const UPLOAD_ROUTE_PREFIX = '/archive/uploads/';

function signature(key: string, path: string, expires: number): string {
  return createHmac('sha256', key).update(`PUT\n${path}\n${expires}`).digest('hex');
}

/** The path and query to PUT an upload's bytes to. */
export function signedUploadUrl(key: string, uploadGlobalId: string, expiresAt: Date): string {
  const path = `${UPLOAD_ROUTE_PREFIX}${uploadGlobalId}`;
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return `${path}?expires=${expires}&signature=${signature(key, path, expires)}`;
}

export type UrlCheck = { ok: true; expiresAt: Date } | { ok: false; reason: 'forged' | 'expired' };

/**
 * Whether a request's path and query are a URL this server signed, and unexpired at `now`. Compared in constant time,
 * so a signature cannot be found byte by byte from response times. A forged URL is told apart from an expired one only
 * when its signature is right.
 */
export function checkUploadUrl(key: string, path: string, query: { expires?: unknown; signature?: unknown }, now: Date): UrlCheck {
  const expiresText = typeof query.expires === 'string' ? query.expires : '';
  const given = typeof query.signature === 'string' ? query.signature : '';
  if (!/^\d{1,12}$/.test(expiresText) || !/^[0-9a-f]{64}$/.test(given)) return { ok: false, reason: 'forged' };
  const expires = Number(expiresText);
  const expected = Buffer.from(signature(key, path, expires), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) return { ok: false, reason: 'forged' };
  const expiresAt = new Date(expires * 1000);
  return expiresAt.getTime() <= now.getTime() ? { ok: false, reason: 'expired' } : { ok: true, expiresAt };
}
