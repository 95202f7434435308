import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * No module of `src` imports itself through others: a cycle makes what loads first depend on who imported whom, and
 * ties features that should stand apart (the clients' types and the relationships', the runtime and the importer,
 * before). `import type` counts: it ties the files as much for a reader. madge reads the imports as TypeScript does,
 * with the project's tsconfig.
 */

const ROOT = path.resolve(__dirname, '..', '..');

/** The part of madge's API used here (madge ships no types). */
interface MadgeGraph {
  obj(): Record<string, string[]>;
  circular(): string[][];
  warnings(): { skipped: string[] };
}
const madge = require('madge') as (path: string, config: Record<string, unknown>) => Promise<MadgeGraph>;

const importGraph = (dir: string) => madge(dir, { fileExtensions: ['ts'], tsConfig: path.join(ROOT, 'tsconfig.json') });

describe('import cycles', () => {
  it('finds a cycle, even one made only of type imports', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ka-cycles-'));
    try {
      writeFileSync(path.join(dir, 'a.ts'), "import type { B } from './b';\nexport interface A { b: B }\n");
      writeFileSync(path.join(dir, 'b.ts'), "import { c } from './c';\nexport interface B { c: typeof c }\n");
      writeFileSync(path.join(dir, 'c.ts'), "import type { A } from './a';\nexport const c: A | null = null;\n");
      expect((await importGraph(dir)).circular()).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('src has none', async () => {
    const graph = await importGraph(path.join(ROOT, 'src'));
    // The graph is the real one: every import resolved, the composition root reaching the features.
    expect(graph.warnings().skipped).toEqual([]);
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(100);
    expect(graph.obj()['runtime.ts']).toEqual(expect.arrayContaining(['ledger/ledger.service.ts', 'relationships/relationship-services.ts']));
    expect(graph.circular()).toEqual([]);
  }, 60_000);
});
