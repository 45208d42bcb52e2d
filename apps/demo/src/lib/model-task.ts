import type { PipelineTask } from '@retina/core';

export type DemoTask = Extract<PipelineTask, 'image-classification' | 'image-segmentation' | 'depth-estimation'>;

export const TASK_NAMES: Record<DemoTask, string> = {
  'image-classification': 'classification',
  'image-segmentation': 'segmentation',
  'depth-estimation': 'depth estimation',
};

/** The task a model's head does, from config.json's `architectures`; undefined for other heads. */
export function taskOfConfig(config: unknown): { task: DemoTask; architecture: string } | undefined {
  const architectures = (config as { architectures?: unknown } | null)?.architectures;
  if (!Array.isArray(architectures)) return undefined;
  for (const architecture of architectures) {
    if (typeof architecture !== 'string') continue;
    if (architecture.endsWith('ForImageClassification')) return { task: 'image-classification', architecture };
    if (architecture.endsWith('ForSemanticSegmentation')) return { task: 'image-segmentation', architecture };
    if (architecture.endsWith('ForDepthEstimation')) return { task: 'depth-estimation', architecture };
  }
  return undefined;
}
