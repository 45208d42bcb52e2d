// The public surface of @retina/core, pinned: a name added to or dropped from the index is a decision, made here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as core from './index.js';

/** The names index.ts exports as types only (`export type { ... }` and `type X` inside an export list). */
function typeOnlyExports(): string[] {
  const source = readFileSync(new URL('./index.ts', import.meta.url), 'utf8');
  const names: string[] = [];
  for (const [, typeOnly, list] of source.matchAll(/export (type )?\{([^}]*)\}/g)) {
    for (const entry of list!
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean)) {
      if (typeOnly) names.push(entry);
      else if (entry.startsWith('type ')) names.push(entry.slice('type '.length));
    }
  }
  return names.sort();
}

describe('@retina/core exports', () => {
  it('keeps the runtime surface', () => {
    expect(Object.keys(core).sort()).toEqual([
      'AUTO_MODEL_CLASSES',
      'AutoBackbone',
      'AutoConfig',
      'AutoImageProcessor',
      'AutoModel',
      'AutoModelForImageClassification',
      'AutoModelForMaskedImageModeling',
      'AutoModelForSemanticSegmentation',
      'BeitConfig',
      'BeitForImageClassification',
      'BeitForMaskedImageModeling',
      'BeitForSemanticSegmentation',
      'BeitImageProcessor',
      'BeitModel',
      'BitBackbone',
      'BitConfig',
      'BitForImageClassification',
      'BitImageProcessor',
      'BitModel',
      'DEFAULT_MAX_JPEG_SCANS',
      'DEFAULT_MAX_PIXELS',
      'Data2VecVisionConfig',
      'Data2VecVisionForImageClassification',
      'Data2VecVisionForSemanticSegmentation',
      'Data2VecVisionModel',
      'ImageProcessor',
      'PIPELINE_MODEL_CLASSES',
      'PreTrainedModel',
      'PretrainedConfig',
      'Resample',
      'RetinaError',
      'SUPPORTED_MODEL_TYPES',
      'Tensor',
      'ViTHybridConfig',
      'ViTHybridForImageClassification',
      'ViTHybridImageProcessor',
      'ViTHybridModel',
      'createInferenceSession',
      'exportGraphFromWeights',
      'findWebGpuAdapter',
      'hubSettings',
      'isFallbackAdapter',
      'loadImage',
      'loadLabelMap',
      'openModelRepo',
      'parsePytorchBin',
      'parseSafetensors',
      'pipeline',
      'postProcessSemanticSegmentation',
      'readCheckpoint',
      'readOnnxModel',
      'readableImageElementSource',
      'resize',
      'setJpegDecoderWasm',
      'whyAutoSkipsAdapter',
      'withAsyncDispose',
    ]);
  });

  it('keeps the type surface', () => {
    expect(typeOnlyExports()).toEqual([
      'AutoConfigType',
      'AutoModelClass',
      'AutoModelType',
      'BackboneOutput',
      'BaseModelOutputWithPooling',
      'BeitImageProcessorOptions',
      'BeitImageProcessorOutput',
      'BitGlobalPadding',
      'BitLayerType',
      'CanvasImageInput',
      'ChannelCount',
      'Checkpoint',
      'Classification',
      'CreateSessionOptions',
      'EncodedImageBytes',
      'ExportGraphOptions',
      'ExportedGraph',
      'FileProgress',
      'FromPretrainedOptions',
      'HubOptions',
      'HubSettings',
      'ImageClassificationOptions',
      'ImageClassificationPipeline',
      'ImageClassificationResult',
      'ImageClassifierOutput',
      'ImageDecoderName',
      'ImageFeatureExtractionOptions',
      'ImageFeatureExtractionPipeline',
      'ImageFeatureExtractionResult',
      'ImageInput',
      'ImageProcessorOptions',
      'ImageProcessorOutput',
      'ImageProcessorSettings',
      'ImageSegmentationOptions',
      'ImageSegmentationPipeline',
      'ImageSegmentationResult',
      'InferenceSession',
      'JpegDecoderWasmSource',
      'LabelMap',
      'LoadImageOptions',
      'MaskedImageModelingInput',
      'MaskedImageModelingOutput',
      'ModelRepo',
      'ModelTask',
      'OnnxExternalData',
      'OnnxModelFiles',
      'PipelineOptions',
      'PipelineTask',
      'PipelineTimings',
      'PipelinesByTask',
      'PixelValuesInput',
      'RawImage',
      'RawPixels',
      'ReadFileOptions',
      'ResampleFilter',
      'RetinaErrorCode',
      'Segment',
      'SemanticSegmenterOutput',
      'SizeDict',
      'SizeInput',
      'TaskPipeline',
      'TensorDataType',
      'TensorDataTypes',
      'WeightDtype',
      'WeightTensor',
    ]);
  });
});
