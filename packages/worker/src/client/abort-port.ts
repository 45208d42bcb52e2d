import { transfer } from 'comlink';

/**
 * A MessagePort to send along with a call, through which `signal`'s abort reaches the worker:
 * AbortSignals cannot be cloned. `close()` when the call has settled.
 */
export function abortPortFor(signal: AbortSignal): { port: MessagePort; close(): void } {
  const { port1, port2 } = new MessageChannel();
  const forward = () => {
    try {
      port1.postMessage(signal.reason);
    } catch {
      // The reason is not cloneable: the worker still learns that the call was aborted.
      port1.postMessage(new DOMException('The operation was aborted.', 'AbortError'));
    }
  };
  signal.addEventListener('abort', forward, { once: true });
  return {
    port: transfer(port2, [port2]),
    close() {
      signal.removeEventListener('abort', forward);
      port1.close();
    },
  };
}
