// Jest's global teardown: tests remove what they create under the OS temp folder. Anything left in the run's own
// temporary folder (see temp-dir-setup.js) is named and fails the run; the folder is removed either way.
const fs = require('node:fs');

module.exports = async function teardown() {
  const dir = process.env.KLIENTADMIN_TEST_TMPDIR;
  if (!dir || !fs.existsSync(dir)) return;
  const left = fs.readdirSync(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  if (left.length > 0) {
    throw new Error(`The tests left ${left.length} item(s) in the temporary folder: ${left.join(', ')}. Each test removes what it creates.`);
  }
};
