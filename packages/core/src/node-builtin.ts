/**
 * Imports a module that only Node has (node: builtins, onnxruntime-node) by a specifier bundlers cannot see,
 * so browser builds neither stub it nor warn about it. A constant would not do: minifiers inline it.
 */
export function importNodeOnly<T>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;
}
