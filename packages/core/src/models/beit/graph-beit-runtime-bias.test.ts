// Relative position biases larger than what sessions may fold (BEiT-640's) are gathered at run time, a path no
// fixture takes at its size: with the limit lowered to one byte, every BEiT fixture's graph gathers each
// bias at run time, and sessions fold nothing, yet the graphs give the goldens on both runtimes.
import { describe, expect, it, vi } from 'vitest';
import { fixturePath } from '../../testing/fixtures.js';
import { autoClassFor, expectGoldenCases } from '../../testing/golden-cases.js';
import { fixtureRepo, readGolden } from '../../testing/model-fixtures.js';
import { constantNodes } from '../../testing/onnx-graph-nodes.js';
import { readCheckpoint } from '../../weights/index.js';
import { BeitConfig } from './configuration-beit.js';
import { buildGraphFor } from '../../testing/build-graph.js';

vi.mock('../../session/constant-folding.js', () => ({ FOLDED_CONSTANT_LIMIT_BYTES: 1 }));

/** The BEiT fixtures, with how many bias tables each has: one per layer, or one shared. */
const MODELS = [
  ['beit-cls', 'own'],
  ['beit-cls-abs', 'shared'],
  ['beit-feature', 'own'],
  ['beit-mim', 'shared'],
  ['beit-seg', 'own'],
] as const;

describe.each(MODELS)('%s with its relative position biases gathered at run time', (model, tables) => {
  it('gathers each table at run time', async () => {
    const repo = fixtureRepo(model);
    const config = new BeitConfig(await repo.json('config.json'));
    const { graph } = buildGraphFor(config, await readCheckpoint(repo), { dtype: 'fp32' });
    const count = tables === 'shared' ? 1 : config.numHiddenLayers;
    // Nothing else is left to the session: the bias of each table, gathered by rows, then heads first.
    expect(constantNodes(graph).map((node) => node.opType)).toEqual(
      Array.from({ length: count }, () => ['Gather', 'Unsqueeze', 'Transpose']).flat(),
    );
  });

  it.each(['cpu', 'wasm'] as const)('matches every golden case on %s', async (device) => {
    const golden = readGolden(model);
    const loaded = await autoClassFor(golden.architecture).fromPretrained(fixturePath('models', model), {
      device,
      numThreads: 1,
      source: 'weights',
    });
    try {
      await expectGoldenCases(loaded, model, golden);
    } finally {
      await loaded.dispose();
    }
  });
});
