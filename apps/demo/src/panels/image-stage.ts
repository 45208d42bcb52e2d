import type { LabelMap } from '@retina/core';
import { byId } from '../lib/dom.js';
import type { Rgba } from '../lib/palette.js';

/** A point of the image, in its own pixels. */
export interface ImagePoint {
  x: number;
  y: number;
}

const ARROWS: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/**
 * The input image with the segmentation or depth overlay on top. Pointing at it, or focusing it and using
 * the arrow keys, reports the image pixel under the probe.
 */
export class ImageStage {
  readonly #root = byId('stage');
  readonly #image = byId<HTMLCanvasElement>('stage-image');
  readonly #overlay = byId<HTMLCanvasElement>('stage-overlay');
  #probe: ImagePoint | undefined;
  #onProbe: ((point: ImagePoint | undefined) => void) | undefined;

  constructor() {
    this.#root.addEventListener('pointermove', (event) => this.#probeAt(event.clientX, event.clientY));
    this.#root.addEventListener('pointerleave', () => this.#setProbe(undefined));
    this.#root.addEventListener('keydown', (event) => this.#moveProbe(event));
  }

  /** Draws the image (the stage takes its size); live frames keep the last overlay until the next result. */
  showImage(image: CanvasImageSource & { width: number; height: number }, name: string, { keepOverlay = false } = {}): void {
    if (this.#image.width !== image.width || this.#image.height !== image.height) {
      this.#image.width = this.#overlay.width = image.width;
      this.#image.height = this.#overlay.height = image.height;
      this.#root.style.setProperty('--aspect', String(image.width / image.height));
    }
    this.#image.getContext('2d')!.drawImage(image, 0, 0);
    this.#image.setAttribute('aria-label', `The input image: ${name}`);
    if (!keepOverlay) this.clearOverlay();
    this.#root.hidden = false;
  }

  clearOverlay(): void {
    this.#overlay.getContext('2d')!.clearRect(0, 0, this.#overlay.width, this.#overlay.height);
  }

  /** Paints every pixel of the label map in its class colour. */
  showLabelMap(labelMap: LabelMap, colours: ReadonlyMap<number, Rgba>): void {
    const pixels = new ImageData(labelMap.width, labelMap.height);
    const rgba = new Uint32Array(pixels.data.buffer);
    const packed = new Map([...colours].map(([id, [r, g, b, a]]) => [id, ((a << 24) | (b << 16) | (g << 8) | r) >>> 0]));
    labelMap.data.forEach((id, i) => (rgba[i] = packed.get(id) ?? 0));
    this.showOverlay(pixels);
  }

  /** Paints `pixels` (at the image's size) over the image. */
  showOverlay(pixels: ImageData): void {
    this.#overlay.width = pixels.width;
    this.#overlay.height = pixels.height;
    this.#overlay.getContext('2d')!.putImageData(pixels, 0, 0);
  }

  set overlayOpacity(opacity: number) {
    this.#overlay.style.opacity = String(opacity);
  }

  /** Enables probing (segmentation, depth): the stage joins the tab order and reports probes. */
  set onProbe(onProbe: ((point: ImagePoint | undefined) => void) | undefined) {
    this.#onProbe = onProbe;
    this.#probe = undefined;
    if (onProbe) this.#root.tabIndex = 0;
    else this.#root.removeAttribute('tabindex');
  }

  #probeAt(clientX: number, clientY: number): void {
    const box = this.#image.getBoundingClientRect();
    const x = Math.floor(((clientX - box.left) / box.width) * this.#image.width);
    const y = Math.floor(((clientY - box.top) / box.height) * this.#image.height);
    const inside = x >= 0 && y >= 0 && x < this.#image.width && y < this.#image.height;
    this.#setProbe(inside ? { x, y } : undefined);
  }

  #moveProbe(event: KeyboardEvent): void {
    const step = ARROWS[event.key];
    if (!step || !this.#onProbe) return;
    event.preventDefault();
    const stride = Math.max(1, Math.round(this.#image.width / (event.shiftKey ? 4 : 20)));
    const from = this.#probe ?? { x: this.#image.width >> 1, y: this.#image.height >> 1 };
    const clamp = (value: number, size: number) => Math.min(size - 1, Math.max(0, value));
    this.#setProbe({ x: clamp(from.x + step[0] * stride, this.#image.width), y: clamp(from.y + step[1] * stride, this.#image.height) });
  }

  #setProbe(point: ImagePoint | undefined): void {
    this.#probe = point;
    this.#onProbe?.(point);
  }
}
