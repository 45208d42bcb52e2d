import { byId } from '../lib/dom.js';
import { explainError, isAbort } from '../lib/explain-error.js';

/** The page's error box: what went wrong and what to do; everything else keeps working. */
export class ErrorPanel {
  readonly #root = byId('error');
  readonly #title = byId('error-title');
  readonly #action = byId('error-action');
  readonly #details = byId('error-details');

  constructor() {
    byId('error-dismiss').addEventListener('click', () => this.clear());
  }

  show(error: unknown): void {
    if (isAbort(error)) return;
    const { title, action, details } = explainError(error);
    this.#title.textContent = title;
    this.#action.textContent = action;
    this.#details.textContent = details;
    this.#root.hidden = false;
    console.error(error);
  }

  clear(): void {
    this.#root.hidden = true;
  }
}
