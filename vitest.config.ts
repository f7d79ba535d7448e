import { defineConfig } from 'vitest/config';

// Unit tests are pure and fast. Integration tests talk to the real broker and server that
// `eastwatch stack up` starts; each uses its own topics, consumer groups and database.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
          // Unit tests run first, then the integration tests, each group with its own workers.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // The two cores of a CI machine are shared with the broker and the server.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
