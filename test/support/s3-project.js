// The `archive on S3` jest project: every test app of these files keeps its archive in an S3 server of its own.
process.env.TEST_ARCHIVE_STORAGE = 's3';
