// Where libjpeg-turbo's WebAssembly comes from: the jpeg-turbo.wasm of @cwasm/jpeg-turbo, read from
// the installed package in Node and fetched, in browsers, from the URL that @retina/worker's build
// (or an app, with setJpegDecoderWasm) gives. It is compiled once, on first need.
import { RetinaError } from '../../errors.js';
import { importNodeOnly } from '../../node-builtin.js';
import { isNode } from '../read-source.js';

/** The wasm as a URL to fetch, its bytes, or a compiled module. */
export type JpegDecoderWasmSource = string | URL | ArrayBuffer | Uint8Array | WebAssembly.Module;

const PACKAGE_FILE = '@cwasm/jpeg-turbo/jpeg-turbo.wasm';

let configured: JpegDecoderWasmSource | undefined;
let compiled: Promise<WebAssembly.Module> | undefined;

/**
 * Tells Retina where libjpeg-turbo's WebAssembly (`@cwasm/jpeg-turbo/jpeg-turbo.wasm`) is, for
 * browsers whose own JPEG decoder does not give Pillow's pixels. `@retina/worker` sets it itself;
 * Node reads it from the installed package.
 */
export function setJpegDecoderWasm(source: JpegDecoderWasmSource): void {
  configured = source;
  compiled = undefined;
}

async function readFromPackage(): Promise<Uint8Array> {
  const { createRequire } = await importNodeOnly<typeof import('node:module')>('node:module');
  const { readFile } = await importNodeOnly<typeof import('node:fs/promises')>('node:fs/promises');
  return readFile(createRequire(import.meta.url).resolve(PACKAGE_FILE));
}

async function fetchWasm(url: string | URL): Promise<ArrayBuffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetching ${String(url)} gave HTTP ${response.status}`);
  return response.arrayBuffer();
}

async function compile(source: JpegDecoderWasmSource | undefined): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source === 'string' || source instanceof URL) return WebAssembly.compile(await fetchWasm(source));
  if (source) return WebAssembly.compile(source as BufferSource);
  if (isNode()) return WebAssembly.compile((await readFromPackage()) as BufferSource);
  throw new Error(`no location was given for ${PACKAGE_FILE}`);
}

/** libjpeg-turbo's compiled module; a failure is not kept, so the next call tries again. */
export function jpegDecoderModule(): Promise<WebAssembly.Module> {
  compiled ??= compile(configured).catch((cause: unknown) => {
    compiled = undefined;
    throw new RetinaError(
      'IMAGE_DECODE_FAILED',
      `The JPEG decoder (libjpeg-turbo WebAssembly) could not be loaded: ${(cause as Error).message}. ` +
        `Serve ${PACKAGE_FILE} with your app and pass its URL to setJpegDecoderWasm (@retina/worker does this itself), ` +
        "allow WebAssembly ('wasm-unsafe-eval'), or decode the image yourself and pass {data, width, height, channels}.",
      { cause },
    );
  });
  return compiled;
}
