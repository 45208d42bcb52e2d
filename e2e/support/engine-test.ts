// The cross-browser spec's test: one engine per Playwright project (option `engine`), launched once per
// Playwright worker, and a fresh page in an empty profile per test.
import { test as base } from '@playwright/test';
import { launchEngine, type EngineBrowser, type EngineName, type EnginePage } from './engines.js';

export interface EngineOptions {
  engine: EngineName;
}

export const test = base.extend<{ enginePage: EnginePage }, EngineOptions & { engineBrowser: EngineBrowser }>({
  engine: ['chromium', { option: true, scope: 'worker' }],
  engineBrowser: [
    async ({ engine }, use) => {
      const browser = await launchEngine(engine);
      try {
        await use(browser);
      } finally {
        await browser.close();
      }
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  enginePage: async ({ engineBrowser }, use) => {
    const page = await engineBrowser.newPage();
    try {
      await use(page);
    } finally {
      await page.close();
    }
  },
});

export { expect } from '@playwright/test';
