import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // better-sqlite3 and loopback servers are process-bound; forks isolate them cleanly.
    pool: 'forks',
    setupFiles: ['test/setup/no-network.ts'],
  },
});
