/**
 * Vitest configuration: every suite under test/, JSON results for the CI summary line, a guard against leaked temp
 * files. Two groups, one after the other: the unit tests, two files at a time (the machines have two cores); then the
 * tests that start real servers, tools or network namespaces (`serial-test-files.ts`), one file at a time, since
 * they wait on daemons and time out under contention.
 */
import { defineConfig } from 'vitest/config';
import { serialTestFiles } from './test/serial-test-files.ts';

const serial = serialTestFiles('test');

export default defineConfig({
  test: {
    reporters: process.env.VITEST_JSON
      ? ['default', ['json', { outputFile: process.env.VITEST_JSON }]]
      : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: serial,
          globalSetup: ['test/temp-dir-guard.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'real',
          include: serial.length > 0 ? serial : ['no-serial-test-files'],
          globalSetup: ['test/temp-dir-guard.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
