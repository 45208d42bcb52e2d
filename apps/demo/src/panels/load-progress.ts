import type { FileProgress } from '@retina/core';
import { byId, formatBytes } from '../lib/dom.js';

/** The progress bar while model files download and the session compiles. */
export class LoadProgress {
  readonly #root = byId('load-progress');
  readonly #label = byId('load-progress-label');
  readonly #bar = byId<HTMLProgressElement>('load-progress-bar');
  #files = new Map<string, FileProgress>();
  #title = '';

  start(title: string): void {
    this.#files.clear();
    this.#title = title;
    this.#label.textContent = `Loading ${title}…`;
    this.#bar.removeAttribute('value');
    this.#root.hidden = false;
  }

  update(progress: FileProgress): void {
    this.#files.set(progress.file, progress);
    const files = [...this.#files.values()];
    const loaded = files.reduce((sum, file) => sum + file.loaded, 0);
    const known = files.every((file) => file.total !== undefined);
    const total = known ? files.reduce((sum, file) => sum + file.total!, 0) : undefined;
    if (total && loaded >= total) {
      // Every file is here: onnxruntime now builds the session, which reports no progress.
      this.#label.textContent = `Preparing ${this.#title} to run…`;
      this.#bar.removeAttribute('value');
      return;
    }
    this.#label.textContent = `Downloading ${progress.file}: ${formatBytes(loaded)}${total ? ` of ${formatBytes(total)}` : ''}`;
    if (total) this.#bar.value = loaded / total;
    else this.#bar.removeAttribute('value');
  }

  done(): void {
    this.#root.hidden = true;
  }
}
