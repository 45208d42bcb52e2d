// Test-only: the graph of the class config.json's `architectures` names, built as loading from weights builds it.
import type { GraphBuildOptions } from '../graph/graph-builder.js';
import type { BuiltGraph } from '../graph/onnx-graph.js';
import type { AutoConfigType } from '../models/auto/configuration-auto.js';
import { AutoModel } from '../models/auto/modeling-auto.js';
import type { Checkpoint } from '../weights/index.js';

export function buildGraphFor(config: AutoConfigType, checkpoint: Checkpoint, options: GraphBuildOptions): BuiltGraph {
  const head = AutoModel.modelClassFor(config);
  return head.buildGraph!(config, head, checkpoint, options);
}
