// `await using` support that engines without `Symbol.asyncDispose` (WebKit, Safari) survive: a computed key
// `[Symbol.asyncDispose]` there names a property "undefined". Where the symbol is missing, the key is the
// registered `Symbol.for('Symbol.asyncDispose')` that Babel's and esbuild's compiled `await using` look up.

/** `Symbol.asyncDispose`, or where the engine lacks it the registered symbol compilers fall back to. */
export const asyncDisposeKey: symbol = (Symbol as { asyncDispose?: symbol }).asyncDispose ?? Symbol.for('Symbol.asyncDispose');

/** Gives `target` an async dispose method (not enumerable) under {@link asyncDisposeKey}; returns it. */
export function withAsyncDispose<T extends object>(
  target: T,
  dispose: () => Promise<void>,
): T & { [Symbol.asyncDispose](): Promise<void> } {
  Object.defineProperty(target, asyncDisposeKey, { value: dispose, configurable: true, writable: true });
  return target as T & { [Symbol.asyncDispose](): Promise<void> };
}
