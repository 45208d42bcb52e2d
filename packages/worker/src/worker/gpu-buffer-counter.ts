/// <reference types="@webgpu/types" />

let live = 0;

/**
 * Counts GPU buffers created and not yet destroyed in this worker, for leak checks. onnxruntime-web
 * pools buffers, so the count grows while models load and warm up, then stays flat.
 */
export function countGpuBuffers(): () => number {
  if (typeof GPUDevice === 'undefined') return () => 0;
  const destroyed = new WeakSet<GPUBuffer>();
  const { createBuffer } = GPUDevice.prototype;
  const { destroy } = GPUBuffer.prototype;
  GPUDevice.prototype.createBuffer = function (this: GPUDevice, descriptor: GPUBufferDescriptor) {
    live++;
    return createBuffer.call(this, descriptor);
  };
  GPUBuffer.prototype.destroy = function (this: GPUBuffer) {
    if (!destroyed.has(this)) {
      destroyed.add(this);
      live--;
    }
    return destroy.call(this);
  };
  return () => live;
}
