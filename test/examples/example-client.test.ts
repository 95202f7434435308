import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { smallWorld } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');

/**
 * The starter kit of docs/clients.md works: the committed generated types are what codegen makes of the schema and the
 * example's operations, and the example client — Apollo Client with those types — compiles and runs against a server.
 */
describe('the example client (examples/): Apollo Client with the generated types', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld() });
  });
  afterAll(() => app.close());

  it('the committed types are what codegen makes of schema.graphql (run `npx graphql-codegen --config examples/codegen.ts`)', async () => {
    // --check: a dry run that fails when the generated file would change.
    const codegen = path.join(root, 'node_modules', '@graphql-codegen', 'cli', 'esm', 'bin.js');
    // JITI_FS_CACHE=false: codegen loads codegen.ts through jiti, which would otherwise leave a cache in the temp folder.
    const env = { ...process.env, JITI_FS_CACHE: 'false', JITI_CACHE: 'false' };
    await expect(run(process.execPath, [codegen, '--config', 'examples/codegen.ts', '--check'], { cwd: root, env })).resolves.toBeDefined();
    // The scalars are mapped, none left `unknown` for the client: dates, instants and months are strings.
    const types = readFileSync(path.join(root, 'examples', 'client', 'generated', 'graphql.ts'), 'utf8');
    expect(types).toContain('generationDate: string;');
    expect(types).toMatch(/dueAt: string[,\s]/);
    expect(types).toMatch(/responsibilityFrom: string \| null/);
  }, 60_000);

  it('compiles, pages the active clients, previews and ends one, drops it from the cached list, and lists the archive', async () => {
    await run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'examples', 'tsconfig.json')], { cwd: root });
    const { stdout } = await run(process.execPath, [path.join(root, 'dist', 'examples', 'examples', 'client', 'main.js')], {
      cwd: root,
      env: { ...process.env, KLIENTADMIN_URL: `${app.url}/graphql`, KLIENTADMIN_TOKEN: await app.tokenFor('u-kari'), EXAMPLE_PAGE_SIZE: '1' },
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    // Kari (Nordlys, CLIENT_ADMIN and ARCHIVE) sees two active clients, on two pages of one.
    expect(result.pages).toBe(2);
    expect(result.activeClients).toEqual(['Fjord Bakeri AS', 'Tindefjell Bygg AS']);
    expect(result.previewed).toMatchObject({ client: 'Fjord Bakeri AS', partner: 'NORDLYS' });
    expect(result.ended).toEqual({ client: 'Fjord Bakeri AS', status: 'ENDED', generationDate: '2026-11-29', tasks: expect.arrayContaining(['GENERATE_MANDATORY_DATA', 'APPLY_DEACTIVATIONS']) });
    expect(result.activeAfterEviction).toEqual(['Tindefjell Bygg AS']);
    expect(result.archive).toEqual([{ client: 'Fjord Bakeri AS', status: 'ENDED', generationDate: '2026-11-29' }]);
  }, 120_000);
});
