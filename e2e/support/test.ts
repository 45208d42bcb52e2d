import { test as base, expect, type Page } from '@playwright/test';

export interface DeviceOptions {
  /** The backend every load of the project asks for explicitly: a missing WebGPU adapter fails the load. */
  device: 'webgpu' | 'wasm';
}

export const test = base.extend<DeviceOptions & { retinaPage: Page }>({
  device: ['wasm', { option: true }],
  /** The test page with the script-tag build loaded (global `Retina`). */
  retinaPage: async ({ page }, use) => {
    await page.goto('/pages/index.html');
    await page.waitForFunction(() => typeof Retina === 'object');
    await use(page);
  },
});

export { expect };

/** Absolute URL of a fixture model: absolute http(s) URLs are the ones the hub keeps in the Cache API. */
export function modelUrl(page: Page, model: string, prefix = '/fixtures'): string {
  return new URL(`${prefix}/models/${model}`, page.url()).href;
}
