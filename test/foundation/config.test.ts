import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig } from '../../src/config/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration (contract: Configuration)', () => {
  it('has the contract defaults', () => {
    expect(loadConfig({})).toMatchObject({
      databaseUrl: 'mysql://root@127.0.0.1:3306/klientadmin',
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'klientadmin',
      port: 4000,
      workerPort: 4001,
      authJwtSecret: DEVELOPMENT_JWT_SECRET,
      authJwtSecretIsDefault: true,
      archiveDir: './var/archive',
    });
  });

  it('names every bad value in one error', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgres://x/y', REDIS_URL: 'nope', QUEUE_PREFIX: 'a:b', PORT: '99999', WORKER_PORT: 'x', AUTH_JWT_SECRET: 'short', LOG_LEVEL: 'loud' });
    expect(problems).toHaveLength(7);
    expect(problems.join('\n')).toMatch(/DATABASE_URL[\s\S]*REDIS_URL[\s\S]*QUEUE_PREFIX[\s\S]*PORT[\s\S]*WORKER_PORT[\s\S]*AUTH_JWT_SECRET[\s\S]*LOG_LEVEL/);
  });

  it('requires AUTH_JWT_SECRET when NODE_ENV=production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual(['AUTH_JWT_SECRET is required when NODE_ENV=production']);
    expect(problemsOf({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(32) })).toEqual([]);
  });

  it('requires a database name in DATABASE_URL', () => {
    expect(problemsOf({ DATABASE_URL: 'mysql://root@127.0.0.1:3306/' })[0]).toContain('must name a database');
  });
});
