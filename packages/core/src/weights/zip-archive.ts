import { inflateSync } from 'fflate';
import { maxInflatedSize } from '../deflate-bound.js';
import { RetinaError } from '../errors.js';

/** One member of a zip archive, located but not yet read. */
export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflated. */
  readonly method: 0 | 8;
  readonly compressedSize: number;
  readonly size: number;
  /** Byte offset of the member's (compressed) data in the archive. */
  readonly dataOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const MAX_COMMENT = 0xffff;
const utf8 = new TextDecoder('utf-8');

/**
 * Lists a zip archive's members from its central directory, checking every offset against the
 * archive's size. Reading the directory ourselves is what lets stored members stay views of the file
 * (fflate's unzipSync copies them); inflating is left to fflate.
 */
export function readZipEntries(bytes: Uint8Array, file: string): Map<string, ZipEntry> {
  const reader = new ZipReader(bytes, file);
  const eocd = reader.findEndOfCentralDirectory();
  let count = reader.u16(eocd + 10);
  let directoryOffset = reader.u32(eocd + 16);
  if (eocd >= 20 && reader.u32(eocd - 20) === ZIP64_LOCATOR) {
    const zip64 = reader.u64(eocd - 12);
    if (reader.u32(zip64) !== ZIP64_EOCD) reader.fail('its zip64 end record is missing');
    count = reader.u64(zip64 + 32);
    directoryOffset = reader.u64(zip64 + 48);
  }
  const entries = new Map<string, ZipEntry>();
  let offset = directoryOffset;
  for (let i = 0; i < count; i++) {
    const entry = reader.centralEntry(offset);
    entries.set(entry.entry.name, entry.entry);
    offset = entry.next;
  }
  return entries;
}

/** A member's uncompressed bytes: a view of the archive when stored, a new buffer when deflated. */
export function zipEntryBytes(bytes: Uint8Array, entry: ZipEntry, file: string): Uint8Array {
  const data = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
  if (entry.method === 0) return data;
  let out: Uint8Array;
  try {
    out = inflateSync(data, { out: new Uint8Array(entry.size) });
  } catch (error) {
    throw invalidZip(file, `its member ${entry.name} does not inflate (${error instanceof Error ? error.message : String(error)})`, error);
  }
  if (out.length !== entry.size)
    throw invalidZip(file, `its member ${entry.name} inflates to ${out.length} bytes, not the ${entry.size} its directory says`);
  return out;
}

class ZipReader {
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(problem: string): never {
    throw invalidZip(this.file, problem);
  }

  private check(offset: number, length: number): void {
    if (offset < 0 || offset + length > this.bytes.byteLength) this.fail('it is truncated (an offset points past its end)');
  }

  u16(offset: number): number {
    this.check(offset, 2);
    return this.view.getUint16(offset, true);
  }

  u32(offset: number): number {
    this.check(offset, 4);
    return this.view.getUint32(offset, true);
  }

  u64(offset: number): number {
    this.check(offset, 8);
    const value = this.view.getBigUint64(offset, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail('it has a size or offset beyond 2^53');
    return Number(value);
  }

  findEndOfCentralDirectory(): number {
    const last = this.bytes.byteLength - 22;
    for (let offset = last; offset >= Math.max(0, last - MAX_COMMENT); offset--) {
      if (this.view.getUint32(offset, true) === EOCD) return offset;
    }
    return this.fail('it has no end-of-central-directory record, so it is truncated or not a zip file');
  }

  centralEntry(offset: number): { entry: ZipEntry; next: number } {
    if (this.u32(offset) !== CENTRAL_HEADER) this.fail('its central directory is corrupt or truncated');
    const flags = this.u16(offset + 8);
    const method = this.u16(offset + 10);
    let compressedSize = this.u32(offset + 20);
    let size = this.u32(offset + 24);
    const nameLength = this.u16(offset + 28);
    const extraLength = this.u16(offset + 30);
    const commentLength = this.u16(offset + 32);
    let localOffset = this.u32(offset + 42);
    this.check(offset + 46, nameLength + extraLength);
    const name = utf8.decode(this.bytes.subarray(offset + 46, offset + 46 + nameLength));
    const zip64 = this.zip64Extra(offset + 46 + nameLength, extraLength);
    if (size === 0xffffffff) size = zip64.next();
    if (compressedSize === 0xffffffff) compressedSize = zip64.next();
    if (localOffset === 0xffffffff) localOffset = zip64.next();
    if (flags & 1) this.fail(`its member ${name} is encrypted`);
    if (method !== 0 && method !== 8) this.fail(`its member ${name} uses compression method ${method} (only stored and deflate are read)`);
    if (method === 0 && compressedSize !== size) this.fail(`its stored member ${name} has different sizes in the directory`);
    if (method === 8 && size > maxInflatedSize(compressedSize))
      this.fail(`its member ${name} claims ${size} bytes, more than its ${compressedSize} compressed bytes can inflate to`);
    if (this.u32(localOffset) !== LOCAL_HEADER) this.fail(`its member ${name} has no local header where the directory says`);
    const dataOffset = localOffset + 30 + this.u16(localOffset + 26) + this.u16(localOffset + 28);
    this.check(dataOffset, compressedSize);
    return { entry: { name, method, compressedSize, size, dataOffset }, next: offset + 46 + nameLength + extraLength + commentLength };
  }

  /** Reads the zip64 extended-information field's values in order, as 0xffffffff fields ask for them. */
  private zip64Extra(start: number, length: number): { next: () => number } {
    let field = start;
    while (field + 4 <= start + length && this.u16(field) !== 1) field += 4 + this.u16(field + 2);
    let cursor = field + 4;
    const end = field + 4 + (field + 4 <= start + length ? this.u16(field + 2) : 0);
    return {
      next: () => {
        if (cursor + 8 > end) this.fail('a member needs zip64 sizes its directory does not give');
        const value = this.u64(cursor);
        cursor += 8;
        return value;
      },
    };
  }
}

function invalidZip(file: string, problem: string, cause?: unknown): RetinaError {
  return new RetinaError(
    'MODEL_LOAD_FAILED',
    `${file} is not a readable torch.save zip archive: ${problem}. Re-download the file; if it was saved before PyTorch 1.6, re-save it with a current torch.save or as model.safetensors.`,
    { cause },
  );
}
