import { defineConfig } from '@playwright/test';

// Debian's Chromium, launched the way this machine allows (no downloads, no background network).
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  timeout: 60_000,
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: process.env.PW_JSON_OUT ? [['list'], ['json', { outputFile: process.env.PW_JSON_OUT }]] : [['list']],
  projects: [
    {
      name: 'chromium',
      testIgnore: ['electron/**'],
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
        viewport: { width: 1920, height: 1080 },
      },
    },
    // The desktop app (skipped, with the reason, where no Electron binary is installed).
    { name: 'electron', testMatch: ['electron/**/*.spec.ts'] },
  ],
});
