import { RetinaError } from '../errors.js';
import type { ModelRepo, ReadFileOptions } from '../hub/model-repo.js';
import { isFileNotFound } from '../hub/read-errors.js';
import { parsePytorchBin } from './pytorch-bin.js';
import { parseSafetensors } from './safetensors.js';
import { parseShardIndex } from './shard-index.js';
import type { Checkpoint, WeightTensor } from './weight-tensor.js';

interface ParsedFile {
  tensors: Map<string, WeightTensor>;
  metadata: Record<string, string>;
}

type ParseFile = (bytes: Uint8Array, file: string) => ParsedFile;

/** The weights files Transformers' `from_pretrained` looks for, in its order. */
const CANDIDATES: readonly { file: string; sharded: boolean; parse: ParseFile }[] = [
  { file: 'model.safetensors', sharded: false, parse: parseSafetensors },
  { file: 'model.safetensors.index.json', sharded: true, parse: parseSafetensors },
  { file: 'pytorch_model.bin', sharded: false, parse: parsePytorchBin },
  { file: 'pytorch_model.bin.index.json', sharded: true, parse: parsePytorchBin },
];

/**
 * Reads a model's weights the way Transformers finds them: `model.safetensors`, else its sharded
 * index, else `pytorch_model.bin`, else its index. Tensor bytes are views into the downloaded files
 * wherever the format allows. Progress events, caching, integrity and abort are the repo's. A candidate the
 * repo keeps a copy of is read first, so that a later load asks the server for none of the files it lacks
 * (a 404 is never kept).
 */
export async function readCheckpoint(repo: ModelRepo, options: ReadFileOptions = {}): Promise<Checkpoint> {
  const kept = await firstCachedCandidate(repo);
  const candidates = kept ? [kept, ...CANDIDATES.filter((candidate) => candidate !== kept)] : CANDIDATES;
  for (const { file, sharded, parse } of candidates) {
    const bytes = await readIfPresent(repo, file, options);
    if (bytes === undefined) continue;
    if (!sharded) {
      const { tensors, metadata } = parse(bytes, file);
      return { tensors, metadata, files: [{ name: file, bytes }] };
    }
    return readShards(repo, file, bytes, parse, options);
  }
  throw new RetinaError(
    'FILE_NOT_FOUND',
    `No weights found in ${repo.location}: looked for ${CANDIDATES.map((candidate) => candidate.file).join(', ')}. ` +
      'Add the checkpoint that save_pretrained writes (model.safetensors or pytorch_model.bin), or check the model id, URL or folder.',
  );
}

/** Whether the repo keeps a copy of a checkpoint file (its Cache API does), so that the weights can be read without asking a server. */
export async function hasCachedCheckpoint(repo: ModelRepo): Promise<boolean> {
  return (await firstCachedCandidate(repo)) !== undefined;
}

async function firstCachedCandidate(repo: ModelRepo): Promise<(typeof CANDIDATES)[number] | undefined> {
  if (!repo.cached) return undefined;
  for (const candidate of CANDIDATES) if (await repo.cached(candidate.file)) return candidate;
  return undefined;
}

async function readIfPresent(repo: ModelRepo, file: string, options: ReadFileOptions): Promise<Uint8Array | undefined> {
  try {
    return await repo.bytes(file, options);
  } catch (error) {
    if (isFileNotFound(error)) return undefined;
    throw error;
  }
}

async function readShards(
  repo: ModelRepo,
  indexFile: string,
  indexBytes: Uint8Array,
  parse: ParseFile,
  options: ReadFileOptions,
): Promise<Checkpoint> {
  const weightMap = parseShardIndex(indexBytes, indexFile, repo.location);
  const shardNames = [...new Set(weightMap.values())].sort();
  const files = await readShardFiles(repo, indexFile, shardNames, options);
  const tensors = new Map<string, WeightTensor>();
  const metadata: Record<string, string> = {};
  for (const { name, bytes } of files) {
    const shard = parse(bytes, name);
    Object.assign(metadata, shard.metadata);
    for (const [tensorName, tensor] of shard.tensors) {
      const owner = tensors.get(tensorName)?.file;
      if (owner !== undefined) throw shardError(indexFile, `tensor "${tensorName}" is in both ${owner} and ${name}`);
      tensors.set(tensorName, tensor);
    }
  }
  for (const [tensorName, shard] of weightMap) {
    if (tensors.get(tensorName)?.file !== shard)
      throw shardError(indexFile, `it puts tensor "${tensorName}" in ${shard}, which does not hold it`);
  }
  return { tensors, metadata, files };
}

/** Shards read at once: a few keep the connection busy; an index naming thousands must not start thousands of reads. */
const SHARD_READS_AT_ONCE = 4;

/**
 * Reads the shards, {@link SHARD_READS_AT_ONCE} at a time; the first that fails cancels the reads under way,
 * starts no more, and is what rejects.
 */
async function readShardFiles(
  repo: ModelRepo,
  indexFile: string,
  names: readonly string[],
  options: ReadFileOptions,
): Promise<{ name: string; bytes: Uint8Array }[]> {
  const cancel = new AbortController();
  const { signal } = options;
  const forwardAbort = () => cancel.abort(signal?.reason);
  if (signal?.aborted) forwardAbort();
  signal?.addEventListener('abort', forwardAbort, { once: true });
  const files: { name: string; bytes: Uint8Array }[] = [];
  let failure: { error: unknown } | undefined;
  let next = 0;
  const readInTurn = async () => {
    while (failure === undefined && next < names.length) {
      const index = next++;
      const name = names[index]!;
      try {
        files[index] = { name, bytes: await repo.bytes(name, { ...options, signal: cancel.signal }) };
      } catch (error) {
        failure ??= { error: isFileNotFound(error) ? missingShard(indexFile, name, error) : error };
        cancel.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(SHARD_READS_AT_ONCE, names.length) }, readInTurn));
  } finally {
    signal?.removeEventListener('abort', forwardAbort);
  }
  if (failure) throw failure.error;
  return files;
}

function missingShard(indexFile: string, name: string, error: unknown): RetinaError {
  return new RetinaError('FILE_NOT_FOUND', `${indexFile} names the shard ${name}, which is missing: ${(error as Error).message}`, {
    cause: error,
  });
}

function shardError(indexFile: string, problem: string): RetinaError {
  return new RetinaError(
    'MODEL_LOAD_FAILED',
    `${indexFile} does not match its shards: ${problem}. Re-download the checkpoint's shards and index together.`,
  );
}
