import tseslint from 'typescript-eslint';

const DRIVERS = ['knex', 'pg', 'amqplib', 'ioredis', 'express', '@shop/db'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '.run/**', 'load-tests/**', '**/dist/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    // The domain reads like the story: it names what it needs in domain/ports.ts and imports
    // no data/ module, no driver and no @shop/db (STYLE.md, "Thin edges", "Ports in every domain").
    files: ['services/*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: DRIVERS.map((name) => ({ name, message: 'domain/ names what it needs in ports.ts; data/ implements it' })),
        patterns: [{ group: ['**/data/*', '**/data'], message: 'domain/ must not import data/: name the need in ports.ts' }],
      }],
    },
  },
  {
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
