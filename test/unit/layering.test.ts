import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * GraphQL stays at the edge: below the resolvers, code speaks in refusals (`src/common/refusals.ts`) and domain errors
 * (`src/common/domain-errors.ts`), and `src/graphql/api-errors.ts` maps them. This test reads the source and fails
 * when a file below the edge imports GraphQL's libraries or a module of the edge. No exception is made for graphql's
 * pure AST helpers: nothing below the edge needs them.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const SRC = path.join(ROOT, 'src');

/** The edge: resolvers, GraphQL types and mutations, and the GraphQL and HTTP plumbing. */
const EDGE = [/\.resolver\.ts$/, /\.types\.ts$/, /\.mutations\.ts$/, /^src\/graphql\//, /^src\/http\//];

/** The process entry point starts the HTTP server; it composes the edge and is not below it. */
const COMPOSITION_ROOTS = new Set(['src/main.ts']);

/** Libraries that belong to the edge. */
const EDGE_LIBRARIES = [/^type-graphql(\/|$)/, /^graphql(\/|$)/, /^graphql-jit(\/|$)/, /^@apollo\/server(\/|$)/];

const isEdge = (file: string) => EDGE.some((pattern) => pattern.test(file));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(ROOT, full).split(path.sep).join('/')] : [];
  });
}

/** Every module a file names: static imports and re-exports (`import type` too), side-effect imports, require and import(). */
function importsOf(source: string): string[] {
  const patterns = [/\b(?:import|export)\s[^'";]*?\sfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]));
}

/** What an import names, as a path from the project root for our own modules; a library's name as it is. */
function resolved(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
  return fs.existsSync(path.join(ROOT, `${target}.ts`)) ? `${target}.ts` : fs.existsSync(path.join(ROOT, target, 'index.ts')) ? `${target}/index.ts` : target;
}

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** `file imports what` for every import of a file below the edge that reaches into the edge. */
function violations(files: string[], sourceOf: (file: string) => string = read): string[] {
  const found: string[] = [];
  for (const file of files) {
    if (isEdge(file) || COMPOSITION_ROOTS.has(file)) continue;
    for (const specifier of importsOf(sourceOf(file))) {
      const target = resolved(file, specifier);
      const reachesEdge = specifier.startsWith('.') ? isEdge(target) : EDGE_LIBRARIES.some((library) => library.test(specifier));
      if (reachesEdge) found.push(`${file} imports ${specifier}`);
    }
  }
  return found;
}

describe('GraphQL at the edge', () => {
  const files = sourceFiles(SRC);

  it('reads the imports of every kind of import statement', () => {
    const source = [
      "import { Field } from 'type-graphql';",
      "import type { GraphQLError } from 'graphql';",
      "import {\n  ApolloServer,\n} from '@apollo/server';",
      "export { UserError } from '../graphql/user-errors';",
      "import 'reflect-metadata';",
      "const a = require('graphql/error');",
      "const b = await import('./x');",
    ].join('\n');
    expect(importsOf(source)).toEqual(expect.arrayContaining(['type-graphql', 'graphql', '@apollo/server', '../graphql/user-errors', 'reflect-metadata', 'graphql/error', './x']));
    expect(importsOf(source)).toHaveLength(7);
  });

  it('finds the edge where it is: the schema imports type-graphql and graphql, resolvers import type-graphql', () => {
    expect(importsOf(fs.readFileSync(path.join(SRC, 'graphql', 'schema.ts'), 'utf8'))).toEqual(expect.arrayContaining(['type-graphql', 'graphql']));
    const resolvers = files.filter((file) => file.endsWith('.resolver.ts'));
    expect(resolvers.length).toBeGreaterThan(3);
    for (const file of resolvers) expect(importsOf(read(file))).toContain('type-graphql');
  });

  it('flags a service that would import type-graphql, graphql, @apollo/server or a module of the edge', () => {
    const probe = 'src/relationships/probe.service.ts';
    const source = [
      "import { GraphQLError } from 'graphql';",
      "import { ObjectType } from 'type-graphql';",
      "import { ApolloServer } from '@apollo/server';",
      "import { UserError } from '../graphql/user-errors';",
      "import type { ClientType } from '../clients/client.types';",
      "import { Client } from '../clients/client.entity';",
      "import { In } from 'typeorm';",
    ].join('\n');
    expect(violations([probe], () => source)).toEqual([
      `${probe} imports graphql`,
      `${probe} imports type-graphql`,
      `${probe} imports @apollo/server`,
      `${probe} imports ../graphql/user-errors`,
      `${probe} imports ../clients/client.types`,
    ]);
    // The same imports are the edge's own business.
    expect(violations(['src/relationships/probe.resolver.ts', 'src/graphql/probe.ts'], () => source)).toEqual([]);
  });

  it('no file below the resolvers imports type-graphql, graphql, @apollo/server or the edge', () => {
    expect(files.filter((file) => !isEdge(file)).length).toBeGreaterThan(50);
    expect(violations(files)).toEqual([]);
  });
});
