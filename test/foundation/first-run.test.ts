import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(root, 'scripts', 'ensure-installed.js');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { mismatch } = require(SCRIPT) as { mismatch: (root: string) => string | null };

/** A project folder with a lockfile and, unless `installed` is null, node_modules as npm would have left it. */
function project(lock: Record<string, object>, installed: Record<string, object> | null): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ka-first-run-'));
  writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'x' }, ...lock } }));
  if (installed) {
    mkdirSync(path.join(dir, 'node_modules'));
    writeFileSync(path.join(dir, 'node_modules', '.package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: installed }));
  }
  return dir;
}

describe('first run: each README command works alone, and the tests never wipe a running server\'s node_modules', () => {
  const folders: string[] = [];
  afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const make = (lock: Record<string, object>, installed: Record<string, object> | null) => {
    const dir = project(lock, installed);
    folders.push(dir);
    return dir;
  };

  const LOCK = { 'node_modules/a': { version: '1.0.0' }, 'node_modules/b': { version: '2.0.0', dev: true }, 'node_modules/c': { version: '3.0.0', optional: true } };

  it('node_modules matches the lockfile when npm installed every package at its version (optional ones of other platforms aside)', () => {
    expect(mismatch(make(LOCK, { 'node_modules/a': { version: '1.0.0' }, 'node_modules/b': { version: '2.0.0' } }))).toBeNull();
    expect(mismatch(make(LOCK, null))).toMatch(/node_modules is missing/);
    expect(mismatch(make(LOCK, { 'node_modules/a': { version: '1.0.1' }, 'node_modules/b': { version: '2.0.0' } }))).toBe('a is 1.0.1, the lockfile says 1.0.0');
    expect(mismatch(make(LOCK, { 'node_modules/a': { version: '1.0.0' } }))).toBe('b is not installed');
    expect(mismatch(make(LOCK, { 'node_modules/a': { version: '1.0.0' }, 'node_modules/b': { version: '2.0.0' }, 'node_modules/z': { version: '9.0.0' } }))).toMatch(/z is installed but not/);
    // This checkout: installed from its lockfile.
    expect(mismatch(root)).toBeNull();
  });

  it('installs with npm ci only on a mismatch, and leaves a matching node_modules untouched', async () => {
    // A stand-in npm that records how it was called.
    const fakeNpm = path.join(make({}, null), 'npm-cli.js');
    writeFileSync(fakeNpm, `require('node:fs').appendFileSync(process.env.NPM_CALLS, JSON.stringify(process.argv.slice(2)) + '\\n');`);
    const calls = path.join(path.dirname(fakeNpm), 'calls.txt');
    writeFileSync(calls, '');
    const env = { ...process.env, npm_execpath: fakeNpm, NPM_CALLS: calls };

    const matching = make(LOCK, { 'node_modules/a': { version: '1.0.0' }, 'node_modules/b': { version: '2.0.0' } });
    const hidden = path.join(matching, 'node_modules', '.package-lock.json');
    const before = statSync(hidden).mtimeMs;
    const quiet = await run(process.execPath, [SCRIPT, matching], { env });
    expect(quiet.stderr).toBe('');
    expect(statSync(hidden).mtimeMs).toBe(before);
    expect(readFileSync(calls, 'utf8')).toBe('');

    const fresh = make(LOCK, null);
    const installing = await run(process.execPath, [SCRIPT, fresh], { env });
    expect(installing.stderr).toMatch(/Installing the dependencies \(npm ci\): node_modules is missing/);
    expect(readFileSync(calls, 'utf8').trim().split('\n').map((line) => JSON.parse(line))).toEqual([['ci', '--no-audit', '--no-fund']]);
  });

  it('npm start and npm test run the check first; the README gives those two commands, CI runs exactly the test one', () => {
    const scripts = JSON.parse(read('package.json')).scripts;
    expect(scripts.prestart).toBe('node scripts/ensure-installed.js');
    expect(scripts.pretest).toBe('node scripts/ensure-installed.js');
    const quickStart = read('README.md').split('## Quick start')[1].split('```')[1];
    expect(quickStart.split('\n').filter((line) => line.startsWith('npm')).map((line) => line.split('#')[0].trim())).toEqual(['npm start', 'npm test']);
    const ci = read('.ci/run').split('\n');
    expect(ci).toContain('npm test');
    expect(ci.filter((line) => /^npm ci\b/.test(line))).toEqual([]);
  });

  it('engines and the README name the supported Node versions; the README documents the tests\' variables', () => {
    const engines = JSON.parse(read('package.json')).engines.node;
    expect(engines).toBe('^20.19 || ^22.12 || >=24');
    const readme = read('README.md');
    expect(readme).toMatch(/Node\.js 24 \(recommended\), 22\.12\+, or 20\.19\+/);
    expect(readme).toContain('`TEST_DATABASE_URL`');
    expect(readme).toContain('`TEST_REDIS_URL`');
  });
});
