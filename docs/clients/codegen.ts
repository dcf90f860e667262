// graphql-codegen's configuration for the README's TypeScript client: run it from the
// repository root with `npx graphql-codegen --config docs/clients/codegen.ts`.
// Money, dates and percentages are strings (exact decimals, ISO dates); no scalar is left `any`.
const config = {
  schema: 'schema.graphql',
  documents: 'docs/clients/operations.graphql',
  generates: {
    'docs/clients/generated.ts': {
      plugins: ['typescript', 'typescript-operations'],
      config: {
        strictScalars: true,
        enumsAsTypes: true,
        scalars: {
          Date: 'string',
          DateTime: 'string',
          Decimal: 'string',
          Percentage: 'string',
          JSON: 'unknown',
        },
      },
    },
  },
};
export default config;
