import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * TypeScript types for a Klient Admin client, from the committed schema and the client's operations:
 * `npx graphql-codegen --config examples/codegen.ts` (from the project root). The scalars are mapped to what the API
 * sends, so nothing is left `unknown`: Date ("2027-01-31", an Oslo calendar date), DateTime (ISO 8601 instant),
 * YearMonth ("2026-06") are strings; JSONObject (an audit event's before/after) is a plain object.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: 'examples/client/operations.graphql',
  generates: {
    'examples/client/generated/graphql.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        scalars: {
          ID: { input: 'string', output: 'string' },
          Date: { input: 'string', output: 'string' },
          DateTime: { input: 'string', output: 'string' },
          YearMonth: { input: 'string', output: 'string' },
          JSONObject: { input: 'Record<string, unknown>', output: 'Record<string, unknown>' },
        },
        strictScalars: true,
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false },
        useTypeImports: true,
      },
    },
  },
};

export default config;
