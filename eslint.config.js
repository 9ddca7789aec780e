// ESLint with typescript-eslint's type-aware rules (npm run lint; .ci/run runs it). Each rule
// turned off or down below says why; a finding kept on purpose carries an eslint-disable comment
// with its reason where it occurs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // Generated resolver types (npm run codegen) are checked by tsc and by their freshness test, not
  // linted: their style is the generator's.
  { ignores: ['node_modules/', 'dist/', '.data/', 'artifacts/', 'bench/results/', '**/*.js', '**/*.mjs', '**/*.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // Each file is checked with the tsconfig that owns it: the root one, web/'s or bench/'s.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Unused names are mistakes; a leading underscore marks a parameter kept for its position
      // (a resolver's parent or args).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests, benchmarks and the pages read GraphQL answers as JSON (postGraphQL's data is \`any\`) and poke at
    // them field by field; typing every answer would need typed documents (issue 16's later
    // step). Everything that runs in production keeps the unsafe-any rules as errors; its code
    // that runs on every subgraph's database names its tables through one alias (AnyTables,
    // db/index.ts, which says why).
    files: ['tests/**/*.ts', 'subgraphs/**/*.test.ts', 'subgraphs/*/tests/**/*.ts', 'bench/**/*.ts', 'web/**/*.ts', 'web/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    rules: {
      // Resolvers, plugin hooks and loaders are declared async without awaiting so that a
      // synchronous throw reaches the caller as a rejected promise, which is what Apollo and
      // DataLoader handle; the rule would have them drop `async` and throw synchronously.
      '@typescript-eslint/require-await': 'off',
      // graphql-js's Kind and OperationTypeNode are string enums; the code compares them with
      // their literal values ('Field', 'mutation') as graphql-js's own examples do, exactly.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
    },
  },
  {
    // Migrations are frozen in time and take Kysely<any> (kysely's own advice: a migration must
    // not import the app's table types, which change after it).
    files: ['**/migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
