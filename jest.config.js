/** What both projects share. */
const project = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  setupFiles: ['reflect-metadata'],
};

/** @type {import('jest').Config} */
module.exports = {
  // The run's own temporary folder, checked empty at the end (tests remove what they create).
  globalSetup: '<rootDir>/test/support/temp-dir-setup.js',
  globalTeardown: '<rootDir>/test/support/temp-dir-teardown.js',
  testTimeout: 30000,
  // Test files run in a worker that is replaced once it holds more than this after a file: in one long-lived process
  // the heap of ninety files grew towards Node's limit and the run crawled in garbage collection.
  workerIdleMemoryLimit: '1GB',
  projects: [
    { ...project, displayName: 'local', testMatch: ['**/*.test.ts'] },
    // The archive's tests once more with the archive in S3-compatible object storage (DESIGN S10): an S3 server
    // (s3rver) per test app, on loopback. The files whose checks go through the storage interface; the specification
    // and generation tests look at files on disk (inodes, folders) and run on the local driver only.
    {
      ...project,
      displayName: 'archive-on-s3',
      testMatch: [
        '<rootDir>/test/archive/download-and-retention.test.ts',
        '<rootDir>/test/archive/uploads.test.ts',
        '<rootDir>/test/archive/packages.test.ts',
        '<rootDir>/test/e2e/ending-to-archive.test.ts',
      ],
      setupFiles: [...project.setupFiles, '<rootDir>/test/support/s3-project.js'],
    },
  ],
};
