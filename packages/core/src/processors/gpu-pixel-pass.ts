// The machinery the GPU post-processing passes share: a compute pipeline compiled once per device, the check that
// a device can bind and dispatch the sizes asked for, and one pass with one invocation per output pixel whose
// four bindings are (input, taps, output, params), read back whole.
import type { GpuTensor } from '../session/gpu-outputs.js';

/** Invocations per workgroup along x: the shaders' `@workgroup_size(64)`. */
const WORKGROUP = 64;

/** A function giving `code`'s compute pipeline on a device, compiled on first use. */
export function computePipelineCache(label: string, code: string): (device: GPUDevice) => GPUComputePipeline {
  const pipelines = new WeakMap<GPUDevice, GPUComputePipeline>();
  return (device) => {
    let pipeline = pipelines.get(device);
    if (!pipeline) {
      const module = device.createShaderModule({ label, code });
      pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      pipelines.set(device, pipeline);
    }
    return pipeline;
  };
}

/** Whether the device can bind the buffers and dispatch one invocation per pixel of every target size. */
export function fitsDevice(input: GpuTensor, targetSizes: ReadonlyArray<readonly [number, number]>): boolean {
  const { maxStorageBufferBindingSize, maxBufferSize, maxComputeWorkgroupsPerDimension } = input.device.limits;
  const bindable = (bytes: number) => bytes <= maxStorageBufferBindingSize && bytes <= maxBufferSize;
  return (
    bindable(input.buffer.size) &&
    targetSizes.every(
      ([h, w]) =>
        bindable(h * w * 4) && h <= maxComputeWorkgroupsPerDimension && Math.ceil(w / WORKGROUP) <= maxComputeWorkgroupsPerDimension,
    )
  );
}

export interface PixelPass {
  readonly pipeline: GPUComputePipeline;
  readonly input: GpuTensor;
  /** The per-row and per-column taps, bound as `array<vec4<u32>>`. */
  readonly taps: Uint32Array<ArrayBuffer>;
  /** The uniform block: 8 u32 values. */
  readonly params: Uint32Array<ArrayBuffer>;
  readonly outH: number;
  readonly outW: number;
}

/** Runs one pass writing 4 bytes per output pixel and returns them; every buffer it made is destroyed. */
export async function runPixelPass({ pipeline, input, taps, params, outH, outW }: PixelPass): Promise<ArrayBuffer> {
  const { device } = input;
  const bytes = outH * outW * 4;
  const tapBuffer = device.createBuffer({ size: taps.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const paramBuffer = device.createBuffer({ size: params.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const outBuffer = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const readBuffer = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    device.queue.writeBuffer(tapBuffer, 0, taps);
    device.queue.writeBuffer(paramBuffer, 0, params);
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: input.buffer } },
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
    const data = readBuffer.getMappedRange().slice(0);
    readBuffer.unmap();
    return data;
  } finally {
    for (const buffer of [tapBuffer, paramBuffer, outBuffer, readBuffer]) buffer.destroy();
  }
}
