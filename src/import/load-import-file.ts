import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ImportError, ImportFile, parseImportFile } from './import-file';

/** Reads and checks an import file; ledger paths are made absolute, relative to the file (contract: Import file). */
export async function loadImportFile(file: string): Promise<ImportFile> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ImportError([{ path: '$', message: `${file} is not readable JSON: ${(error as Error).message}` }]);
  }
  const parsed = parseImportFile(json);
  const base = path.dirname(path.resolve(file));
  for (const client of parsed.clients) {
    if (client.ledger) client.ledger.saft = client.ledger.saft.map((p) => path.resolve(base, p));
  }
  return parsed;
}
