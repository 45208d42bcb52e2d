// WebKitGTK for the cross-browser spec: Debian's WebKitWebDriver starting MiniBrowser under Xvfb, driven over
// the W3C WebDriver protocol (WebKitWebDriver speaks no WebDriver BiDi yet). Only the four commands the spec
// needs: new session, navigate, execute async script, delete session.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Reply {
  value: unknown;
}

interface WebDriverError {
  error: string;
  message: string;
}

/** WebKitWebDriver under its own Xvfb display (xvfb-run), one process group, ended by {@link close}. */
export class WebKitDriver {
  readonly #process: ChildProcess;
  readonly #url: string;

  private constructor(process: ChildProcess, url: string) {
    this.#process = process;
    this.#url = url;
  }

  static async start(): Promise<WebKitDriver> {
    const port = await freePort();
    // -a: a free display number; the server's own screen is enough for MiniBrowser's one window.
    const child = spawn('xvfb-run', ['-a', '-s', '-screen 0 1280x1024x24', WEBKIT_DRIVER, `--port=${port}`, '--host=127.0.0.1'], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const driver = new WebKitDriver(child, `http://127.0.0.1:${port}`);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ready = await fetch(`${driver.#url}/status`)
        .then((response) => response.ok)
        .catch(() => false);
      if (ready) return driver;
      if (child.exitCode !== null || Date.now() > deadline) {
        driver.close();
        throw new Error(`WebKitWebDriver did not start (exit ${child.exitCode}): ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async request(method: 'GET' | 'POST' | 'DELETE', path: string, body?: object): Promise<unknown> {
    const response = await fetch(`${this.#url}${path}`, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body && JSON.stringify(body),
    });
    const { value } = (await response.json()) as Reply;
    if (!response.ok) {
      const { error, message } = value as WebDriverError;
      throw new Error(`WebDriver ${method} ${path}: ${error}: ${message}`);
    }
    return value;
  }

  /** A new MiniBrowser (a fresh, ephemeral profile) in a session of its own. */
  async newSession(browserArgs: readonly string[] = []): Promise<WebKitSession> {
    const { sessionId } = (await this.request('POST', '/session', {
      capabilities: {
        alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation', ...browserArgs] } },
      },
    })) as { sessionId: string };
    await this.request('POST', `/session/${sessionId}/timeouts`, { script: 600_000 });
    return new WebKitSession(this, sessionId);
  }

  close(): void {
    if (this.#process.exitCode !== null || this.#process.pid === undefined) return;
    // xvfb-run, Xvfb and the driver share the process group started above.
    process.kill(-this.#process.pid, 'SIGTERM');
  }
}

export class WebKitSession {
  readonly #driver: WebKitDriver;
  readonly #id: string;

  constructor(driver: WebKitDriver, id: string) {
    this.#driver = driver;
    this.#id = id;
  }

  async goto(url: string): Promise<void> {
    await this.#driver.request('POST', `/session/${this.#id}/url`, { url });
  }

  /** Runs `source` (an expression giving a promise) in the page and resolves with its JSON value. */
  async evaluate(source: string): Promise<unknown> {
    const script = `const done = arguments[arguments.length - 1];
      Promise.resolve().then(() => ${source}).then(
        (value) => done({ value }),
        (error) => done({ error: String(error && error.stack ? error.message + '\\n' + error.stack : error) }),
      );`;
    const outcome = (await this.#driver.request('POST', `/session/${this.#id}/execute/async`, { script, args: [] })) as {
      value?: unknown;
      error?: string;
    };
    if (outcome.error !== undefined) throw new Error(`In WebKit: ${outcome.error}`);
    return outcome.value;
  }

  async close(): Promise<void> {
    await this.#driver.request('DELETE', `/session/${this.#id}`);
  }
}
