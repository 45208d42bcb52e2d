import { RetinaError } from '../errors.js';
import { ConfigReader, isJsonObject, type JsonObject } from '../config/config-reader.js';

function readId2Label(reader: ConfigReader): Readonly<Record<number, string>> | undefined {
  const json = reader.optionalObject('id2label');
  if (json === undefined) return undefined;
  const id2label: Record<number, string> = {};
  for (const [key, label] of Object.entries(json)) {
    // JSON object keys are strings; the ids themselves are integers.
    if (!/^\d+$/.test(key) || typeof label !== 'string') {
      throw reader.invalid('id2label', 'an object from integer ids ("0", "1", ...) to label strings', { [key]: label });
    }
    id2label[Number(key)] = label;
  }
  return id2label;
}

function readLabel2Id(reader: ConfigReader): Readonly<Record<string, number>> | undefined {
  const json = reader.optionalObject('label2id');
  if (json === undefined) return undefined;
  for (const [label, id] of Object.entries(json)) {
    if (!Number.isInteger(id)) throw reader.invalid('label2id', 'an object from label strings to integer ids', { [label]: id });
  }
  return json as Record<string, number>;
}

/**
 * What every model configuration has, read from config.json like Transformers' PretrainedConfig:
 * `id2label` (when present) decides `numLabels`, otherwise `num_labels` (default 2) makes LABEL_0, LABEL_1, ...
 * Keys this library does not know are kept in `json`.
 */
export abstract class PretrainedConfig {
  /** The config.json object as given, including keys no typed field covers. */
  readonly json: JsonObject;
  readonly modelType: string;
  readonly architectures: readonly string[];
  readonly id2label: Readonly<Record<number, string>>;
  readonly label2id: Readonly<Record<string, number>>;
  readonly numLabels: number;
  /** Transformers version that wrote the file, when recorded. */
  readonly transformersVersion: string | undefined;

  protected readonly reader: ConfigReader;

  protected constructor(json: unknown, modelType: string, where: string) {
    if (!isJsonObject(json)) {
      throw new RetinaError('INVALID_CONFIG', `${where} must be a JSON object; got ${Array.isArray(json) ? 'an array' : String(json)}.`);
    }
    const reader = new ConfigReader(json, where);
    const declaredType = reader.optionalString('model_type');
    if (declaredType !== undefined && declaredType !== modelType) {
      throw reader.invalid('model_type', `"${modelType}" for this configuration class`);
    }
    this.json = json;
    this.reader = reader;
    this.modelType = modelType;
    this.architectures = reader.optionalStringList('architectures') ?? [];
    this.transformersVersion = reader.optionalString('transformers_version');

    const id2label = readId2Label(reader);
    if (id2label) {
      this.id2label = id2label;
      this.numLabels = Object.keys(id2label).length;
    } else {
      this.numLabels = reader.int('num_labels', 2);
      this.id2label = Object.fromEntries(Array.from({ length: this.numLabels }, (_, id) => [id, `LABEL_${id}`]));
    }
    this.label2id = readLabel2Id(reader) ?? Object.fromEntries(Object.entries(this.id2label).map(([id, label]) => [label, Number(id)]));
  }
}
