import type { GpuTensor } from '../session/gpu-outputs.js';
import { computePipelineCache, fitsDevice, runPixelPass } from './gpu-pixel-pass.js';
import {
  bilinearTaps,
  checkSegmentationShapes,
  postProcessSemanticSegmentation,
  type AxisTaps,
  type LabelMap,
} from './semantic-segmentation.js';

// One invocation per output pixel: bilinear interpolation of every class from the four source
// pixels (the taps and weights are computed on the CPU, exactly as the CPU path does), in PyTorch's
// order, keeping the first class on ties.
const SHADER = /* wgsl */ `
struct Params { classes: u32, plane: u32, inW: u32, outW: u32, outH: u32, logitsOffset: u32, xTaps: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read> taps: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read_write> labels: array<i32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= params.outW || id.y >= params.outH) { return; }
  let ty = taps[id.y];
  let tx = taps[params.xTaps + id.x];
  let wy0 = bitcast<f32>(ty.z);
  let wy1 = bitcast<f32>(ty.w);
  let wx0 = bitcast<f32>(tx.z);
  let wx1 = bitcast<f32>(tx.w);
  let r0 = ty.x * params.inW;
  let r1 = ty.y * params.inW;
  var best = 0.0;
  var label = 0;
  for (var c = 0u; c < params.classes; c++) {
    let base = params.logitsOffset + c * params.plane;
    let top = logits[base + r0 + tx.x] * wx0 + logits[base + r0 + tx.y] * wx1;
    let bottom = logits[base + r1 + tx.x] * wx0 + logits[base + r1 + tx.y] * wx1;
    let v = top * wy0 + bottom * wy1;
    if (c == 0u || v > best) {
      best = v;
      label = i32(c);
    }
  }
  labels[id.y * params.outW + id.x] = label;
}`;

const pipelineFor = computePipelineCache('retina segmentation upsample + argmax', SHADER);

/** Rows of (i0, i1, w0 bits, w1 bits): the y taps, then the x taps. */
function packTaps(ys: AxisTaps, xs: AxisTaps): Uint32Array<ArrayBuffer> {
  const packed = new Uint32Array((ys.i0.length + xs.i0.length) * 4);
  const weights = new Float32Array(packed.buffer);
  let row = 0;
  for (const axis of [ys, xs]) {
    for (let i = 0; i < axis.i0.length; i++, row++) {
      packed[row * 4] = axis.i0[i]!;
      packed[row * 4 + 1] = axis.i1[i]!;
      weights[row * 4 + 2] = axis.w0[i]!;
      weights[row * 4 + 3] = axis.w1[i]!;
    }
  }
  return packed;
}

async function labelMapOnGpu(logits: GpuTensor, image: number, [outH, outW]: readonly [number, number]): Promise<LabelMap> {
  const [, classes, inH, inW] = logits.dims as [number, number, number, number];
  const plane = inH * inW;
  const params = Uint32Array.of(classes, plane, inW, outW, outH, image * classes * plane, outH, 0);
  const taps = packTaps(bilinearTaps(inH, outH), bilinearTaps(inW, outW));
  const data = new Int32Array(await runPixelPass({ pipeline: pipelineFor(logits.device), input: logits, taps, params, outH, outW }));
  return { width: outW, height: outH, data };
}

/**
 * {@link postProcessSemanticSegmentation} on logits a WebGPU session left in GPU memory: upsampling
 * and argmax run in a compute pass on the same device and only the label maps are read back. Sizes
 * the device cannot hold in one binding, and calls without target sizes, go through the CPU path.
 * The logits' buffer is freed either way.
 */
export async function postProcessSemanticSegmentationOnGpu(
  logits: GpuTensor,
  targetSizes?: ReadonlyArray<readonly [number, number]>,
): Promise<LabelMap[]> {
  try {
    const [batch] = checkSegmentationShapes(logits.dims, targetSizes);
    if (!targetSizes || !fitsDevice(logits, targetSizes)) {
      return postProcessSemanticSegmentation(await logits.download(), targetSizes);
    }
    const maps: LabelMap[] = [];
    for (let b = 0; b < batch; b++) maps.push(await labelMapOnGpu(logits, b, targetSizes[b]!));
    return maps;
  } finally {
    logits.dispose();
  }
}
