import { Cipher, createCipheriv, createHash, Hash, hkdfSync, timingSafeEqual } from 'node:crypto';
import { isPlausibleId } from './ids';

/**
 * Opaque global ids (contract: IDs are opaque strings). An id holds the object's type and key encrypted under the
 * installation's id key, so it tells a client neither the key (`c-fjord`, `17`) nor how many objects there are, and it
 * cannot be made up: a changed or invented id names nothing.
 *
 * The encryption is deterministic (synthetic IV): the same object always has the same id, which clients need to cache
 * and compare them. `iv = HMAC-SHA256(macKey, plain)[0..16]`, `id = base64url(iv ‖ AES-256-CTR(encKey, iv, plain))`,
 * `plain = typeCode ‖ keyLength ‖ key`, zero-padded to a multiple of 16 bytes so that the length does not tell a key's
 * size.
 *
 * Ids of the first releases were `base64url("Type:key")`. They are still accepted as input until
 * LEGACY_GLOBAL_IDS_ACCEPTED_UNTIL (docs/clients.md), unless the installation turns them off (LEGACY_GLOBAL_IDS=false);
 * the API never hands them out any more.
 */

export type NodeType =
  | 'Client'
  | 'Partner'
  | 'User'
  | 'CustomerRelationship'
  | 'ArchiveDocument'
  | 'Notification'
  | 'AuditEvent'
  | 'ClientUser'
  | 'ClientExtension'
  | 'ScheduledTask'
  | 'ArchiveUpload'
  | 'ArchiveExport'
  | 'ApiKey'
  | 'WebhookEndpoint'
  | 'WebhookDelivery';

/** The type codes inside an id: the position in this list plus one. Append only; never reorder. */
const TYPE_CODES: readonly NodeType[] = [
  'Client',
  'Partner',
  'User',
  'CustomerRelationship',
  'ArchiveDocument',
  'Notification',
  'AuditEvent',
  'ClientUser',
  'ClientExtension',
  'ScheduledTask',
  'ArchiveUpload',
  'ArchiveExport',
  'ApiKey',
  'WebhookEndpoint',
  'WebhookDelivery',
];

/** The last day old `base64url("Type:key")` ids are accepted, as announced to client developers. */
export const LEGACY_GLOBAL_IDS_ACCEPTED_UNTIL = '2027-06-30';

/** The id key of development and test installations; published, so production never uses it (config). */
export const DEVELOPMENT_GLOBAL_ID_SECRET = 'klientadmin-development-global-id-secret-not-for-production';

const BLOCK = 16;

/**
 * The id key's cryptography, set up once per key: a page of clients makes hundreds of ids, and creating an HMAC and a
 * cipher object per id was a large share of its CPU. HMAC-SHA256 continues two SHA-256 states with the key's inner and
 * outer pads already hashed (RFC 2104); AES-256-CTR's key stream is AES-256 of the counter blocks `iv, iv+1, …` (the
 * 128-bit big-endian increment OpenSSL's CTR uses), made by one ECB cipher that is never finished, since ECB keeps no
 * state between whole blocks. The ids are byte for byte those of `createHmac` and `createCipheriv('aes-256-ctr')`.
 */
class IdCrypto {
  private readonly inner: Hash;
  private readonly outer: Hash;
  private readonly blocks: Cipher;

  constructor(macKey: Buffer, encKey: Buffer) {
    const pad = (byte: number) => {
      const block = Buffer.alloc(64, byte);
      for (let i = 0; i < macKey.length; i++) block[i] ^= macKey[i];
      return block;
    };
    this.inner = createHash('sha256').update(pad(0x36));
    this.outer = createHash('sha256').update(pad(0x5c));
    this.blocks = createCipheriv('aes-256-ecb', encKey, null).setAutoPadding(false);
  }

  /** HMAC-SHA256(macKey, data). */
  mac(data: Buffer): Buffer {
    return this.outer.copy().update(this.inner.copy().update(data).digest()).digest();
  }

  /** AES-256-CTR(encKey, iv) of `data` (encryption and decryption alike); `data` a whole number of blocks. */
  ctr(iv: Buffer, data: Buffer): Buffer {
    const counters = Buffer.allocUnsafe(data.length);
    const counter = Buffer.from(iv);
    for (let at = 0; at < data.length; at += BLOCK) {
      counter.copy(counters, at);
      for (let i = BLOCK - 1; i >= 0 && ++counter[i] === 256; i--) counter[i] = 0;
    }
    const stream = this.blocks.update(counters);
    for (let i = 0; i < data.length; i++) stream[i] ^= data[i];
    return stream;
  }
}

