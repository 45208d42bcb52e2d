import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './support/chromium.js';
import type { EngineOptions } from './support/engine-test.js';
import type { DeviceOptions } from './support/test.js';

const port = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig<DeviceOptions & EngineOptions>({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  globalSetup: './support/build-packages.ts',
  // Two CPU cores: one browser at a time.
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  forbidOnly: !!process.env.CI,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  webServer: {
    command: 'pnpm exec tsx e2e/server/static-server.ts',
    cwd: '..',
    url: `http://127.0.0.1:${port}/health`,
    env: { E2E_PORT: String(port) },
    reuseExistingServer: !process.env.CI,
  },
  projects: [
    {
      name: 'webgpu',
      // Decoding images, reading checkpoints and installing the packages do not touch the GPU: the wasm project covers them.
      testIgnore: [
        'image-decoding.spec.ts',
        'jpeg-decoding.spec.ts',
        'checkpoint-loading.spec.ts',
        'install.spec.ts',
        'cross-browser.spec.ts',
        'shipped-syntax.spec.ts',
      ],
      // Tests tagged @wasm-only are not generated here (SwiftShader is slow; a few models prove the path).
      grepInvert: /@wasm-only/,
      use: {
        device: 'webgpu',
        launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] },
      },
    },
    // Losing the GPU, and which nodes run on it, only mean something where there is one.
    {
      name: 'wasm',
      use: { device: 'wasm' },
      testIgnore: ['gpu-loss.spec.ts', 'webgpu-placement.spec.ts'],
      grepInvert: /@webgpu-only|@covered-in-chromium/,
    },
    // The cross-browser spec in the other engines (in Chromium the wasm project runs it): Debian's Firefox ESR
    // over WebDriver BiDi and WebKitGTK through WebKitWebDriver, launched by the spec's own fixture.
    { name: 'firefox', testMatch: 'cross-browser.spec.ts', use: { engine: 'firefox' } },
    { name: 'webkit', testMatch: 'cross-browser.spec.ts', use: { engine: 'webkit' } },
  ],
});
