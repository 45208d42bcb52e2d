import { byId, h } from '../lib/dom.js';
import { DemoError } from '../lib/explain-error.js';
import { folderFromFileList, pickWithDirectoryPicker, type PickedFolder } from '../lib/local-folder.js';
import type { ModelChoice } from '../lib/model-choice.js';
import type { LoadedModel } from '../lib/model-runner.js';
import { TASK_NAMES, type DemoTask } from '../lib/model-task.js';

type Origin = ModelChoice['origin'];

export interface ModelPanelEvents {
  choose(choice: ModelChoice): void;
  pickFolder(folder: PickedFolder): void;
  fail(error: unknown): void;
}

/** Model choice: a built-in model, a Hugging Face id or a local folder. */
export class ModelPanel {
  readonly #form = byId<HTMLFormElement>('model-form');
  readonly #embedded = byId<HTMLSelectElement>('embedded-model');
  readonly #hubId = byId<HTMLInputElement>('hub-id');
  readonly #folderInput = byId<HTMLInputElement>('folder-input');
  readonly #status = byId('model-status');
  readonly #syntheticNote = byId('synthetic-note');
  readonly #choices: ReadonlyMap<DemoTask, ModelChoice>;
  readonly #events: ModelPanelEvents;

  constructor(embedded: ReadonlyMap<DemoTask, ModelChoice>, events: ModelPanelEvents) {
    this.#choices = embedded;
    this.#events = events;
    for (const [task, choice] of embedded) this.#embedded.append(h('option', { value: task }, choice.title));

    this.#form.addEventListener('change', (event) => {
      if ((event.target as HTMLInputElement).name === 'model-origin') this.#showOrigin(this.#origin);
    });
    this.#embedded.addEventListener('change', () => events.choose(this.#embeddedChoice()));
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      const id = this.#hubId.value.trim();
      if (!id) return events.fail(new DemoError('Type a model id first.', 'For example microsoft/beit-base-finetuned-ade-640-640.'));
      events.choose({ origin: 'hub', source: id, title: id });
    });
    byId('pick-folder').addEventListener('click', () => void this.#pickFolder());
    this.#folderInput.addEventListener('change', () => {
      const folder = this.#folderInput.files && folderFromFileList(this.#folderInput.files);
      this.#folderInput.value = '';
      if (folder) events.pickFolder(folder);
      else
        events.fail(
          new DemoError(
            'That folder holds no model files.',
            'Pick the folder with config.json and onnx/model.onnx or model.safetensors in it.',
          ),
        );
    });
  }

  /** The built-in model of `task`, selected in the panel. */
  embeddedFor(task: DemoTask): ModelChoice {
    this.#setOrigin('embedded');
    this.#embedded.value = task;
    return this.#embeddedChoice();
  }

  showLoading(choice: ModelChoice): void {
    this.#status.textContent = `Loading ${choice.title}…`;
  }

  showLoaded(loaded: LoadedModel | undefined): void {
    this.#status.textContent = loaded
      ? `Loaded: ${loaded.choice.title}, ${TASK_NAMES[loaded.task]} (${loaded.architecture}).`
      : 'No model loaded.';
    this.#syntheticNote.hidden = loaded?.choice.origin !== 'embedded';
  }

  get #origin(): Origin {
    return (new FormData(this.#form).get('model-origin') as Origin | null) ?? 'embedded';
  }

  #setOrigin(origin: Origin): void {
    const radio = this.#form.querySelector<HTMLInputElement>(`input[name="model-origin"][value="${origin}"]`);
    if (radio) radio.checked = true;
    this.#showOrigin(origin);
  }

  #showOrigin(origin: Origin): void {
    for (const section of this.#form.querySelectorAll<HTMLElement>('[data-origin]')) section.hidden = section.dataset.origin !== origin;
  }

  #embeddedChoice(): ModelChoice {
    return this.#choices.get(this.#embedded.value as DemoTask)!;
  }

  async #pickFolder(): Promise<void> {
    try {
      const folder = await pickWithDirectoryPicker();
      if (folder) this.#events.pickFolder(folder);
      else this.#folderInput.click();
    } catch (error) {
      this.#events.fail(error);
    }
  }
}
