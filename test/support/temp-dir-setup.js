// Jest's global setup: the test run gets a temporary folder of its own (TMPDIR, which os.tmpdir() and the product's
// child processes read), so that what the tests leave behind can be found — and nobody else's files are mistaken for
// theirs when other runs share the machine. The teardown fails the run if anything is left in it.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'klientadmin-tests-'));
  process.env.KLIENTADMIN_TEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
  // Node 22+ (and npm on it) keep a module compile cache under the temp folder; it is Node's, not a test's leftover.
  process.env.NODE_DISABLE_COMPILE_CACHE = '1';
};
