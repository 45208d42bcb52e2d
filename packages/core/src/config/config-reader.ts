import { RetinaError } from '../errors.js';

export type JsonObject = Readonly<Record<string, unknown>>;

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array ${JSON.stringify(value)}`;
  if (typeof value === 'string') return `string "${value}"`;
  if (typeof value === 'object') return 'object';
  // Objects are described above; what is left (numbers, booleans, undefined, ...) prints as itself.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return `${typeof value} ${String(value)}`;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Typed, validating access to the keys of one config object (config.json, preprocessor_config.json). Every error names the file (or nested
 * object), the key, the expected type and what was found, with code INVALID_CONFIG.
 */
export class ConfigReader {
  constructor(
    readonly json: JsonObject,
    /** Where the object comes from, for messages: "config.json" or "config.json backbone_config". */
    readonly where: string,
  ) {}

  invalid(key: string, expected: string, value: unknown = this.json[key]): RetinaError {
    return new RetinaError('INVALID_CONFIG', `${this.where}: "${key}" must be ${expected}; got ${describeValue(value)}.`);
  }

  private read<T>(key: string, fallback: T, expected: string, accepts: (value: unknown) => boolean): T {
    const value = this.json[key];
    if (value === undefined) return fallback;
    if (!accepts(value)) throw this.invalid(key, expected);
    return value as T;
  }

  int(key: string, fallback: number): number {
    return this.read(key, fallback, 'an integer', Number.isInteger);
  }

  positiveInt(key: string, fallback: number): number {
    return this.read(key, fallback, 'a positive integer', (v) => Number.isInteger(v) && (v as number) > 0);
  }

  number(key: string, fallback: number): number {
    return this.read(key, fallback, 'a number', Number.isFinite);
  }

  bool(key: string, fallback: boolean): boolean {
    return this.read(key, fallback, 'true or false', (v) => typeof v === 'boolean');
  }

  string(key: string, fallback: string): string {
    return this.read(key, fallback, 'a string', (v) => typeof v === 'string');
  }

  optionalString(key: string): string | undefined {
    return (
      this.read<string | null | undefined>(key, undefined, 'a string or null', (v) => v === null || typeof v === 'string') ?? undefined
    );
  }

  /** One of `choices`, compared case-insensitively when `normalize` maps a value onto them. */
  oneOf<T extends string>(key: string, choices: readonly T[], fallback: T, normalize: (v: string) => string = (v) => v): T {
    const value = this.json[key];
    if (value === undefined) return fallback;
    const expected = `one of ${choices.map((c) => `"${c}"`).join(', ')}`;
    if (typeof value !== 'string') throw this.invalid(key, expected);
    const normalized = normalize(value);
    if (!(choices as readonly string[]).includes(normalized)) throw this.invalid(key, expected);
    return normalized as T;
  }

  intList(key: string, fallback: readonly number[]): readonly number[] {
    return this.read(key, fallback, 'a list of integers', (v) => Array.isArray(v) && v.every(Number.isInteger));
  }

  optionalIntList(key: string): readonly number[] | undefined {
    return (
      this.read<readonly number[] | null | undefined>(
        key,
        undefined,
        'a list of integers or null',
        (v) => v === null || (Array.isArray(v) && v.every(Number.isInteger)),
      ) ?? undefined
    );
  }

  optionalStringList(key: string): readonly string[] | undefined {
    return (
      this.read<readonly string[] | null | undefined>(
        key,
        undefined,
        'a list of strings or null',
        (v) => v === null || (Array.isArray(v) && v.every((item) => typeof item === 'string')),
      ) ?? undefined
    );
  }

  /** A per-channel list of 3 numbers; a single number is broadcast like the reference does. */
  channelNumbers(key: string, fallback: readonly number[]): readonly number[] {
    const value = this.read<unknown>(key, fallback, 'a number or a list of 3 numbers (one per RGB channel)', (v) =>
      typeof v === 'number' ? Number.isFinite(v) : Array.isArray(v) && v.length === 3 && v.every(Number.isFinite),
    );
    return typeof value === 'number' ? [value, value, value] : (value as readonly number[]);
  }

  optionalObject(key: string): JsonObject | undefined {
    return this.read<JsonObject | null | undefined>(key, undefined, 'an object or null', (v) => v === null || isJsonObject(v)) ?? undefined;
  }
}
