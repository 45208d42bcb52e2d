import { byId } from './lib/dom.js';
import { DemoError, isAbort } from './lib/explain-error.js';
import { serveFolder, type PickedFolder } from './lib/local-folder.js';
import { EMBEDDED_MODELS, type ModelChoice } from './lib/model-choice.js';
import { ModelRunner, type Device, type Dtype, type RunResult } from './lib/model-runner.js';
import { BackendPanel } from './panels/backend-panel.js';
import { CameraPanel } from './panels/camera-panel.js';
import { DepthPanel } from './panels/depth-panel.js';
import { ClassificationPanel } from './panels/classification-panel.js';
import { ErrorPanel } from './panels/error-panel.js';
import { showGallery, type Sample } from './panels/gallery-panel.js';
import { ImageStage } from './panels/image-stage.js';
import { bindImageInputs, type ImageFile } from './panels/input-panel.js';
import { LoadProgress } from './panels/load-progress.js';
import { ModelPanel } from './panels/model-panel.js';
import { SegmentationPanel } from './panels/segmentation-panel.js';
import { TimingsPanel } from './panels/timings-panel.js';

/** Wires the panels to the model runner: load a model, run images and camera frames, show results and errors. */
export class DemoApp {
  readonly #errors = new ErrorPanel();
  readonly #runner = new ModelRunner((fault) => this.#errors.show(fault));
  readonly #progress = new LoadProgress();
  readonly #backend = new BackendPanel(() => void this.#reload());
  readonly #stage = new ImageStage();
  readonly #classification = new ClassificationPanel();
  readonly #segmentation = new SegmentationPanel(this.#stage);
  readonly #depth = new DepthPanel(this.#stage);
  readonly #timings = new TimingsPanel();
  readonly #summary = byId('result-summary');
  readonly #camera = new CameraPanel(
    (frame) => this.#runFrame(frame),
    (running) => this.#summary.setAttribute('aria-live', running ? 'off' : 'polite'),
    (error) => this.#errors.show(error),
  );
  #models: ModelPanel | undefined;
  /** The device and precision of the loaded model, to put the switches back when another load fails. */
  #active: { device: Device; dtype: Dtype } = { device: 'auto', dtype: 'fp32' };
  #loadController: AbortController | undefined;
  /** The model being loaded, so that switching the backend or precision before the first load ends reloads it so. */
  #loadingChoice: ModelChoice | undefined;
  #loading: Promise<boolean> = Promise.resolve(false);
  #lastImage: ImageFile | undefined;
  #runId = 0;

  async start(): Promise<void> {
    this.#models = new ModelPanel(EMBEDDED_MODELS, {
      choose: (choice) => void this.#loadAndRerun(choice),
      pickFolder: (folder) => void this.#loadFolder(folder),
      fail: (error) => this.#errors.show(error),
    });
    bindImageInputs((image) => void this.#runImage(image));
    showGallery((sample, url) => void this.#runSample(sample, url)).catch((error: unknown) => this.#errors.show(error));
    await this.#load(this.#models.embeddedFor('image-classification'));
  }

  /** Loads `choice` on the selected backend and precision; resolves false when it failed or another load replaced it. */
  #load(choice: ModelChoice): Promise<boolean> {
    this.#loadController?.abort();
    const controller = new AbortController();
    this.#loadController = controller;
    this.#loadingChoice = choice;
    const requested = { device: this.#backend.device, dtype: this.#backend.dtype };
    this.#errors.clear();
    this.#progress.start(choice.title);
    this.#models!.showLoading(choice);
    this.#loading = (async () => {
      try {
        const loaded = await this.#runner.load(choice, requested, (progress) => this.#progress.update(progress), controller.signal);
        this.#active = requested;
        this.#timings.reset();
        const report = await this.#runner.retina.backend();
        if (!controller.signal.aborted) this.#backend.show(loaded.pipeline.backend, report);
        return true;
      } catch (error) {
        if (controller.signal.aborted) return false;
        this.#errors.show(error);
        this.#backend.device = this.#active.device;
        this.#backend.dtype = this.#active.dtype;
        return false;
      } finally {
        if (this.#loadController === controller) {
          this.#loadingChoice = undefined;
          this.#progress.done();
          this.#models!.showLoaded(this.#runner.loaded);
        }
      }
    })();
    return this.#loading;
  }

  async #loadAndRerun(choice: ModelChoice): Promise<void> {
    if ((await this.#load(choice)) && this.#lastImage && !this.#camera.running) await this.#runImage(this.#lastImage);
  }

  #reload(): void {
    const choice = this.#loadingChoice ?? this.#runner.loaded?.choice;
    if (choice) void this.#loadAndRerun(choice);
  }

  async #loadFolder(folder: PickedFolder): Promise<void> {
    try {
      const source = await serveFolder(folder);
      await this.#loadAndRerun({ origin: 'folder', source, title: `folder “${folder.name}”` });
    } catch (error) {
      this.#errors.show(error);
    }
  }

  async #runSample(sample: Sample, url: string): Promise<void> {
    try {
      await this.#loading;
      if (this.#runner.loaded?.task !== sample.task && !(await this.#load(this.#models!.embeddedFor(sample.task)))) return;
      const response = await fetch(url);
      if (!response.ok)
        throw new DemoError(`The sample ${sample.file} could not be loaded (HTTP ${response.status}).`, 'Reload the page and try again.');
      await this.#runImage({ name: sample.file, blob: await response.blob() });
    } catch (error) {
      this.#errors.show(error);
    }
  }

  async #runImage(image: ImageFile): Promise<void> {
    this.#camera.stop();
    this.#lastImage = image;
    const runId = ++this.#runId;
    this.#errors.clear();
    try {
      await this.#loading;
      const started = performance.now();
      const bitmap = await createImageBitmap(image.blob);
      this.#stage.showImage(bitmap, image.name);
      bitmap.close();
      const shown = performance.now();
      this.#summary.textContent = `Running the model on ${image.name}…`;
      const { result, timings } = await this.#runner.run(image.blob);
      const ran = performance.now();
      if (runId !== this.#runId) return;
      this.#summary.textContent = this.#show(result, image.name);
      const drawn = performance.now();
      this.#timings.record(timings, shown - started + (drawn - ran));
      const loaded = this.#runner.loaded;
      if (loaded) this.#backend.show(loaded.pipeline.backend, await this.#runner.retina.backend());
    } catch (error) {
      if (runId !== this.#runId || isAbort(error)) return;
      this.#hideResult();
      this.#summary.textContent = `No result for ${image.name}: see the message above.`;
      this.#errors.show(error);
    }
  }

  /** One camera frame: drawn first, then transferred to the worker. */
  async #runFrame(frame: ImageBitmap): Promise<void> {
    if (!this.#runner.loaded) {
      frame.close();
      return;
    }
    const started = performance.now();
    this.#stage.showImage(frame, 'camera frame', { keepOverlay: true });
    const shown = performance.now();
    try {
      const { result, timings } = await this.#runner.run(frame);
      const ran = performance.now();
      if (!this.#camera.running) return;
      this.#summary.textContent = this.#show(result, 'camera-frame');
      const drawn = performance.now();
      this.#timings.record(timings, shown - started + (drawn - ran));
    } catch (error) {
      this.#camera.stop();
      this.#errors.show(error);
    }
  }

  #show(result: RunResult, imageName: string): string {
    if (result.task !== 'image-classification') this.#classification.hide();
    if (result.task !== 'image-segmentation') this.#segmentation.hide();
    if (result.task !== 'depth-estimation') this.#depth.hide();
    if (result.task === 'image-classification') {
      this.#stage.clearOverlay();
      this.#stage.onProbe = undefined;
      return this.#classification.show(result.top);
    }
    if (result.task === 'image-segmentation') return this.#segmentation.show(result.segmentation, imageName);
    return this.#depth.show(result.depth, imageName);
  }

  #hideResult(): void {
    this.#classification.hide();
    this.#segmentation.hide();
    this.#depth.hide();
    byId('stage').hidden = true;
  }
}
