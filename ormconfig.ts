import 'reflect-metadata';
import { loadConfig } from './src/config/config';
import { createDataSource } from './src/db/data-source';

/** The DataSource for the TypeORM CLI (e.g. `npx typeorm migration:generate -d dist/ormconfig.js`). */
export default createDataSource({ databaseUrl: loadConfig().databaseUrl });
