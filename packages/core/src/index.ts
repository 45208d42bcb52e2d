// @retina/core — the public API. Everything not exported here is internal.

export { RetinaError, type RetinaErrorCode } from './errors.js';
export { withAsyncDispose } from './async-dispose.js';
export { Tensor, type TensorDataType, type TensorDataTypes } from './tensor.js';

// Images
export type { ChannelCount, RawImage } from './image/raw-image.js';
export type { CanvasImageInput, EncodedImageBytes, ImageInput, RawPixels } from './image/image-input.js';
export { DEFAULT_MAX_JPEG_SCANS, DEFAULT_MAX_PIXELS, loadImage, loadLabelMap, type LoadImageOptions } from './image/load-image.js';
export { Resample, resize, type ResampleFilter } from './image/resample/index.js';
export type { ImageDecoderName } from './image/decoded-file.js';
export { readableImageElementSource } from './image/browser/canvas-input.js';
export { setJpegDecoderWasm, type JpegDecoderWasmSource } from './image/jpeg/jpeg-decoder-wasm.js';

// Image processors
export {
  ImageProcessor,
  type ImageProcessorOptions,
  type ImageProcessorOutput,
  type ImageProcessorSettings,
} from './processors/image-processor.js';
export type { SizeDict, SizeInput } from './processors/size.js';
export { postProcessSemanticSegmentation, type LabelMap } from './processors/semantic-segmentation.js';
export { postProcessDepthEstimation, type DepthEstimation, type DepthImage, type DepthMap } from './processors/depth-estimation.js';
export { BitImageProcessor } from './models/bit/image-processing-bit.js';
export { ViTHybridImageProcessor } from './models/vit-hybrid/image-processing-vit-hybrid.js';
export { DPTImageProcessor, type DPTImageProcessorOptions } from './models/dpt/image-processing-dpt.js';
export { BeitImageProcessor, type BeitImageProcessorOptions, type BeitImageProcessorOutput } from './models/beit/image-processing-beit.js';
export { AutoImageProcessor } from './models/auto/image-processing-auto.js';

// Configurations
export { PretrainedConfig } from './models/pretrained-config.js';
export { BitConfig, type BitGlobalPadding, type BitLayerType } from './models/bit/configuration-bit.js';
export { BeitConfig } from './models/beit/configuration-beit.js';
export { ViTHybridConfig } from './models/vit-hybrid/configuration-vit-hybrid.js';
export { DPTConfig } from './models/dpt/configuration-dpt.js';
export { Data2VecVisionConfig } from './models/data2vec-vision/configuration-data2vec-vision.js';
export { AutoConfig, SUPPORTED_MODEL_TYPES, type AutoConfigType } from './models/auto/configuration-auto.js';

// Models
export { PreTrainedModel, type FromPretrainedOptions } from './models/pretrained-model.js';
export { BitBackbone, BitForImageClassification, BitModel } from './models/bit/modeling-bit.js';
export {
  BeitForImageClassification,
  BeitForMaskedImageModeling,
  BeitForSemanticSegmentation,
  BeitModel,
} from './models/beit/modeling-beit.js';
export { ViTHybridForImageClassification, ViTHybridModel } from './models/vit-hybrid/modeling-vit-hybrid.js';
export { DPTForDepthEstimation, DPTModel, type DepthEstimatorOutput, type DPTModelOutput } from './models/dpt/modeling-dpt.js';
export {
  Data2VecVisionForImageClassification,
  Data2VecVisionForSemanticSegmentation,
  Data2VecVisionModel,
} from './models/data2vec-vision/modeling-data2vec-vision.js';
export {
  AutoBackbone,
  AutoModel,
  AutoModelForDepthEstimation,
  AutoModelForImageClassification,
  AutoModelForMaskedImageModeling,
  AutoModelForSemanticSegmentation,
  AUTO_MODEL_CLASSES,
  type AutoModelClass,
  type AutoModelType,
  type ModelTask,
} from './models/auto/modeling-auto.js';
export type {
  BackboneOutput,
  BaseModelOutputWithPooling,
  ImageClassifierOutput,
  MaskedImageModelingInput,
  MaskedImageModelingOutput,
  PixelValuesInput,
  SemanticSegmenterOutput,
} from './models/modeling-outputs.js';

// Sessions
export type { InferenceSession } from './session/inference-session.js';
export { createInferenceSession, type CreateSessionOptions } from './session/create-inference-session.js';
export { findWebGpuAdapter, isFallbackAdapter, whyAutoSkipsAdapter } from './session/webgpu-adapter.js';

// Loading
export {
  hubSettings,
  openModelRepo,
  readOnnxModel,
  type FileProgress,
  type HubOptions,
  type HubSettings,
  type ModelRepo,
  type OnnxExternalData,
  type OnnxModelFiles,
  type ReadFileOptions,
} from './hub/index.js';

// Graphs built from config.json and a checkpoint (no ONNX file needed)
export { exportGraphFromWeights, type ExportedGraph, type ExportGraphOptions } from './models/export-graph.js';

// Checkpoints (model.safetensors, pytorch_model.bin)
export {
  parsePytorchBin,
  parseSafetensors,
  readCheckpoint,
  type Checkpoint,
  type WeightDtype,
  type WeightTensor,
} from './weights/index.js';

// Pipelines
export { pipeline, PIPELINE_MODEL_CLASSES, type PipelineOptions, type PipelineTask, type PipelinesByTask } from './pipelines/pipeline.js';
export type { TaskPipeline } from './pipelines/pipeline-base.js';
export type { PipelineTimings } from './pipelines/pipeline-timings.js';
export type {
  Classification,
  ImageClassificationOptions,
  ImageClassificationPipeline,
  ImageClassificationResult,
} from './pipelines/image-classification/image-classification.js';
export type {
  ImageSegmentationOptions,
  ImageSegmentationPipeline,
  ImageSegmentationResult,
  Segment,
} from './pipelines/image-segmentation/image-segmentation.js';
export type {
  DepthEstimationOptions,
  DepthEstimationPipeline,
  DepthEstimationResult,
} from './pipelines/depth-estimation/depth-estimation.js';
export type {
  ImageFeatureExtractionOptions,
  ImageFeatureExtractionPipeline,
  ImageFeatureExtractionResult,
} from './pipelines/image-feature-extraction/image-feature-extraction.js';
