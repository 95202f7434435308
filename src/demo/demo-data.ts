import path from 'node:path';
import type { Opened } from '../boot';
import { importFile } from '../import/importer';
import { loadImportFile } from '../import/load-import-file';
import { Partner } from '../partners/partner.entity';
import { tellDemoStory } from './demo-story';

/** The demo import file and the user whose token `npm start` prints. */
export const DEMO_FILE = path.resolve(__dirname, '..', '..', ...(__dirname.includes(`${path.sep}dist${path.sep}`) ? ['..'] : []), 'demo', 'demo-data.json');
export const DEMO_USER_ID = 'u-kari';

/**
 * On a laptop's empty database, `npm start` loads the demo data (LOAD_DEMO_DATA=false turns this off). In production
 * only when asked for with LOAD_DEMO_DATA=true: demo users with known ids in a real installation are a way in.
 */
function demoDataWanted(env: NodeJS.ProcessEnv, nodeEnv: string): boolean {
  return nodeEnv === 'production' ? env.LOAD_DEMO_DATA === 'true' : env.LOAD_DEMO_DATA !== 'false';
}

/**
 * Loads the demo data into an empty database, then its history: archived relationships generated from the demo books
 * and one pending ending (src/demo/demo-story.ts).
 */
export async function loadDemoDataIfEmpty(opened: Opened, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (!demoDataWanted(env, opened.runtime.config.nodeEnv)) return false;
  if ((await opened.runtime.dataSource.getRepository(Partner).count()) > 0) return false;
  const { dataSource, logger, services, config, clock } = opened.runtime;
  await importFile({ dataSource, logger, audit: services.audit, ledger: services.ledger }, await loadImportFile(DEMO_FILE));
  await tellDemoStory({ config, dataSource, logger, clock });
  return true;
}

