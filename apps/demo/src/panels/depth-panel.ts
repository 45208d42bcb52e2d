import type { DepthEstimationResult } from '@retina/core';
import { encode } from 'fast-png';
import { depthGradientCss, depthToImageData } from '../lib/depth-colours.js';
import { byId, h } from '../lib/dom.js';
import type { ImagePoint, ImageStage } from './image-stage.js';

const format = (value: number) => value.toPrecision(3);

/** The depth map as a colour-mapped overlay with an opacity slider, a legend, the depth under the probe and a PNG download. */
export class DepthPanel {
  readonly #root = byId('depth');
  readonly #legend = byId('depth-legend');
  readonly #far = byId('depth-far');
  readonly #near = byId('depth-near');
  readonly #hover = byId('hover-depth');
  readonly #opacity = byId<HTMLInputElement>('depth-opacity');
  readonly #opacityValue = byId<HTMLOutputElement>('depth-opacity-value');
  readonly #stage: ImageStage;
  #result: DepthEstimationResult | undefined;
  #range = { min: 0, max: 0 };
  #imageName = 'image';

  constructor(stage: ImageStage) {
    this.#stage = stage;
    byId('depth-gradient').style.backgroundImage = depthGradientCss();
    this.#opacity.addEventListener('input', () => this.#applyOpacity());
    byId('download-depth').addEventListener('click', () => this.#download());
  }

  /** Shows the depth map; returns the one-line summary for the live region. */
  show(result: DepthEstimationResult, imageName: string): string {
    this.#result = result;
    this.#imageName = imageName.replace(/\.[^.]+$/, '') || 'image';
    let min = Infinity;
    let max = -Infinity;
    for (const value of result.predictedDepth.data) {
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    this.#range = { min, max };
    this.#far.textContent = `far (${format(min)})`;
    this.#near.textContent = `near (${format(max)})`;
    this.#legend.dataset.min = String(min);
    this.#legend.dataset.max = String(max);
    this.#stage.showOverlay(depthToImageData(result.depth));
    this.#applyOpacity();
    this.#stage.onProbe = (point) => this.#describe(point);
    this.#root.hidden = false;
    return `Depth map: relative inverse depth from ${format(min)} (far) to ${format(max)} (near).`;
  }

  hide(): void {
    this.#root.hidden = true;
    this.#result = undefined;
  }

  #applyOpacity(): void {
    this.#opacityValue.value = `${this.#opacity.value}%`;
    this.#stage.overlayOpacity = Number(this.#opacity.value) / 100;
  }

  #describe(point: ImagePoint | undefined): void {
    const map = this.#result?.predictedDepth;
    if (!map || !point) {
      this.#hover.textContent = 'Point at the image (or focus it and use the arrow keys) to see the depth there.';
      return;
    }
    const value = map.data[point.y * map.width + point.x]!;
    const { min, max } = this.#range;
    const share = max > min ? (value - min) / (max - min) : 0;
    this.#hover.textContent = `At (${point.x}, ${point.y}): depth ${format(value)}, ${Math.round(share * 100)}% of the way from far to near`;
  }

  #download(): void {
    if (!this.#result) return;
    const { width, height, data } = this.#result.depth;
    const png = encode({ width, height, data, channels: 1, depth: 8 });
    const url = URL.createObjectURL(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
    const link = h('a', { href: url, download: `${this.#imageName}-depth.png` });
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}
