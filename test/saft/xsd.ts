import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateXML } from 'xmllint-wasm';

/** The SAF-T reference folder shared next to the project. */
export const SAFT_REFERENCE = path.resolve(__dirname, '../../../shared/saft');

const schema = fs.readFileSync(path.join(SAFT_REFERENCE, 'Norwegian_SAF-T_Financial_Schema_v_1.30.xsd'), 'utf8');

/**
 * Validates a written file against the official 1.30 XSD and checks the
 * version string, which the XSD leaves free (a 1.20 label would pass it).
 */
export async function expectValidSaft130(file: string): Promise<void> {
  const contents = fs.readFileSync(file, 'utf8');
  const result = await validateXML({
    xml: [{ fileName: path.basename(file).replace(/^-+/, ''), contents }],
    schema: [schema],
    // xmllint gets the whole file as one string: allow about 64 MiB per 10 MB of XML.
    maxMemoryPages: Math.min(65536, 256 + Math.ceil((contents.length * 7) / 65536)),
  });
  expect(result.errors.map((e) => e.rawMessage)).toEqual([]);
  expect(result.valid).toBe(true);
  expect(/<AuditFileVersion>([^<]*)<\/AuditFileVersion>/.exec(contents)?.[1]).toBe('1.30');
}
