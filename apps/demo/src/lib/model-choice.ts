import type { DemoTask } from './model-task.js';

/** A model the user can load, and where its files come from. */
export interface ModelChoice {
  origin: 'embedded' | 'hub' | 'folder';
  /** What the worker loads: a path on this site, or a Hugging Face id. */
  source: string;
  title: string;
  /** Embedded fallbacks with random weights: the page says so. */
  untrained?: boolean;
}

interface EmbeddedModel {
  title: string;
  task: DemoTask;
  folder: string;
  /** The fixture-format model shipped while the trained one is missing. */
  untrainedFolder: string;
}

const EMBEDDED: readonly EmbeddedModel[] = [
  { title: 'Shapes classifier (BiT)', task: 'image-classification', folder: 'shapes-bit-classifier', untrainedFolder: 'untrained-bit-classifier' },
  { title: 'Shapes segmenter (BEiT)', task: 'image-segmentation', folder: 'shapes-beit-segmenter', untrainedFolder: 'untrained-beit-segmenter' },
];

/** Whether the folder is there: some static hosts answer a missing file with the app's HTML. */
async function hasConfig(folder: string): Promise<boolean> {
  try {
    const response = await fetch(`./models/${folder}/config.json`);
    return response.ok && typeof (await response.json()) === 'object';
  } catch {
    return false;
  }
}

/** The models shipped with the app, by task: the trained ones, or their untrained stand-ins. */
export async function embeddedModels(): Promise<Map<DemoTask, ModelChoice>> {
  const entries = await Promise.all(
    EMBEDDED.map(async ({ title, task, folder, untrainedFolder }) => {
      const trained = await hasConfig(folder);
      const choice: ModelChoice = trained
        ? { origin: 'embedded', source: `./models/${folder}`, title }
        : { origin: 'embedded', source: `./models/${untrainedFolder}`, title: `${title}, untrained`, untrained: true };
      return [task, choice] as const;
    }),
  );
  return new Map(entries);
}
