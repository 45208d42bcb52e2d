import type { RemotePipelineTimings } from '@retina/worker';
import { byId, h } from '../lib/dom.js';
import { RunningMedian } from '../lib/running-median.js';

export const STAGES = {
  decode: 'Decode',
  preprocess: 'Preprocess',
  inference: 'Inference',
  postprocess: 'Post-process',
  transfer: 'Worker transfer',
  draw: 'Draw',
  total: 'Total',
} as const;

export type Stage = keyof typeof STAGES;

function format(ms: number | undefined): string {
  return ms === undefined ? '—' : `${ms < 10 ? ms.toFixed(1) : ms.toFixed(0)} ms`;
}

/** Times per stage of the last run and their running median. */
export class TimingsPanel {
  readonly #body = byId('timings-body');
  readonly #medians = new Map<Stage, RunningMedian>(Object.keys(STAGES).map((stage) => [stage as Stage, new RunningMedian()]));
  #last: Record<Stage, number> | undefined;
  #postprocessDevice: RemotePipelineTimings['postprocessDevice'] = 'cpu';

  constructor() {
    byId('timings-note').textContent =
      'Decode to post-process are timed in the worker. Worker transfer is the rest of the call as the page sees it: ' +
      'sending the image, the messages both ways, waiting behind an earlier run. Draw is the page showing the image and the result. ' +
      'Medians are over the last 50 runs of this model and backend.';
    this.#render();
  }

  /** One run: the worker's stage times, and the page's time drawing the image and its result. */
  record(timings: RemotePipelineTimings, draw: number): void {
    const { decode, preprocess, inference, postprocess, transfer, total } = timings;
    this.#postprocessDevice = timings.postprocessDevice;
    this.#last = { decode, preprocess, inference, postprocess, transfer, draw, total: total + draw };
    for (const [stage, ms] of Object.entries(this.#last)) this.#medians.get(stage as Stage)!.add(ms);
    this.#render();
  }

  /** A new model or backend starts new medians. */
  reset(): void {
    for (const median of this.#medians.values()) median.clear();
    this.#last = undefined;
    this.#render();
  }

  #render(): void {
    this.#body.replaceChildren(
      ...Object.entries(STAGES).map(([stage, name]) =>
        h(
          'tr',
          { 'data-stage': stage },
          h('th', { scope: 'row' }, stage === 'postprocess' && this.#postprocessDevice === 'gpu' ? `${name} (GPU)` : name),
          h('td', {}, format(this.#last?.[stage as Stage])),
          h('td', {}, format(this.#medians.get(stage as Stage)!.median)),
        ),
      ),
    );
  }
}
