// The demo app for demo.spec.ts: built from apps/demo against the packages globalSetup built, served
// by vite preview on a free port, and the reference results of @retina/core in Node on the very same
// model folders and images.
import { join } from 'node:path';
import { pipeline, type DepthEstimationResult, type ImageClassificationResult, type ImageSegmentationResult } from '@retina/core';
import { build, preview, type PreviewServer } from 'vite';
import { repoRoot } from './paths.js';

export const demoRoot = join(repoRoot, 'apps', 'demo');
export const demoPublic = join(demoRoot, 'public');

/** Builds the demo and serves it; returns the served URL. */
export async function serveDemo(): Promise<PreviewServer> {
  await build({ root: demoRoot, logLevel: 'warn' });
  const server = await preview({ root: demoRoot, logLevel: 'warn', preview: { port: 0, strictPort: false, open: false } });
  return server;
}

export function demoUrl(server: PreviewServer): string {
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview reported no URL.');
  return url;
}

/** The folder of the model the demo ships for a task. */
export function embeddedModelFolder(task: 'classifier' | 'segmenter' | 'depth'): string {
  const folders = { classifier: 'shapes-bit-classifier', segmenter: 'shapes-beit-segmenter', depth: 'shapes-dpt-depth' };
  return join(demoPublic, 'models', folders[task]);
}

/**
 * The core pipeline's result in Node. onnxruntime-web's WebAssembly backend runs it, the same
 * kernels the demo's WebAssembly backend runs.
 */
export async function coreClassification(modelFolder: string, image: string): Promise<ImageClassificationResult> {
  const classify = await pipeline('image-classification', modelFolder, { device: 'wasm' });
  try {
    return await classify(image, { topK: 5 });
  } finally {
    await classify.close();
  }
}

export async function coreSegmentation(modelFolder: string, image: string): Promise<ImageSegmentationResult> {
  const segment = await pipeline('image-segmentation', modelFolder, { device: 'wasm' });
  try {
    return await segment(image);
  } finally {
    await segment.close();
  }
}

export async function coreDepth(modelFolder: string, image: string): Promise<DepthEstimationResult> {
  const estimateDepth = await pipeline('depth-estimation', modelFolder, { device: 'wasm' });
  try {
    return await estimateDepth(image);
  } finally {
    await estimateDepth.close();
  }
}
