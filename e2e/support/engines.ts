// The three browser engines of the cross-browser spec behind one small page interface: Debian's Chromium
// through Playwright, Debian's Firefox ESR through puppeteer-core over WebDriver BiDi (Playwright's own
// Firefox driver needs BiDi commands ESR lacks), and WebKitGTK through WebKitWebDriver. Never a browser
// that a test tool downloads. Scripts run in the page as source text with a JSON argument and JSON result,
// the one shape all three protocols share.
import { chromium } from '@playwright/test';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';
import { WebKitDriver } from './webdriver.js';

export type EngineName = 'chromium' | 'firefox' | 'webkit';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** A tab with its own profile: a fresh one starts with empty caches, like a first visit. */
export interface EnginePage {
  readonly engine: EngineName;
  goto(url: string): Promise<void>;
  /** Calls `fn(arg)` in the page; `fn` must not close over anything, `arg` and the result are JSON. */
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  close(): Promise<void>;
}

export interface EngineBrowser {
  readonly engine: EngineName;
  /** A page in a new, empty profile (private context or new browser session). */
  newPage(): Promise<EnginePage>;
  close(): Promise<void>;
}

function call<A>(fn: (arg: A) => unknown, arg: A): string {
  return `(${fn.toString()})(${JSON.stringify(arg)})`;
}

async function launchChromium(): Promise<EngineBrowser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  return {
    engine: 'chromium',
    async newPage() {
      const context = await browser.newContext();
      const page = await context.newPage();
      return {
        engine: 'chromium',
        goto: async (url) => void (await page.goto(url)),
        evaluate: (fn, arg) => page.evaluate<never>(call(fn, arg)),
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

async function launchFirefox(): Promise<EngineBrowser> {
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX_PATH, headless: true, protocolTimeout: 600_000 });
  return {
    engine: 'firefox',
    async newPage() {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      return {
        engine: 'firefox',
        goto: async (url) => void (await page.goto(url)),
        evaluate: async (fn, arg) => (await page.evaluate(call(fn, arg))) as never,
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

async function launchWebKit(): Promise<EngineBrowser> {
  const driver = await WebKitDriver.start();
  return {
    engine: 'webkit',
    async newPage() {
      const session = await driver.newSession();
      return {
        engine: 'webkit',
        goto: (url) => session.goto(url),
        evaluate: async (fn, arg) => (await session.evaluate(call(fn, arg))) as never,
        close: () => session.close(),
      };
    },
    close: async () => driver.close(),
  };
}

export function launchEngine(engine: EngineName): Promise<EngineBrowser> {
  return { chromium: launchChromium, firefox: launchFirefox, webkit: launchWebKit }[engine]();
}
