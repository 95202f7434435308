import { createCipheriv, createHmac, hkdfSync } from 'node:crypto';
import { DEVELOPMENT_GLOBAL_ID_SECRET, NodeType, parseGlobalId, toGlobalId, useGlobalIdKey } from '../../src/common/global-id';

/** The ids as first specified: an HMAC and an AES-256-CTR cipher object per id. */
function referenceId(secret: string, typeCode: number, localId: string): string {
  const macKey = Buffer.from(hkdfSync('sha256', secret, 'klientadmin', 'global-id mac', 32));
  const encKey = Buffer.from(hkdfSync('sha256', secret, 'klientadmin', 'global-id enc', 32));
  const key = Buffer.from(localId, 'utf8');
  const plain = Buffer.alloc(Math.ceil((2 + key.length) / 16) * 16);
  plain[0] = typeCode;
  plain[1] = key.length;
  key.copy(plain, 2);
  const iv = createHmac('sha256', macKey).update(plain).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-256-ctr', encKey, iv);
  return Buffer.concat([iv, cipher.update(plain), cipher.final()]).toString('base64url');
}

describe('global ids', () => {
  const secret = 'a-test-secret-for-global-ids-0123456789';
  afterAll(() => useGlobalIdKey(DEVELOPMENT_GLOBAL_ID_SECRET, { acceptLegacy: true }));

  it('are byte for byte the HMAC-SHA256 / AES-256-CTR ids of createHmac and createCipheriv, for ids of one to four blocks', () => {
    useGlobalIdKey(secret, { acceptLegacy: false });
    const types: Array<[NodeType, number]> = [['Client', 1], ['Partner', 2], ['User', 3], ['ClientUser', 8]];
    let wrapped = 0;
    for (let n = 0; n < 6000; n++) {
      const [type, code] = types[n % types.length];
      const localId = `id-${n}-${'x'.repeat(n % 50)}`;
      const id = toGlobalId(type, localId);
      expect(id).toBe(referenceId(secret, code, localId));
      expect(parseGlobalId(id)).toEqual({ type, id: localId });
      // Ids whose counter carries over a byte (the IV's last byte 0xff, more than one block) are among them.
      const bytes = Buffer.from(id, 'base64url');
      if (bytes[15] === 0xff && bytes.length > 32) wrapped++;
    }
    expect(wrapped).toBeGreaterThan(0);
  });

  it('are the same when remembered: the same object asked again, past the memory filling up and starting over, and under a new key', () => {
    useGlobalIdKey(secret, { acceptLegacy: false });
    const localIds = Array.from({ length: 25_000 }, (_, n) => `c-${n}`);
    const first = localIds.map((localId) => toGlobalId('Client', localId));
    // A partner named on every row of a page: made once, then remembered.
    expect(new Set(localIds.map(() => toGlobalId('Partner', 'p-nordlys')))).toEqual(new Set([referenceId(secret, 2, 'p-nordlys')]));
    for (const n of [0, 1, 12_345, 19_999, 20_000, 24_999]) {
      expect(first[n]).toBe(referenceId(secret, 1, localIds[n]));
      expect(toGlobalId('Client', localIds[n])).toBe(first[n]);
    }
    // The same local id under another type is another id, not the remembered one.
    expect(toGlobalId('User', 'c-7')).toBe(referenceId(secret, 3, 'c-7'));
    // A new key forgets the ids of the old one.
    useGlobalIdKey(`${secret}-rotated`, { acceptLegacy: false });
    expect(toGlobalId('Client', 'c-7')).toBe(referenceId(`${secret}-rotated`, 1, 'c-7'));
    expect(toGlobalId('Client', 'c-7')).not.toBe(first[7]);
  });
});
