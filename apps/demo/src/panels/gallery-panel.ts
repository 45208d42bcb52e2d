import { byId, h } from '../lib/dom.js';
import type { DemoTask } from '../lib/model-task.js';

/** An entry of public/samples/index.json. */
export interface Sample {
  file: string;
  task: DemoTask;
  label?: string;
  shapes?: string[];
}

function describe(sample: Sample): string {
  const what = sample.label ?? sample.shapes?.join(', ') ?? sample.file;
  const verb = { 'image-classification': 'Classify', 'image-segmentation': 'Segment', 'depth-estimation': 'Depth' }[sample.task];
  return `${verb}: ${what}`;
}

/** The sample images shipped with the app; picking one runs the built-in model of its task. */
export async function showGallery(onSample: (sample: Sample, url: string) => void): Promise<void> {
  const list = byId('gallery');
  const response = await fetch('./samples/index.json');
  if (!response.ok) throw new Error(`samples/index.json: HTTP ${response.status}`);
  const { items } = (await response.json()) as { items: Sample[] };
  for (const sample of items) {
    const url = `./samples/${sample.file}`;
    const button = h(
      'button',
      { type: 'button', 'data-sample': sample.file },
      h('img', { src: url, alt: '', width: 64, height: 64 }),
      describe(sample),
    );
    button.addEventListener('click', () => onSample(sample, url));
    list.append(h('li', {}, button));
  }
}
