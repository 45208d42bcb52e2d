// What a graph build may allocate for the tensors it computes from config.json's numbers (position tables
// and indexes, relative position biases, pooling matrices): their sizes grow with image_size, to the fourth
// power for BEiT's, while the checkpoint's tensors need not, so a small checkpoint with a large image_size
// could make a build allocate gigabytes. Every such tensor is charged here before it is allocated.
import { RetinaError } from '../errors.js';
import { elementCount, type Checkpoint } from '../weights/weight-tensor.js';

/** A build may compute this many times its checkpoint's parameters, as float32 ... */
const PARAMETERS_MULTIPLE = 4;
/** ... plus this much, so that small checkpoints build at their usual image sizes. */
const ALLOWANCE_BYTES = 64 * 2 ** 20;

/**
 * The default of `maxBuildBytes`: 4 × the checkpoint's parameters as float32, plus 64 MiB. BEiT's relative
 * position biases are computed here only up to 16 MiB a layer (larger ones are gathered at run time), so even
 * BEiT-base at 640 computes little more than its 10 MB position index.
 */
export function defaultMaxBuildBytes(checkpoint: Checkpoint): number {
  let parameters = 0;
  for (const tensor of checkpoint.tensors.values()) parameters += elementCount(tensor.shape) ?? 0;
  return PARAMETERS_MULTIPLE * 4 * parameters + ALLOWANCE_BYTES;
}

const count = (value: number) => value.toLocaleString('en-US');

/** The bytes charged so far against a build's limit. */
export class BuildBudget {
  #spent = 0;

  /** `limit` in bytes; `given` when the caller set it (`maxBuildBytes`), not derived from the checkpoint. */
  constructor(
    readonly limit: number,
    private readonly given: boolean,
  ) {}

  /**
   * Charges a tensor of `shape` and `bytesPerElement` that the build allocates; throws INVALID_CONFIG before anything is allocated when the build would
   * pass its limit. `what` names the tensor ("the relative position index"), `because` the config values it
   * follows from ("image_size 1024 and patch_size 16").
   */
  charge(shape: readonly number[], bytesPerElement: number, what: string, because: string): void {
    const elements = shape.reduce((product, dim) => product * dim, 1);
    const bytes = elements * bytesPerElement;
    if (this.#spent + bytes <= this.limit) {
      this.#spent += bytes;
      return;
    }
    const limit = this.given
      ? `maxBuildBytes allows ${count(this.limit)} bytes`
      : `a graph built from this checkpoint may compute ${count(this.limit)} bytes (4 × its parameters as float32, plus 64 MiB)`;
    throw new RetinaError(
      'INVALID_CONFIG',
      `For config.json's ${because}, the graph needs ${what} of ${count(elements)} elements ([${shape.map(count).join(', ')}], ${count(bytes)} bytes); ` +
        `${limit}, ${count(this.#spent)} of them taken already. Are config.json and the weights from the same model? ` +
        'If they are, raise the maxBuildBytes load option.',
    );
  }

  /** A zeroed float32 tensor of `shape`, charged first (see {@link charge}). */
  float32(shape: readonly number[], what: string, because: string): Float32Array {
    this.charge(shape, 4, what, because);
    return new Float32Array(shape.reduce((product, dim) => product * dim, 1));
  }

  /** A zeroed int32 tensor of `shape`, charged first (see {@link charge}). */
  int32(shape: readonly number[], what: string, because: string): Int32Array {
    this.charge(shape, 4, what, because);
    return new Int32Array(shape.reduce((product, dim) => product * dim, 1));
  }
}
