import type { GpuTensor } from '../session/gpu-outputs.js';
import { computePipelineCache, fitsDevice, runPixelPass } from './gpu-pixel-pass.js';
import { checkDepthShapes, cubicTaps, depthEstimation, postProcessDepthEstimation, type DepthEstimation } from './depth-estimation.js';

// One invocation per output pixel: PyTorch's bicubic from the 4×4 source pixels, with the taps and weights the CPU
// path computes (clamped indices, float32 weights), summed in the CPU path's order: each row over x, then over y.
const SHADER = /* wgsl */ `
struct Params { inW: u32, outW: u32, outH: u32, depthOffset: u32, xTaps: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<storage, read> depth: array<f32>;
@group(0) @binding(1) var<storage, read> taps: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read_write> resized: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= params.outW || id.y >= params.outH) { return; }
  let yIndex = taps[id.y * 2u];
  let yWeight = bitcast<vec4<f32>>(taps[id.y * 2u + 1u]);
  let xIndex = taps[(params.xTaps + id.x) * 2u];
  let xWeight = bitcast<vec4<f32>>(taps[(params.xTaps + id.x) * 2u + 1u]);
  var sum = 0.0;
  for (var j = 0u; j < 4u; j++) {
    let row = params.depthOffset + yIndex[j] * params.inW;
    var line = 0.0;
    for (var i = 0u; i < 4u; i++) { line = line + depth[row + xIndex[i]] * xWeight[i]; }
    sum = sum + line * yWeight[j];
  }
  resized[id.y * params.outW + id.x] = sum;
}`;

const pipelineFor = computePipelineCache('retina depth bicubic resize', SHADER);

/** Per output index, two rows: its four source indices, then their four weights' bits; the y taps, then the x taps. */
function packTaps(inH: number, outH: number, inW: number, outW: number): Uint32Array<ArrayBuffer> {
  const packed = new Uint32Array((outH + outW) * 8);
  const weights = new Float32Array(packed.buffer);
  let row = 0;
  for (const { index, weight } of [cubicTaps(inH, outH), cubicTaps(inW, outW)]) {
    for (let d = 0; d < index.length / 4; d++, row++) {
      packed.set(index.subarray(d * 4, d * 4 + 4), row * 8);
      weights.set(weight.subarray(d * 4, d * 4 + 4), row * 8 + 4);
    }
  }
  return packed;
}

async function resizeOnGpu(depth: GpuTensor, image: number, [outH, outW]: readonly [number, number]): Promise<Float32Array> {
  const [, inH, inW] = depth.dims as [number, number, number];
  const params = Uint32Array.of(inW, outW, outH, image * inH * inW, outH, 0, 0, 0);
  const taps = packTaps(inH, outH, inW, outW);
  return new Float32Array(await runPixelPass({ pipeline: pipelineFor(depth.device), input: depth, taps, params, outH, outW }));
}

/**
 * {@link postProcessDepthEstimation} on a `predicted_depth` a WebGPU session left in GPU memory: the bicubic resize
 * runs in a compute pass on the same device and only the resized maps are read back (the 8-bit image, which needs
 * each map's maximum, is made from them on the CPU). Sizes the device cannot hold in one binding, and calls
 * without target sizes, go through the CPU path. The buffer is freed either way.
 */
export async function postProcessDepthEstimationOnGpu(
  predictedDepth: GpuTensor,
  targetSizes?: ReadonlyArray<readonly [number, number]>,
): Promise<DepthEstimation[]> {
  try {
    const sizes = checkDepthShapes(predictedDepth.dims, targetSizes);
    if (!targetSizes || !fitsDevice(predictedDepth, targetSizes)) {
      return postProcessDepthEstimation(await predictedDepth.download(), targetSizes);
    }
    const results: DepthEstimation[] = [];
    for (const [b, [height, width]] of sizes.entries()) {
      results.push(depthEstimation(await resizeOnGpu(predictedDepth, b, [height, width]), height, width));
    }
    return results;
  } finally {
    predictedDepth.dispose();
  }
}
