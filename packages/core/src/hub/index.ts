export type { FileProgress, ModelRepo, ReadFileOptions } from './model-repo.js';
export { openModelRepo } from './open-model-repo.js';
export { readOnnxModel, type OnnxExternalData, type OnnxModelFiles } from './read-onnx-model.js';
export { hubSettings, type HubOptions, type HubSettings } from './settings.js';
export type { CacheLike, CacheStorageLike } from './browser-cache.js';
