import * as fs from 'node:fs';
import * as os from 'node:os';
import { RowBuckets } from '../../src/archive/specifications/buckets';

describe('rows kept by key for the general ledger (RowBuckets)', () => {
  it('gives back each key\'s rows in the order they were added, whether kept in memory or spilled to its file, and removes the file', () => {
    const buckets = new RowBuckets();
    const expected = new Map<string, string>();
    const spillFolders = () => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('klientadmin-rows-'));
    const before = spillFolders();
    // 9 keys of very different sizes (a few rows to ~2 MB), non-ASCII text among them, added interleaved.
    for (let i = 0; i < 60_000; i++) {
      const key = `k${i % 7 === 0 ? i % 9 : i % 3}`;
      const row = `${key};rad ${i};Beskrivelse æøå 😀 ${'x'.repeat(i % 50)}\r\n`;
      buckets.add(key, row);
      expected.set(key, (expected.get(key) ?? '') + row);
    }
    expect(spillFolders().length).toBe(before.length + 1);
    for (const key of [...expected.keys()].sort()) {
      const rows = (expected.get(key)!.match(/\r\n/g) ?? []).length;
      expect(buckets.rows(key)).toBe(rows);
      const parts = [...buckets.take(key)];
      expect(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p))).toString('utf8')).toBe(expected.get(key));
    }
    expect([...buckets.take('none')]).toEqual([]);
    expect(buckets.keys()).toEqual([]);
    buckets.close();
    expect(spillFolders()).toEqual(before);
  });
});
