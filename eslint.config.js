// Lint: typescript-eslint's recommended rules plus the architecture's dependency direction
// (domain ← app ← adapters ← main), enforced here rather than remembered.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const SDKS = ['rss-parser', 'ccxt', 'better-sqlite3', 'discord.js', '@discordjs/*', 'telegraf', 'undici'];

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', performance: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', AbortSignal: 'readonly', TextDecoder: 'readonly', fetch: 'readonly', Buffer: 'readonly', structuredClone: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/app/**', '**/adapters/**', '**/config/**', '**/main.ts', '**/demo/**', '**/loopback/**'], message: 'domain is pure: it imports only domain modules.' },
          { group: [...SDKS, 'pino', 'node-cron', 'node:fs*', 'node:http*', 'node:net', 'yaml'], message: 'domain does no IO: take data as arguments.' },
        ],
      }],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'domain does no IO.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'time is an input: take `now` as an argument.' }],
    },
  },
  {
    files: ['src/app/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/adapters/**', '**/main.ts', '**/demo/**', '**/loopback/**'], message: 'app depends on ports, not adapters: wire adapters in main.ts.' },
          { group: SDKS, message: 'SDKs live in adapters only.' },
        ],
      }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'use the runtime clock.' }],
    },
  },
);
