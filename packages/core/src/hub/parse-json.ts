import { RetinaError } from '../errors.js';
import { jsonErrorOffset } from './json-error-position.js';

const utf8 = new TextDecoder('utf-8');

/** Parses a repo file as JSON; a syntax error names the file, line, column and what is there. */
export function parseJsonFile(bytes: Uint8Array, file: string, location: string): unknown {
  const text = utf8.decode(bytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RetinaError(
      'MODEL_LOAD_FAILED',
      `${file} from ${location} is not valid JSON (${describePosition(text)}). ` +
        'Check that the file is a JSON config and that the server did not answer with an HTML page instead.',
      { cause: error },
    );
  }
}

function describePosition(text: string): string {
  const offset = jsonErrorOffset(text);
  if (offset < 0) return 'could not locate the error';
  if (offset >= text.length) return `it ends too early, at offset ${offset}`;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const excerpt = JSON.stringify(text.slice(offset, offset + 20));
  return `line ${line}, column ${column}, offset ${offset}: ${excerpt}`;
}
