/**
 * The largest output onnxruntime may precompute for a node of constants while it creates a session (its
 * `optimization.constant_folding_max_output_size_in_bytes`, 1 GiB by default); past it, the node runs at run
 * time. BEiT-640's relative position biases, gathered from tables of 300 kB into 123 MB a layer, would
 * otherwise be held for the session's life: 1.5 GB. Graph builders precompute what depends on the weights
 * alone up to this size and leave larger results to run time. onnxruntime-node before 1.27 ignores the
 * setting and folds them all.
 */
export const FOLDED_CONSTANT_LIMIT_BYTES = 16 * 2 ** 20;
