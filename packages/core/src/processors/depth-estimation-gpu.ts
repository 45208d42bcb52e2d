import type { GpuTensor } from '../session/gpu-outputs.js';
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

const WORKGROUP = 64;

const pipelines = new WeakMap<GPUDevice, GPUComputePipeline>();

function pipelineFor(device: GPUDevice): GPUComputePipeline {
  let pipeline = pipelines.get(device);
  if (!pipeline) {
    const module = device.createShaderModule({ label: 'retina depth bicubic resize', code: SHADER });
    pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    pipelines.set(device, pipeline);
  }
  return pipeline;
}

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

/** Whether the device can bind the buffers and dispatch one invocation per pixel of every target size. */
function fitsDevice(device: GPUDevice, depth: GpuTensor, targetSizes: ReadonlyArray<readonly [number, number]>): boolean {
  const { maxStorageBufferBindingSize, maxBufferSize, maxComputeWorkgroupsPerDimension } = device.limits;
  const bindable = (bytes: number) => bytes <= maxStorageBufferBindingSize && bytes <= maxBufferSize;
  return (
    bindable(depth.buffer.size) &&
    targetSizes.every(
      ([h, w]) =>
        bindable(h * w * 4) && h <= maxComputeWorkgroupsPerDimension && Math.ceil(w / WORKGROUP) <= maxComputeWorkgroupsPerDimension,
    )
  );
}

async function resizeOnGpu(
  device: GPUDevice,
  depth: GpuTensor,
  image: number,
  [outH, outW]: readonly [number, number],
): Promise<Float32Array> {
  const [, inH, inW] = depth.dims as [number, number, number];
  const taps = packTaps(inH, outH, inW, outW);
  const bytes = outH * outW * 4;
  const tapBuffer = device.createBuffer({ size: taps.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const paramBuffer = device.createBuffer({ size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const outBuffer = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const readBuffer = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    device.queue.writeBuffer(tapBuffer, 0, taps);
    device.queue.writeBuffer(paramBuffer, 0, Uint32Array.of(inW, outW, outH, image * inH * inW, outH, 0, 0, 0));
    const pipeline = pipelineFor(device);
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: depth.buffer } },
        { binding: 1, resource: { buffer: tapBuffer } },
        { binding: 2, resource: { buffer: outBuffer } },
        { binding: 3, resource: { buffer: paramBuffer } },
      ],
    });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(Math.ceil(outW / WORKGROUP), outH);
    pass.end();
    encoder.copyBufferToBuffer(outBuffer, 0, readBuffer, 0, bytes);
    device.queue.submit([encoder.finish()]);
    await readBuffer.mapAsync(GPUMapMode.READ);
    const data = new Float32Array(readBuffer.getMappedRange().slice(0));
    readBuffer.unmap();
    return data;
  } finally {
    for (const buffer of [tapBuffer, paramBuffer, outBuffer, readBuffer]) buffer.destroy();
  }
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
    if (!targetSizes || !fitsDevice(predictedDepth.device, predictedDepth, targetSizes)) {
      return postProcessDepthEstimation(await predictedDepth.download(), targetSizes);
    }
    const results: DepthEstimation[] = [];
    for (const [b, [height, width]] of sizes.entries()) {
      results.push(depthEstimation(await resizeOnGpu(predictedDepth.device, predictedDepth, b, [height, width]), height, width));
    }
    return results;
  } finally {
    predictedDepth.dispose();
  }
}
