// Types of the `#onnxruntime-web` import (package.json "imports"): onnxruntime-web's own, whichever
// entry the runtime condition picks.
export * from 'onnxruntime-web';
