import { openDatabase, openRedis, StartupError } from '../../src/boot';
import { loadConfig } from '../../src/config/config';

async function messageOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(StartupError);
    return (error as Error).message;
  }
  throw new Error('expected a StartupError');
}

describe('start-up says which service is missing, where it looked, and how to start it', () => {
  it('MySQL unreachable', async () => {
    const config = loadConfig({ DATABASE_URL: 'mysql://root@127.0.0.1:1/klientadmin' });
    const message = await messageOf(() => openDatabase(config, { migrate: false }));
    expect(message).toContain('Cannot reach MySQL at 127.0.0.1:1 (DATABASE_URL): ECONNREFUSED');
    expect(message).toContain('docker compose up -d');
  });

  it('Redis unreachable', async () => {
    const config = loadConfig({ REDIS_URL: 'redis://127.0.0.1:1' });
    const message = await messageOf(() => openRedis(config));
    expect(message).toContain('Cannot reach Redis at 127.0.0.1:1 (REDIS_URL): ECONNREFUSED');
    expect(message).toContain('docker compose up -d');
  });
});
