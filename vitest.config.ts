import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // restify loads without its one deprecation warning, as in the service and the CLI.
    setupFiles: ['src/http/quiet-restify.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // A poll waits for what a user would see; on two busy cores that can take more than the default second.
    expect: { poll: { timeout: 10_000 } },
    // Browser and Redis suites start real processes; two cores on CI.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
