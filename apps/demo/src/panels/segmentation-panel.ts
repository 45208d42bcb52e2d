import type { ImageSegmentationResult, LabelMap } from '@retina/core';
import { byId, formatPercent, h } from '../lib/dom.js';
import { labelMapToColourPng, labelMapToPng } from '../lib/mask-png.js';
import { colourOf, cssColour, type Rgba } from '../lib/palette.js';
import type { ImageStage, ImagePoint } from './image-stage.js';

interface PresentClass {
  id: number;
  label: string;
  share: number;
  colour: Rgba;
}

/** Segments are in increasing class id, one per id present in the label map. */
function presentClasses({ labelMap, segments }: ImageSegmentationResult): PresentClass[] {
  const counts = new Map<number, number>();
  for (const id of labelMap.data) counts.set(id, (counts.get(id) ?? 0) + 1);
  const ids = [...counts.keys()].sort((a, b) => a - b);
  return ids.map((id, i) => {
    const label = segments[i]?.label ?? `LABEL_${id}`;
    return { id, label, share: counts.get(id)! / labelMap.data.length, colour: colourOf(id, label) };
  });
}

/** The label map as an overlay with an opacity slider, a legend, the class under the probe and a PNG download. */
export class SegmentationPanel {
  readonly #root = byId('segmentation');
  readonly #legend = byId('legend');
  readonly #hover = byId('hover-class');
  readonly #opacity = byId<HTMLInputElement>('overlay-opacity');
  readonly #opacityValue = byId<HTMLOutputElement>('overlay-opacity-value');
  readonly #stage: ImageStage;
  #labelMap: LabelMap | undefined;
  #labels = new Map<number, string>();
  #colours = new Map<number, Rgba>();
  #imageName = 'image';

  constructor(stage: ImageStage) {
    this.#stage = stage;
    this.#opacity.addEventListener('input', () => this.#applyOpacity());
    this.#applyOpacity();
    byId('download-mask').addEventListener('click', () => this.#download(labelMapToPng, 'mask'));
    byId('download-colour-mask').addEventListener('click', () =>
      this.#download((map) => labelMapToColourPng(map, this.#colours), 'colours'),
    );
  }

  /** Shows the segmentation; returns the one-line summary for the live region. */
  show(result: ImageSegmentationResult, imageName: string): string {
    const classes = presentClasses(result);
    this.#labelMap = result.labelMap;
    this.#labels = new Map(classes.map(({ id, label }) => [id, label]));
    this.#imageName = imageName.replace(/\.[^.]+$/, '') || 'image';
    this.#colours = new Map(classes.map(({ id, colour }) => [id, colour]));
    this.#stage.showLabelMap(result.labelMap, this.#colours);
    this.#applyOpacity();
    this.#stage.onProbe = (point) => this.#describe(point);
    this.#legend.replaceChildren(
      ...classes.map(({ label, share, colour }) =>
        h(
          'li',
          { 'data-label': label, 'data-share': share },
          h('span', {
            class: colour[3] === 0 ? 'swatch clear' : 'swatch',
            style: `background-color: ${cssColour(colour)}`,
            'aria-hidden': 'true',
          }),
          h('span', {}, label),
          h('span', { class: 'share' }, formatPercent(share)),
        ),
      ),
    );
    this.#root.hidden = false;
    const byShare = [...classes].sort((a, b) => b.share - a.share);
    const listed = byShare.map(({ label, share }) => `${label} ${formatPercent(share)}`).join(', ');
    return `${classes.length} ${classes.length === 1 ? 'class' : 'classes'} found: ${listed}.`;
  }

  hide(): void {
    this.#root.hidden = true;
    this.#labelMap = undefined;
    this.#stage.onProbe = undefined;
  }

  #applyOpacity(): void {
    this.#opacityValue.value = `${this.#opacity.value}%`;
    this.#stage.overlayOpacity = Number(this.#opacity.value) / 100;
  }

  #describe(point: ImagePoint | undefined): void {
    const map = this.#labelMap;
    if (!map || !point) {
      this.#hover.textContent = 'Point at the image (or focus it and use the arrow keys) to see the class there.';
      return;
    }
    const id = map.data[point.y * map.width + point.x]!;
    this.#hover.textContent = `At (${point.x}, ${point.y}): ${this.#labels.get(id) ?? `class ${id}`}`;
  }

  #download(encode: (labelMap: LabelMap) => Blob, suffix: string): void {
    if (!this.#labelMap) return;
    const url = URL.createObjectURL(encode(this.#labelMap));
    const link = h('a', { href: url, download: `${this.#imageName}-${suffix}.png` });
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}
