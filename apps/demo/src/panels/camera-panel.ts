import { byId } from '../lib/dom.js';

/**
 * Live camera frames, one at a time: while the model works on a frame, newer frames are dropped
 * rather than queued, so results never lag behind the camera.
 */
export class CameraPanel {
  readonly #button = byId<HTMLButtonElement>('camera-toggle');
  readonly #status = byId('camera-status');
  readonly #video = byId<HTMLVideoElement>('camera-video');
  readonly #onFrame: (frame: ImageBitmap) => Promise<void>;
  readonly #onStateChange: (running: boolean) => void;
  readonly #onError: (error: unknown) => void;
  #stream: MediaStream | undefined;
  #busy = false;
  #analysed = 0;
  #dropped = 0;

  constructor(
    onFrame: (frame: ImageBitmap) => Promise<void>,
    onStateChange: (running: boolean) => void,
    onError: (error: unknown) => void,
  ) {
    this.#onFrame = onFrame;
    this.#onStateChange = onStateChange;
    this.#onError = onError;
    this.#button.addEventListener('click', () => {
      if (this.running) this.stop();
      else
        this.#start().catch((error: unknown) => {
          this.stop();
          onError(error);
        });
    });
  }

  get running(): boolean {
    return this.#stream !== undefined;
  }

  stop(): void {
    if (!this.#stream) return;
    for (const track of this.#stream.getTracks()) track.stop();
    this.#stream = undefined;
    this.#video.srcObject = null;
    this.#button.textContent = 'Start camera';
    this.#button.setAttribute('aria-pressed', 'false');
    this.#status.textContent = 'Camera stopped.';
    this.#onStateChange(false);
  }

  async #start(): Promise<void> {
    this.#stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
    this.#video.srcObject = this.#stream;
    await this.#video.play();
    this.#analysed = 0;
    this.#dropped = 0;
    this.#button.textContent = 'Stop camera';
    this.#button.setAttribute('aria-pressed', 'true');
    this.#status.textContent = 'Camera on: every frame the model is free for gets analysed.';
    this.#onStateChange(true);
    this.#video.requestVideoFrameCallback(() => this.#nextFrame());
  }

  #nextFrame(): void {
    if (!this.running) return;
    this.#video.requestVideoFrameCallback(() => this.#nextFrame());
    if (this.#busy) {
      this.#dropped++;
      return;
    }
    this.#busy = true;
    createImageBitmap(this.#video)
      .then((frame) => this.#onFrame(frame))
      .catch(this.#onError)
      .finally(() => {
        this.#busy = false;
        this.#analysed++;
        if (this.running)
          this.#status.textContent = `Camera on: ${this.#analysed} frames analysed, ${this.#dropped} dropped while the model was busy.`;
      });
  }
}
