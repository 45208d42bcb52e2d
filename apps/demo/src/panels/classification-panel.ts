import type { Classification } from '@retina/core';
import { byId, formatPercent, h } from '../lib/dom.js';

/** Top-5 classes as labelled bars. */
export class ClassificationPanel {
  readonly #list = byId<HTMLOListElement>('top-classes');

  /** Shows the classes; returns the one-line summary for the live region. */
  show(top: Classification[]): string {
    this.#list.replaceChildren(
      ...top.map(({ label, score }) =>
        h(
          'li',
          { 'data-label': label, 'data-score': score },
          h('span', { class: 'label' }, label),
          h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', { style: `width: ${(score * 100).toFixed(2)}%` })),
          h('span', { class: 'score' }, formatPercent(score)),
        ),
      ),
    );
    this.#list.hidden = false;
    const [best] = top;
    return best ? `Most likely: ${best.label} (${formatPercent(best.score)}).` : 'The model returned no classes.';
  }

  hide(): void {
    this.#list.hidden = true;
  }
}
