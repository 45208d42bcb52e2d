// The benchmark models (full-size random-weight graphs in ../shared/bench-models) and what each is
// run with. Inputs are those of the issue: BiT-50 at 224, although its preprocessor says 448.

export type BenchTask = 'image-classification' | 'image-segmentation';

export interface BenchModel {
  name: string;
  task: BenchTask;
  /** The pixel_values side the graph runs at. */
  inputSize: number;
  /** Preprocessor overrides that set that size, where it differs from preprocessor_config.json. */
  preprocess?: { size: { shortest_edge: number }; cropSize: number };
  /** Whether transformers.js 4 has this architecture (it has BEiT classification, not BiT, ViT-Hybrid or BEiT segmentation). */
  transformersJs: boolean;
  note?: string;
}

export const BENCH_MODELS: readonly BenchModel[] = [
  {
    name: 'bit-50',
    task: 'image-classification',
    inputSize: 224,
    preprocess: { size: { shortest_edge: 224 }, cropSize: 224 },
    transformersJs: false,
    note: 'measured at 224 as the issue asks; its preprocessor_config.json says 448 (shortest edge and crop)',
  },
  { name: 'beit-base-patch16-224', task: 'image-classification', inputSize: 224, transformersJs: true },
  { name: 'beit-base-finetuned-ade-640-640', task: 'image-segmentation', inputSize: 640, transformersJs: false },
  { name: 'vit-hybrid-base-bit-384', task: 'image-classification', inputSize: 384, transformersJs: false },
];

export type Backend = 'wasm' | 'webgpu';
export const BACKENDS: readonly Backend[] = ['wasm', 'webgpu'];
