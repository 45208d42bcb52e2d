// The JS heap of a page's dedicated worker, read over the DevTools protocol: Chromium exposes no heap
// size inside workers (performance.memory is the window's only). Playwright drops the messages of
// flattened child sessions that it did not open itself, so the worker is reached through the nested
// protocol: its commands and replies travel in Target.sendMessageToTarget / receivedMessageFromTarget.
import type { CDPSession, Page } from '@playwright/test';

interface Reply {
  id: number;
  result?: Record<string, number>;
  error?: { message: string };
}

export class WorkerHeap {
  readonly #cdp: CDPSession;
  /** Session ids of the page's live workers. */
  readonly #workers = new Set<string>();
  readonly #replies = new Map<number, (reply: Reply) => void>();
  #nextId = 1;

  private constructor(cdp: CDPSession) {
    this.#cdp = cdp;
    cdp.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => {
      if (targetInfo.type === 'worker') this.#workers.add(sessionId);
    });
    cdp.on('Target.detachedFromTarget', ({ sessionId }) => this.#workers.delete(sessionId));
    cdp.on('Target.receivedMessageFromTarget', ({ message }) => {
      const reply = JSON.parse(message) as Reply;
      this.#replies.get(reply.id)?.(reply);
      this.#replies.delete(reply.id);
    });
  }

  /** Watches the workers `page` has and starts from now on. */
  static async watch(page: Page): Promise<WorkerHeap> {
    const heap = new WorkerHeap(await page.context().newCDPSession(page));
    await heap.#cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
    return heap;
  }

  /**
   * Bytes the page's only worker holds after a full garbage collection: its JS heap, the Blink objects
   * it reaches, and the backing stores of its ArrayBuffers (typed arrays, images, WebAssembly memory).
   */
  async usedBytes(): Promise<number> {
    const [worker, ...others] = this.#workers;
    if (worker === undefined || others.length > 0) throw new Error(`Expected one worker, the page has ${this.#workers.size}.`);
    await this.#send(worker, 'HeapProfiler.collectGarbage');
    const usage = await this.#send(worker, 'Runtime.getHeapUsage');
    return usage.usedSize! + usage.embedderHeapUsedSize! + usage.backingStorageSize!;
  }

  async #send(sessionId: string, method: string): Promise<Record<string, number>> {
    const id = this.#nextId++;
    const reply = new Promise<Reply>((resolve) => this.#replies.set(id, resolve));
    await this.#cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) });
    const { result, error } = await reply;
    if (error) throw new Error(`${method} failed in the worker: ${error.message}`);
    return result!;
  }
}
