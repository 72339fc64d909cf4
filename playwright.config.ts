import { defineConfig } from '@playwright/test';

// Chromium comes from Debian (/usr/bin/chromium); Playwright never downloads a browser here.
export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: 'target/playwright',
  // Every spec runs against the direct build; the flows of a sources manager run again with
  // the relay build, through kommo-relay (tests/e2e/fixtures/relay.ts).
  projects: [
    { name: 'direct', testIgnore: 'relay.spec.ts' },
    {
      name: 'relay',
      testMatch: [
        'manager-list.spec.ts',
        'manager-edit.spec.ts',
        'manager-data.spec.ts',
        'manager-faults.spec.ts',
        'manager-keyboard.spec.ts',
        'manager-traffic.spec.ts',
        'manager-snippet.spec.ts',
        'manager-pipeline.spec.ts',
        'a11y.spec.ts',
        'relay.spec.ts',
        'history.spec.ts',
      ],
    },
  ],
  use: {
    browserName: 'chromium',
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-dev-shm-usage',
      ],
    },
  },
});
