// The checkpoint reader's types (packages/core/src/weights/), as graph builders use them.
export type { Checkpoint, WeightDtype, WeightTensor } from '../weights/weight-tensor.js';
