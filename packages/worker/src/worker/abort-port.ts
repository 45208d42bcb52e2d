/**
 * The worker's end of a page AbortSignal: AbortSignals cannot be cloned, so the page sends a
 * MessagePort and posts the abort reason through it.
 */
export function signalFromPort(port: MessagePort | undefined): { signal: AbortSignal | undefined; close(): void } {
  if (!port) return { signal: undefined, close: () => undefined };
  const controller = new AbortController();
  port.onmessage = (event: MessageEvent) => controller.abort(event.data);
  return { signal: controller.signal, close: () => port.close() };
}
