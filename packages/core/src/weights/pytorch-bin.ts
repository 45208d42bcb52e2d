import { RetinaError } from '../errors.js';
import type { WeightTensor } from './weight-tensor.js';

/** Reads a `torch.save` zip checkpoint (a state dict). */
export function parsePytorchBin(_bytes: Uint8Array, file = 'pytorch_model.bin'): { tensors: Map<string, WeightTensor>; metadata: Record<string, string> } {
  throw new RetinaError('UNSUPPORTED_MODEL', `${file}: reading pytorch_model.bin is not implemented yet; use model.safetensors.`);
}
