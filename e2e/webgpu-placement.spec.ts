// Where onnxruntime-web's WebGPU build runs each node of the graphs Retina builds from checkpoints, read from
// its own log at logLevel 'verbose' (VerifyEachNodeIsAssignedToAnEp): every node is on the WebGPU provider
// except shape computation (int64 Shape/Slice/Add/Div/... such as BiT's TF-"SAME" pads), which
// onnxruntime keeps on the CPU on purpose. So in fp32, and in q4 and q8, whose Linear layers are MatMulNBits
// on WebGPU (q8's DynamicQuantizeMatMul, the CPU provider's, would run on the CPU).
import { AutoConfig, AutoModel, openModelRepo, readCheckpoint, type InferenceSession } from '@retina/core';
import type { ConsoleMessage } from '@playwright/test';
import { readGraphNodes, shapeComputationNodes } from '../packages/core/src/testing/onnx-graph-nodes.js';
import { fixtureFile } from './support/fixtures.js';
import { expect, modelUrl, test } from './support/test.js';

/** One built graph per family; the pipeline whose model class is the checkpoint's architecture. */
const MODELS = [
  { model: 'bit-bottleneck-same-cls', task: 'image-classification' },
  { model: 'beit-seg', task: 'image-segmentation' },
  { model: 'vit-hybrid-cls', task: 'image-classification' },
] as const;

const WEBGPU = 'WebGpuExecutionProvider';

interface PlacedNode {
  readonly provider: string;
  readonly opType: string;
  readonly name: string;
}

/** The node lists of the log's "Node placements" block ("All nodes placed on [...]" names no node). */
function parsePlacement(lines: readonly string[]): { counts: Record<string, number>; nodes: PlacedNode[] } {
  const counts: Record<string, number> = {};
  const nodes: PlacedNode[] = [];
  let provider: string | undefined;
  for (const line of lines) {
    if (!line.includes('VerifyEachNodeIsAssignedToAnEp]')) continue;
    const header = /(?:All nodes|Node\(s\)) placed on \[(\w+)\]\. Number of nodes: (\d+)/.exec(line);
    const node = /VerifyEachNodeIsAssignedToAnEp\] {3}(\S+) \((.*)\)$/.exec(line);
    if (header) {
      provider = header[1]!;
      counts[provider] = Number(header[2]);
    } else if (node && provider) nodes.push({ provider, opType: node[1]!, name: node[2]! });
  }
  return { counts, nodes };
}

/** The graph the worker builds for WebGPU in `dtype`, built here the same way (the same node names). */
async function builtForWebGpu(model: string, dtype: InferenceSession.ModelDtype): Promise<Uint8Array> {
  const repo = openModelRepo(fixtureFile('models', model));
  const config = await AutoConfig.fromPretrained(repo);
  const head = AutoModel.modelClassFor(config);
  return head.buildGraph!(config, head, await readCheckpoint(repo), { dtype, provider: 'webgpu' }).graph;
}

/** SwiftShader is slow: the quantized Linear layers of a BEiT (q4, q8) and of a ViT-Hybrid behind its BiT backbone (q4). */
const QUANTIZED: Readonly<Record<string, readonly InferenceSession.ModelDtype[]>> = { 'beit-seg': ['q4', 'q8'], 'vit-hybrid-cls': ['q4'] };

for (const { model, task } of MODELS)
  for (const dtype of ['fp32' as const, ...(QUANTIZED[model] ?? [])]) {
    test(`${model} (${dtype}): every node built from the checkpoint runs on WebGPU but shape computation`, async ({
      retinaPage,
      device,
    }) => {
      const messages: string[] = [];
      const record = (message: ConsoleMessage) => messages.push(message.text());
      retinaPage.on('console', record);
      await retinaPage.evaluate(
        async ({ url, task, device, dtype }) => {
          const retina = Retina.createRetinaWorker({ device });
          try {
            // Creating the session is enough: onnxruntime places the nodes then.
            const loaded = await retina.pipeline(task, url, { source: 'weights', dtype, logLevel: 'verbose' });
            await loaded.close();
          } finally {
            retina.terminate();
          }
        },
        { url: modelUrl(retinaPage, model, '/checkpoints/safetensors'), task, device, dtype },
      );
      retinaPage.off('console', record);

      const { counts, nodes } = parsePlacement(messages);
      expect(Object.keys(counts), 'a "Node placements" block in the log').toContain(WEBGPU);
      for (const [provider, count] of Object.entries(counts)) {
        const listed = nodes.filter((node) => node.provider === provider).length;
        // "All nodes placed on [...]" lists none.
        if (listed > 0) expect(listed, `nodes listed for ${provider}`).toBe(count);
      }

      // The same builder in Node gives the same node names (the graph's first output of each node).
      const graph = await builtForWebGpu(model, dtype);
      const builtNames = new Set(readGraphNodes(graph).nodes.map((node) => node.name));
      const shapeWork = new Set(shapeComputationNodes(graph).map((node) => node.name));
      const offWebGpu = nodes.filter((node) => node.provider !== WEBGPU);
      const misplaced = offWebGpu.filter((node) =>
        builtNames.has(node.name)
          ? !shapeWork.has(node.name)
          : // Not Retina's: the Gathers onnxruntime's NHWC layout transform puts after Shape to permute its dims.
            node.opType !== 'Gather',
      );
      const summary = (list: readonly PlacedNode[]) => {
        const byOp = new Map<string, number>();
        for (const node of list) byOp.set(`${node.provider} ${node.opType}`, (byOp.get(`${node.provider} ${node.opType}`) ?? 0) + 1);
        return [...byOp].map(([op, count]) => `${op} ×${count}`).join(', ');
      };
      console.log(`[webgpu] ${model} ${dtype}: ${JSON.stringify(counts)}; off WebGPU: ${summary(offWebGpu) || 'none'}`);
      expect(misplaced, `compute nodes off WebGPU: ${summary(misplaced)}`).toEqual([]);
      if (dtype !== 'fp32') {
        // Every Linear is a MatMulNBits on WebGPU (listed, unless the log says all nodes are there).
        const built = readGraphNodes(graph).nodes.filter((node) => node.opType === 'MatMulNBits').length;
        expect(built, 'MatMulNBits nodes built').toBeGreaterThan(0);
        const onWebGpu = nodes.filter((node) => node.opType === 'MatMulNBits' && node.provider === WEBGPU).length;
        if (Object.keys(counts).length > 1) expect(onWebGpu, 'MatMulNBits nodes on WebGPU').toBe(built);
      }
    });
  }
