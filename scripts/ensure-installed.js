#!/usr/bin/env node
// `npm start` and `npm test` run this first (prestart, pretest): it installs the dependencies with `npm ci` only when
// node_modules does not hold exactly what package-lock.json says — on a fresh clone, or after the lockfile changed.
// Otherwise it leaves node_modules alone, so running the tests never wipes the modules of a server that is running.
// Plain Node, no dependencies: it runs before anything is installed.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/**
 * Why node_modules does not match the lockfile, or null when it does. npm writes node_modules/.package-lock.json
 * (the "hidden lockfile") when it installs: every package it put there, with its version.
 */
function mismatch(root) {
  const lockFile = path.join(root, 'package-lock.json');
  const hiddenFile = path.join(root, 'node_modules', '.package-lock.json');
  if (!fs.existsSync(hiddenFile)) return 'node_modules is missing or was not installed by npm';
  const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8')).packages ?? {};
  const hidden = JSON.parse(fs.readFileSync(hiddenFile, 'utf8')).packages ?? {};
  for (const [name, entry] of Object.entries(lock)) {
    if (name === '' || !name.startsWith('node_modules/')) continue;
    const installed = hidden[name];
    // Optional packages for other platforms are never installed.
    if (!installed) {
      if (entry.optional || entry.devOptional) continue;
      return `${name.slice('node_modules/'.length)} is not installed`;
    }
    if (installed.version !== entry.version) return `${name.slice('node_modules/'.length)} is ${installed.version}, the lockfile says ${entry.version}`;
  }
  for (const name of Object.keys(hidden)) {
    if (!(name in lock)) return `${name.slice('node_modules/'.length)} is installed but not in the lockfile`;
  }
  return null;
}

function main() {
  // The project's root; a test passes another folder.
  const root = path.resolve(process.argv[2] ?? path.join(__dirname, '..'));
  const reason = mismatch(root);
  if (reason === null) return;
  console.error(`Installing the dependencies (npm ci): ${reason}.`);
  // Under `npm start`/`npm test`, npm names itself in npm_execpath: the same npm installs.
  const npm = process.env.npm_execpath;
  const result = npm
    ? spawnSync(process.execPath, [npm, 'ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' })
    : spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

module.exports = { mismatch };
if (require.main === module) main();
