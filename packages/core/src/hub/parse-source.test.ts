import { describe, expect, it } from 'vitest';
import { hubFileUrl } from './hub-url.js';
import { jsonErrorOffset } from './json-error-position.js';
import { parseSource } from './parse-source.js';
import { hubSettings } from './settings.js';

describe('parseSource', () => {
  it('tells ids, URLs and folders apart', () => {
    expect(parseSource('microsoft/beit-base-patch16-224', undefined, true)).toEqual({
      kind: 'id',
      id: 'microsoft/beit-base-patch16-224',
      revision: 'main',
    });
    expect(parseSource('google/bit-50@v2', undefined, true)).toEqual({ kind: 'id', id: 'google/bit-50', revision: 'v2' });
    expect(parseSource('bit-50', 'abc123', true)).toEqual({ kind: 'id', id: 'bit-50', revision: 'abc123' });
    expect(parseSource('https://cdn.example/models/beit/', undefined, true)).toEqual({
      kind: 'url',
      base: 'https://cdn.example/models/beit',
    });
    expect(parseSource('./models/beit', undefined, true)).toEqual({ kind: 'folder', folder: './models/beit' });
    expect(parseSource('C:\\models\\beit', undefined, true)).toEqual({ kind: 'folder', folder: 'C:\\models\\beit' });
    expect(parseSource('file:///models/beit', undefined, true)).toEqual({ kind: 'folder', folder: 'file:///models/beit' });
    expect(parseSource('/models/beit/', undefined, false)).toEqual({ kind: 'url', base: '/models/beit' });
  });

  it('rejects what it cannot open, saying what would work', () => {
    expect(() => parseSource('not a model', undefined, true)).toThrow(/not a model id .* starting with "\.\/"/);
    expect(() => parseSource('a/b@v1', 'v2', true)).toThrow(/names revision "v1" but options\.revision is "v2"/);
    expect(() => parseSource('file:///models/beit', undefined, false)).toThrow(/file: URLs only work in Node/);
  });
});

describe('hubFileUrl', () => {
  it('fills the template, escaping the revision and file segments', () => {
    expect(hubFileUrl(hubSettings, 'microsoft/beit-base-patch16-224', 'main', 'onnx/model.onnx')).toBe(
      'https://huggingface.co/microsoft/beit-base-patch16-224/resolve/main/onnx/model.onnx',
    );
    const mirror = { ...hubSettings, remoteHost: 'https://mirror.example/', remotePathTemplate: 'hf/{model}/{revision}/' };
    expect(hubFileUrl(mirror, 'a/b', 'refs/pr/2', 'my file.json')).toBe('https://mirror.example/hf/a/b/refs%2Fpr%2F2/my%20file.json');
  });
});

describe('jsonErrorOffset', () => {
  it('finds the first syntax error', () => {
    expect(jsonErrorOffset('{"a": [1, 2.5e3, true, null, "\\u00e9"]}')).toBe(-1);
    expect(jsonErrorOffset('{"a": 1,}')).toBe(8);
    expect(jsonErrorOffset('<html>')).toBe(0);
    expect(jsonErrorOffset('{"a": "x')).toBe(8);
    expect(jsonErrorOffset('{"a": 01}')).toBe(7);
    expect(jsonErrorOffset('[1] 2')).toBe(4);
  });
});