/**
 * How many ids a codec remembers. A page of clients names the same partner, users and administrators many times over,
 * and the pages a firm reads again name the same clients; remembering an id costs a map entry, making it an HMAC and an
 * AES block each. Bounded: when full, the memory starts over (a few MiB at most).
 */
const REMEMBERED_IDS = 20_000;

class GlobalIdCodec {
  private readonly crypto: IdCrypto;
  /** Ids made, by type code and local id. */
  private readonly made = new Map<string, string>();

  constructor(
    secret: string | Buffer,
    readonly acceptLegacy: boolean,
  ) {
    const macKey = Buffer.from(hkdfSync('sha256', secret, 'klientadmin', 'global-id mac', 32));
    const encKey = Buffer.from(hkdfSync('sha256', secret, 'klientadmin', 'global-id enc', 32));
    this.crypto = new IdCrypto(macKey, encKey);
  }

  encode(type: NodeType, localId: string): string {
    const remembered = `${type}\u0000${localId}`;
    let id = this.made.get(remembered);
    if (id === undefined) {
      id = this.make(type, localId);
      if (this.made.size >= REMEMBERED_IDS) this.made.clear();
      this.made.set(remembered, id);
    }
    return id;
  }

  private make(type: NodeType, localId: string): string {
    const key = Buffer.from(localId, 'utf8');
    if (key.length > 255) throw new Error('A local id is at most 255 bytes long.');
    const plain = Buffer.alloc(Math.ceil((2 + key.length) / BLOCK) * BLOCK);
    plain[0] = TYPE_CODES.indexOf(type) + 1;
    plain[1] = key.length;
    key.copy(plain, 2);
    const iv = this.syntheticIv(plain);
    return Buffer.concat([iv, this.crypto.ctr(iv, plain)]).toString('base64url');
  }

  decode(globalId: string): { type: NodeType; id: string } | null {
    const bytes = Buffer.from(globalId, 'base64url');
    if (bytes.length < 2 * BLOCK || bytes.length % BLOCK !== 0 || bytes.toString('base64url') !== globalId) return null;
    const iv = bytes.subarray(0, BLOCK);
    const plain = this.crypto.ctr(iv, bytes.subarray(BLOCK));
    if (!timingSafeEqual(this.syntheticIv(plain), iv)) return null;
    const type = TYPE_CODES[plain[0] - 1];
    const end = 2 + plain[1];
    if (!type || end > plain.length || plain.subarray(end).some((byte) => byte !== 0)) return null;
    const id = plain.subarray(2, end).toString('utf8');
    return isPlausibleId(id) ? { type, id } : null;
  }

  private syntheticIv(plain: Buffer): Buffer {
    return this.crypto.mac(plain).subarray(0, BLOCK);
  }
}

let codec = new GlobalIdCodec(DEVELOPMENT_GLOBAL_ID_SECRET, true);

/**
 * Sets the installation's id key, once at start-up (`openRuntime`): from GLOBAL_ID_SECRET, or the key the database
 * holds. Every process of an installation must use the same key, or ids from one are unknown to another.
 */
export function useGlobalIdKey(secret: string | Buffer, options: { acceptLegacy: boolean }): void {
  codec = new GlobalIdCodec(secret, options.acceptLegacy);
}

export function toGlobalId(type: NodeType, localId: string): string {
  return codec.encode(type, localId);
}

/** The first releases' form, `base64url("Type:key")`: accepted as input during the deprecation period only. */
export function legacyGlobalId(type: NodeType, localId: string): string {
  return Buffer.from(`${type}:${localId}`, 'utf8').toString('base64url');
}

function parseLegacy(globalId: string): { type: NodeType; id: string } | null {
  const text = Buffer.from(globalId, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) return null;
  const type = text.slice(0, colon) as NodeType;
  const id = text.slice(colon + 1);
  if (!TYPE_CODES.includes(type) || !isPlausibleId(id) || legacyGlobalId(type, id) !== globalId) return null;
  return { type, id };
}

/**
 * The type and local id inside a global id, or null when it is not one of ours. A local id that no import or row
 * could have (a control character, a space, other than ASCII) names nothing, whatever the database would match.
 */
export function parseGlobalId(globalId: string): { type: NodeType; id: string } | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(globalId)) return null;
  return codec.decode(globalId) ?? (codec.acceptLegacy ? parseLegacy(globalId) : null);
}

/** The local id when the global id names an object of the expected type; null otherwise. */
export function localIdOf(globalId: string, expected: NodeType): string | null {
  const parsed = parseGlobalId(globalId);
  return parsed && parsed.type === expected ? parsed.id : null;
}
