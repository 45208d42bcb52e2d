const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const HEX_DIGIT = /[0-9a-fA-F]/;

/**
 * Offset of the first JSON syntax error in `text` (text.length when it ends too early), or -1
 * when there is none. Engines word JSON.parse errors differently and often leave the position
 * out, so we find it ourselves.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;

  function fail(): never {
    // A signal caught below, never seen outside: an Error's stack would cost without telling anything.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw new JsonSyntaxAt(i);
  }
  function skipSpace(): void {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  }
  function expect(char: string): void {
    if (text[i] !== char) fail();
    i++;
  }
  function string(): void {
    expect('"');
    for (;;) {
      const char = text[i];
      if (char === undefined || char < ' ') fail();
      i++;
      if (char === '"') return;
      if (char !== '\\') continue;
      if (text[i] === 'u') {
        i++;
        for (let k = 0; k < 4; k++) {
          if (!HEX_DIGIT.test(text[i] ?? '')) fail();
          i++;
        }
      } else {
        if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
        i++;
      }
    }
  }
  function number(): void {
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (!match) fail();
    i += match[0].length;
  }
  function container(close: string, member: () => void): void {
    i++;
    skipSpace();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      member();
      skipSpace();
      if (text[i] === close) {
        i++;
        return;
      }
      expect(',');
    }
  }
  function property(): void {
    skipSpace();
    string();
    skipSpace();
    expect(':');
    value();
  }
  function value(): void {
    skipSpace();
    const char = text[i];
    if (char === '{') container('}', property);
    else if (char === '[') container(']', value);
    else if (char === '"') string();
    else if (char === 't') for (const c of 'true') expect(c);
    else if (char === 'f') for (const c of 'false') expect(c);
    else if (char === 'n') for (const c of 'null') expect(c);
    else number();
    skipSpace();
  }

  try {
    value();
    if (i < text.length) fail();
    return -1;
  } catch (error) {
    if (error instanceof JsonSyntaxAt) return error.offset;
    throw error;
  }
}

class JsonSyntaxAt {
  constructor(readonly offset: number) {}
}
