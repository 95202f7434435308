import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { printApiSchema } from './schema';

/** Writes schema.graphql at the project root from the code (`npm run schema:emit`). */
const target = path.resolve(__dirname, '..', '..', ...(__dirname.includes(`${path.sep}dist${path.sep}`) ? ['..'] : []), 'schema.graphql');
writeFileSync(target, printApiSchema());
console.log(`wrote ${target}`);
