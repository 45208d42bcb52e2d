// Decodes with libjpeg-turbo's TurboJPEG API compiled to WebAssembly (@cwasm/jpeg-turbo), with the
// settings Pillow's decoder uses: accurate integer IDCT and fancy chroma upsampling (TurboJPEG's
// defaults, flags 0), so the pixels are Pillow's.
import { jpegDecoderModule } from './jpeg-decoder-wasm.js';

const TJPF_RGB = 0;
const TJPF_GRAY = 6;
const TJPF_CMYK = 11;
const TJCS_GRAY = 2;
const TJCS_CMYK = 3;
const TJCS_YCCK = 4;
const WASI_ESUCCESS = 0;
const WASI_EBADF = 8;
/** An instance whose memory grew past this (a large image) is dropped after use, which frees it. */
const KEEP_MEMORY_BYTES = 64 * 2 ** 20;

interface TurboJpegExports {
  memory: WebAssembly.Memory;
  malloc(bytes: number): number;
  free(pointer: number): void;
  tjInitDecompress(): number;
  tjDecompressHeader3(
    handle: number,
    jpeg: number,
    size: number,
    width: number,
    height: number,
    subsampling: number,
    colorspace: number,
  ): number;
  tjDecompress2(
    handle: number,
    jpeg: number,
    size: number,
    out: number,
    width: number,
    pitch: number,
    height: number,
    format: number,
    flags: number,
  ): number;
  tjDestroy(handle: number): number;
}

/** libjpeg stopped on an error: its longjmp, which the build leaves to the host, unwinds as this. */
class LibjpegError extends Error {}

/** A decoded JPEG: 1 channel gray, 3 RGB, or 4 CMYK as libjpeg gives it (Adobe-inverted). */
export interface TurboJpegPixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

function instantiate(module: WebAssembly.Module): TurboJpegExports {
  // Called only once the instance exists.
  const view = () => new DataView(exports.memory.buffer);
  const unsupported = (name: string) => () => {
    throw new Error(`libjpeg-turbo called ${name}, which Retina does not provide`);
  };
  const imports = {
    env: {
      setjmp: () => 0,
      longjmp: () => {
        throw new LibjpegError('libjpeg-turbo stopped on an error in the image data');
      },
    },
    wasi_snapshot_preview1: {
      // getenv("JPEGMEM") and the like: an empty environment.
      environ_sizes_get: (count: number, size: number) => {
        view().setUint32(count, 0, true);
        view().setUint32(size, 0, true);
        return WASI_ESUCCESS;
      },
      environ_get: () => WASI_ESUCCESS,
      // Warnings printed to stderr are dropped: every byte counts as written.
      fd_write: (_fd: number, iovs: number, iovCount: number, written: number) => {
        let total = 0;
        for (let i = 0; i < iovCount; i++) total += view().getUint32(iovs + i * 8 + 4, true);
        view().setUint32(written, total, true);
        return WASI_ESUCCESS;
      },
      fd_close: () => WASI_EBADF,
      fd_seek: () => WASI_EBADF,
      proc_exit: unsupported('exit'),
    },
  };
  const exports = new WebAssembly.Instance(module, imports).exports as unknown as TurboJpegExports;
  return exports;
}

let kept: TurboJpegExports | undefined;

function decodeIn(turbo: TurboJpegExports, bytes: Uint8Array): TurboJpegPixels {
  const input = turbo.malloc(bytes.length);
  const header = turbo.malloc(16);
  const handle = turbo.tjInitDecompress();
  if (!input || !header || !handle) throw new Error('libjpeg-turbo could not allocate memory for this file');
  new Uint8Array(turbo.memory.buffer, input, bytes.length).set(bytes);
  if (turbo.tjDecompressHeader3(handle, input, bytes.length, header, header + 4, header + 8, header + 12) !== 0) {
    throw new LibjpegError('libjpeg-turbo could not read the JPEG header');
  }
  const [width, height, , colorspace] = new Int32Array(turbo.memory.buffer, header, 4);
  const channels = colorspace === TJCS_GRAY ? 1 : colorspace === TJCS_CMYK || colorspace === TJCS_YCCK ? 4 : 3;
  const format = channels === 1 ? TJPF_GRAY : channels === 4 ? TJPF_CMYK : TJPF_RGB;
  const size = width! * height! * channels;
  const out = turbo.malloc(size);
  if (!out) throw new Error(`libjpeg-turbo could not allocate ${size} bytes for the pixels`);
  // -1 without an error thrown is a warning (e.g. extraneous bytes): the pixels are complete, as in Pillow.
  turbo.tjDecompress2(handle, input, bytes.length, out, width!, 0, height!, format, 0);
  const data = new Uint8Array(turbo.memory.buffer, out, size).slice();
  turbo.free(out);
  turbo.free(header);
  turbo.free(input);
  turbo.tjDestroy(handle);
  return { data, width: width!, height: height!, channels };
}

/**
 * Decodes a JPEG with libjpeg-turbo. An instance that failed (its stack and heap may be left
 * mid-way) or grew large is dropped; the compiled module stays, so the next call starts clean.
 */
export async function decodeWithLibjpegTurbo(bytes: Uint8Array): Promise<TurboJpegPixels> {
  const module = await jpegDecoderModule();
  const turbo = kept ?? instantiate(module);
  kept = undefined;
  const pixels = decodeIn(turbo, bytes);
  if (turbo.memory.buffer.byteLength <= KEEP_MEMORY_BYTES) kept = turbo;
  return pixels;
}
