import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isObjectType, isInputObjectType, isInterfaceType, isEnumType, isScalarType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { apiSchema, printApiSchema } from '../../src/graphql/schema';

const root = path.resolve(__dirname, '..', '..');
const contractCheck = path.resolve(root, '..', 'shared', 'contract', 'check-schema.mjs');

describe('schema.graphql', () => {
  it('is emitted from the code and committed up to date (run `npm run schema:emit` after changing the API)', () => {
    expect(readFileSync(path.join(root, 'schema.graphql'), 'utf8')).toBe(printApiSchema());
  });

  (existsSync(contractCheck) ? it : it.skip)('keeps the API contract', () => {
    const out = execFileSync(process.execPath, [contractCheck, 'schema.graphql'], { cwd: root, encoding: 'utf8' });
    expect(out).toContain('keeps the contract');
  });

  (existsSync(contractCheck) ? it : it.skip)('keeps the contract parts uploads, packages, specifications and integrations (documentation into the archive, folders out as BagIt ZIPs, the statutory specification set, API keys and webhooks)', () => {
    const out = execFileSync(process.execPath, [contractCheck, '--with=uploads,packages,specifications,integrations', 'schema.graphql'], { cwd: root, encoding: 'utf8' });
    expect(out).toContain('keeps the contract');
  });

  (existsSync(contractCheck) ? it : it.skip)('keeps the contract part client-side (the client\'s view, bulk ending, retention, notices)', () => {
    const out = execFileSync(process.execPath, [contractCheck, '--with=client-side', 'schema.graphql'], { cwd: root, encoding: 'utf8' });
    expect(out).toContain('keeps the contract');
  });

  it('describes every type, field, argument, input field and enum value', () => {
    const missing: string[] = [];
    for (const type of Object.values(apiSchema().getTypeMap())) {
      if (type.name.startsWith('__') || (isScalarType(type) && ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name))) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) if (!arg.description && !['first', 'after', 'filter', 'input', 'id', 'clientId'].includes(arg.name)) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isEnumType(type)) for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
    }
    expect(missing).toEqual([]);
  });

  it('says in its descriptions what an operation does, without the rule codes of docs/rules.md (E4, A6, …)', () => {
    // E4, S2, A6, …; not A07 (an A-melding form) or S3-compatible (object storage).
    const ruleCode = /\b[AES](?:[1-9]|1[0-9])\b(?!-)/;
    const cited: string[] = [];
    const check = (where: string, description: string | null | undefined) => {
      if (description && ruleCode.test(description)) cited.push(`${where}: ${description}`);
    };
    for (const type of Object.values(apiSchema().getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      check(type.name, type.description);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          check(`${type.name}.${field.name}`, field.description);
          for (const arg of 'args' in field ? field.args : []) check(`${type.name}.${field.name}(${arg.name})`, arg.description);
        }
      }
      if (isEnumType(type)) for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    }
    expect(cited).toEqual([]);
    expect(readFileSync(path.join(root, 'schema.graphql'), 'utf8')).not.toMatch(ruleCode);
  });
});

describe('plain fields', () => {
  // Compiled execution (graphql-jit) reads a field without a resolver in place and does not wait for a promise there:
  // a connection's `totalCount` is a getter that counts (a promise), so connections keep type-graphql's resolvers.
  it('are read by graphql itself: every object type but connections has simpleResolvers, and no plain field renames its property or has middlewares', () => {
    apiSchema();
    const storage = getMetadataStorage();
    const objectTypes = storage.objectTypes.filter((type) => type.simpleResolvers === true);
    expect(objectTypes.length).toBeGreaterThan(40);
    expect(storage.objectTypes.filter((type) => type.simpleResolvers !== true).map((type) => type.name).filter((name) => !name.endsWith('Connection'))).toEqual([]);
    const resolved = new Set(storage.fieldResolvers.map((resolver) => `${resolver.getObjectType?.().name}.${resolver.methodName}`));
    const misfits: string[] = [];
    for (const type of objectTypes) {
      const interfaceFields = storage.interfaceTypes.filter((it) => type.interfaceClasses?.includes(it.target)).flatMap((it) => it.fields ?? []);
      for (const field of [...interfaceFields, ...(type.fields ?? [])]) {
        if (resolved.has(`${type.target.name}.${field.name}`)) continue;
        if (field.name !== field.schemaName || field.middlewares?.length || field.roles) misfits.push(`${type.name}.${field.schemaName}`);
      }
    }
    expect(misfits).toEqual([]);
  });
});
