// The wrappers take and return camelCase fields; graphs and the Transformers reference use snake_case names.
import { Tensor } from '@retina/core';

/** The wrapper's input field of a graph input: `bool_masked_pos` → `boolMaskedPos`. */
export function inputField(graphName: string): string {
  return graphName.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function snakeCase(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * A wrapper's output as the reference names it: `lastHiddenState` → `last_hidden_state`, and a list
 * field such as `featureMaps` → `feature_maps.0`, `feature_maps.1`, ...
 */
export function referenceOutputs(output: object): Array<[name: string, tensor: Tensor]> {
  return Object.entries(output).flatMap(([field, value]): Array<[string, Tensor]> => {
    const name = snakeCase(field);
    if (value instanceof Tensor) return [[name, value]];
    if (Array.isArray(value)) return value.map((tensor: Tensor, i) => [`${name}.${i}`, tensor]);
    return [];
  });
}
