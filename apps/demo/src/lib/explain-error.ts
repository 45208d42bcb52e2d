// Turns any error into words for the page: what happened and what to do. The original message
// stays available under "Details".

export interface Explanation {
  title: string;
  action: string;
  details: string;
}

/** An error the demo raises itself, already in the user's words. */
export class DemoError extends Error {
  readonly action: string;

  constructor(message: string, action: string) {
    super(message);
    this.name = 'DemoError';
    this.action = action;
  }
}

const BY_CODE: Record<string, Omit<Explanation, 'details'>> = {
  INVALID_IMAGE: { title: "This file isn't an image Retina can read.", action: 'Pick a PNG, JPEG or WebP image.' },
  UNSUPPORTED_IMAGE_FORMAT: { title: "This image format isn't supported.", action: 'Convert it to PNG or JPEG and try again.' },
  IMAGE_DECODE_FAILED: {
    title: 'The image could not be decoded: the file looks damaged.',
    action: 'Try another image, or re-save this one as PNG or JPEG.',
  },
  IMAGE_TOO_LARGE: { title: 'The image is too large to process.', action: 'Use a smaller image (a few megapixels is plenty).' },
  UNSUPPORTED_MODEL: {
    title: "Retina can't run this kind of model.",
    action: 'Pick a model with an image-classification or semantic-segmentation head of a family Retina supports (see Details).',
  },
  INVALID_CONFIG: { title: "The model's configuration is invalid.", action: "Check the folder's config.json, or pick another model." },
  FILE_NOT_FOUND: {
    title: 'A file the model needs is missing.',
    action: 'A model folder needs config.json, preprocessor_config.json and onnx/model.onnx or model.safetensors. Check the id or folder.',
  },
  MODEL_LOAD_FAILED: {
    title: 'The model could not be loaded.',
    action: 'Check the model id or folder and your connection, then try again.',
  },
  FILE_TOO_LARGE: {
    title: 'A model file is larger than Retina reads (4 GiB).',
    action: 'Check that this is the model you meant; the models the demo runs are far smaller.',
  },
  INFERENCE_FAILED: { title: 'Running the model failed.', action: 'Try again; if it keeps failing, switch the backend to WebAssembly.' },
  INVALID_ARGUMENT: { title: 'Retina rejected the request.', action: 'Check the model id or the image and try again.' },
  WORKER_CRASHED: { title: 'The inference worker crashed.', action: 'It restarts on its own: just run again.' },
  WORKER_TERMINATED: { title: 'The inference worker was stopped.', action: 'Run again to restart it.' },
  GPU_DEVICE_LOST: { title: 'The GPU stopped responding.', action: 'Retina switched to WebAssembly: run again.' },
};

const BY_DOM_NAME: Record<string, Omit<Explanation, 'details'>> = {
  NotAllowedError: {
    title: 'Camera access was blocked.',
    action: "Allow the camera in the browser's site settings (the icon left of the address), then start the camera again.",
  },
  NotFoundError: { title: 'No camera was found.', action: 'Connect a camera, or use an image file instead.' },
  NotReadableError: { title: 'The camera is busy or unavailable.', action: 'Close other apps using the camera and try again.' },
  InvalidStateError: { title: "This file isn't an image the browser can show.", action: 'Pick a PNG, JPEG or WebP image.' },
  EncodingError: { title: "This file isn't an image the browser can show.", action: 'Pick a PNG, JPEG or WebP image.' },
  QuotaExceededError: {
    title: 'The browser ran out of storage for model files.',
    action: 'Free some disk space or clear this site’s data.',
  },
};

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export function explainError(error: unknown): Explanation {
  const details = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (error instanceof DemoError) return { title: error.message, action: error.action, details };
  const code = (error as { code?: unknown } | null)?.code;
  const known = (typeof code === 'string' && BY_CODE[code]) || (error instanceof DOMException && BY_DOM_NAME[error.name]);
  if (known) return { ...known, action: offlineHint(known.action), details };
  return { title: 'Something went wrong.', action: offlineHint('Try again, or reload the page.'), details };
}

function offlineHint(action: string): string {
  return navigator.onLine ? action : `You are offline: models from Hugging Face need a connection the first time. ${action}`;
}
