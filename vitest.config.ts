import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

const alias = { '@shared': resolve(import.meta.dirname, 'src-shared') };

/**
 * Four projects, run by `npm test` one after another (sequence.groupOrder), so the integration and e2e files never
 * compete for the test stack's fixed webhook port (8180) or for the two cores:
 * - unit: next to the code, fakes allowed, no services.
 * - integration: tests/integration, against the real stack (LiveKit, MongoDB-wire server, Redis) started by globalSetup.
 * - e2e: tests/e2e, real Chromium (Debian's) driving the web client against the real stack.
 * - electron: tests/electron, Playwright's _electron; skipped with the reason where the Electron binary is absent.
 * Integration and e2e files run in one worker without isolation (`isolate: false`): each file still runs its own
 * hooks and starts its own servers, but the modules they import (the server, the drivers, playwright-core) load once
 * rather than once per file. Isolated, importing took 3-6 s of every file: about 6.5 minutes of a CI run. So a file
 * must leave no per-process state behind for the next: it closes what it opened, and never calls rtc-node's
 * dispose(), after which rtc-node cannot start again in that process (the worker's end frees it).
 * In both, `expect.poll` waits up to 10 s by default (vitest's own default is 1 s): what they poll for comes after a
 * server round trip, a gateway event or a LiveKit change, which a busy two-core CI machine can take longer than 1 s to
 * deliver. A broken product still fails the poll, 10 s later.
 */
const pollDefaults = { poll: { timeout: 10_000 } };
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['src-*/**/*.test.{ts,tsx}', 'server/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          isolate: false,
          expect: pollDefaults,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          sequence: { groupOrder: 2 },
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          isolate: false,
          expect: pollDefaults,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'electron',
          sequence: { groupOrder: 3 },
          include: ['tests/electron/**/*.test.ts'],
          globalSetup: ['tests/electron/global-setup.ts'],
          testTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
