import { RetinaError } from '../errors.js';
import { checkOnnxModel } from '../onnx/check-onnx-model.js';
import { parseJsonFile } from './parse-json.js';

const latin1 = new TextDecoder('latin1');
const HTML_START = /^<(?:!doctype\s+html|html|head|body|meta|title|script|!--)[\s>]/i;

/**
 * Refuses a downloaded body that cannot be the file asked for, before it is cached or used: an HTML page
 * (dev servers and single-page apps answer any unknown path with their index.html and 200), JSON that
 * does not parse, an ONNX model that does not parse or reads outside its folder. A body shorter than
 * its Content-Length does not get here: readBody refuses it.
 */
export function checkDownload(file: string, bytes: Uint8Array, url: string, contentType: string | null): void {
  if (!/\.html?$/i.test(file) && isHtmlPage(bytes, contentType)) {
    // Not found, in effect: a fallback source (the hub after localModelPath) may still have the file.
    throw new RetinaError(
      'FILE_NOT_FOUND',
      `${file} was not found at ${url}: the server answered with an HTML page instead of the file. Development ` +
        'servers and single-page apps answer paths they do not have with their index.html; check that the model files are served at this URL.',
    );
  }
  if (/\.json$/i.test(file)) parseJsonFile(bytes, file, url);
  else if (/\.onnx$/i.test(file)) checkOnnxModel(bytes, file, url);
}

function isHtmlPage(bytes: Uint8Array, contentType: string | null): boolean {
  const start = latin1.decode(bytes.subarray(0, 256)).replace(/^(?:\u00ef\u00bb\u00bf)?\s*/, '');
  if (!start.startsWith('<')) return false;
  return /^\s*text\/html\b/i.test(contentType ?? '') || HTML_START.test(start);
}
