import type { ConfigReader } from '../config/config-reader.js';

export interface BackboneFeatures {
  /** "stem", "stage1", ...: the names `outFeatures` picks from. */
  readonly stageNames: readonly string[];
  readonly outFeatures: readonly string[];
  readonly outIndices: readonly number[];
}

/**
 * Reads `out_features` / `out_indices` and aligns them the way Transformers does: either one fills in the
 * other, and with neither the last stage is used. Negative indices count from the end, as in Python.
 */
export function readBackboneFeatures(
  reader: ConfigReader,
  stageNames: readonly string[],
  defaultOutIndices?: readonly number[],
): BackboneFeatures {
  const givenFeatures = reader.optionalStringList('out_features');
  const givenIndices = reader.optionalIntList('out_indices') ?? (givenFeatures ? undefined : defaultOutIndices);
  const stageList = `[${stageNames.join(', ')}]`;
  const stageAt = (index: number): string | undefined => stageNames[index < 0 ? stageNames.length + index : index];

  if (givenFeatures?.some((feature) => !stageNames.includes(feature))) {
    throw reader.invalid('out_features', `a subset of the stage names ${stageList}`);
  }
  if (givenIndices?.some((index) => stageAt(index) === undefined)) {
    throw reader.invalid('out_indices', `indices into the stage names ${stageList}`, givenIndices);
  }
  const outFeatures = givenFeatures ?? givenIndices?.map((index) => stageAt(index)!) ?? [stageNames[stageNames.length - 1]!];
  const outIndices = givenIndices ?? outFeatures.map((feature) => stageNames.indexOf(feature));
  if (outFeatures.length !== outIndices.length || outFeatures.some((feature, i) => stageAt(outIndices[i]!) !== feature)) {
    throw reader.invalid('out_indices', `the indices of out_features ${JSON.stringify(outFeatures)} in ${stageList}`, outIndices);
  }
  return { stageNames, outFeatures, outIndices };
}
