import { randomBytes } from 'node:crypto';
import { ManualClock, offsetClock, processClock } from '../../src/common/clock';
import { ConfigError, loadConfig } from '../../src/config/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const production = { NODE_ENV: 'production', AUTH_JWT_SECRET: randomBytes(32).toString('base64') };

describe('CLOCK_OFFSET: a developer runs the one clock ahead, never in production', () => {
  it('reads +3d, -12h, +90m and +30s as milliseconds, and moves the process clock by them', () => {
    expect(loadConfig({ CLOCK_OFFSET: '+3d' }).clockOffsetMs).toBe(3 * 86_400_000);
    expect(loadConfig({ CLOCK_OFFSET: '-12h' }).clockOffsetMs).toBe(-12 * 3_600_000);
    expect(loadConfig({ CLOCK_OFFSET: '+90m' }).clockOffsetMs).toBe(90 * 60_000);
    expect(loadConfig({ CLOCK_OFFSET: '+30s' }).clockOffsetMs).toBe(30_000);
    expect(loadConfig({}).clockOffsetMs).toBe(0);
    const base = new ManualClock('2026-11-28T12:00:00Z');
    expect(offsetClock(base, 3 * 86_400_000).now().toISOString()).toBe('2026-12-01T12:00:00.000Z');
    const ahead = processClock(loadConfig({ CLOCK_OFFSET: '+3d' })).now().getTime() - Date.now();
    expect(Math.abs(ahead - 3 * 86_400_000)).toBeLessThan(5_000);
  });

  it('refuses a malformed offset, one over 400 days, and any offset in production', () => {
    expect(problemsOf({ CLOCK_OFFSET: '3 days' })).toEqual([expect.stringMatching(/^CLOCK_OFFSET must be a signed amount/)]);
    expect(problemsOf({ CLOCK_OFFSET: '+500d' })).toEqual([expect.stringMatching(/^CLOCK_OFFSET may move the clock at most 400 days/)]);
    expect(problemsOf({ ...production, CLOCK_OFFSET: '+3d' })).toEqual(['CLOCK_OFFSET is refused when NODE_ENV=production: the product runs on the real time there']);
  });
});

describe('the explorer settings', () => {
  it('are on with a demo token outside production, off and without one in production', () => {
    expect(loadConfig({})).toMatchObject({ graphqlExplorer: true, explorerDemoUser: 'u-kari' });
    expect(loadConfig({ GRAPHQL_EXPLORER_DEMO_USER: '' })).toMatchObject({ explorerDemoUser: null });
    expect(loadConfig(production)).toMatchObject({ graphqlExplorer: false, explorerDemoUser: null });
    expect(loadConfig({ ...production, GRAPHQL_EXPLORER: 'true' })).toMatchObject({ graphqlExplorer: true, explorerDemoUser: null });
  });

  it('production refuses a demo user for the explorer; a bad value is named', () => {
    expect(problemsOf({ ...production, GRAPHQL_EXPLORER_DEMO_USER: 'u-kari' })).toEqual([expect.stringMatching(/^GRAPHQL_EXPLORER_DEMO_USER is refused when NODE_ENV=production/)]);
    expect(problemsOf({ GRAPHQL_EXPLORER: 'yes' })).toEqual(['GRAPHQL_EXPLORER must be true or false (got "yes")']);
  });
});
