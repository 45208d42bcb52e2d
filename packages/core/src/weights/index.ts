export type { Checkpoint, WeightDtype, WeightTensor } from './weight-tensor.js';
export { parsePytorchBin } from './pytorch-bin.js';
export { parseSafetensors } from './safetensors.js';
export { readCheckpoint } from './read-checkpoint.js';
