// The bench page: the Node runner drives window.retinaBench through Playwright. Each contender lives
// in its own worker; the page holds them while the runner interleaves their rounds.
import { wrap, type Remote } from 'comlink';
import type { FloorWorkerApi } from './floor-worker.js';
import { readMemory } from './memory.js';
import {
  RETINA_LOADS,
  RETINA_WORKER_FOLDERS,
  type BenchPage,
  type ContenderRequest,
  type LoadInfo,
  type RetinaKind,
  type RoundTimes,
} from './protocol.js';
import { RetinaContender } from './retina-contender.js';
import type { TransformersWorkerApi } from './transformers-worker.js';

interface Contender {
  load(): Promise<LoadInfo>;
  round(): Promise<RoundTimes>;
  output(): Promise<string> | string;
  close(): void;
}

function inWorker<Api>(worker: Worker, use: (api: Remote<Api>) => Omit<Contender, 'close'>): Contender {
  return { ...use(wrap<Api>(worker)), close: () => worker.terminate() };
}

function createContender(request: ContenderRequest): Contender {
  switch (request.kind) {
    case 'floor':
    case 'floorRoundTrip':
      return inWorker<FloorWorkerApi>(new Worker(new URL('./floor-worker.ts', import.meta.url), { type: 'module' }), (api) => ({
        load: () => ('scenario' in request ? api.load(request.scenario) : api.loadRoundTrip(request.roundTrip)),
        round: () => api.round(),
        output: () => '—',
      }));
    case 'transformersJs':
    case 'transformersJsQ8':
      return inWorker<TransformersWorkerApi>(
        new Worker(new URL('./transformers-worker.ts', import.meta.url), { type: 'module' }),
        (api) => ({
          load: () => api.load(request.scenario, request.kind === 'transformersJsQ8' ? 'q8' : 'fp32'),
          round: () => api.round(),
          output: () => api.output(),
        }),
      );
    case 'retinaRoundTrip': {
      const retina = new RetinaContender(RETINA_SCRIPTS.retina, request.roundTrip.backend);
      return {
        load: () => retina.loadRoundTrip(request.roundTrip),
        round: () => retina.round(),
        output: () => retina.output(),
        close: () => retina.close(),
      };
    }
    default: {
      const { kind, scenario } = request;
      const retina = new RetinaContender(RETINA_SCRIPTS[kind], scenario.backend);
      return {
        load: () => retina.load(scenario, RETINA_LOADS[kind]),
        round: () => retina.round(),
        output: () => retina.output(),
        close: () => retina.close(),
      };
    }
  }
}

const contenders = new Map<ContenderRequest['kind'], Contender>();
let alone: { contender: RetinaContender; kind: RetinaKind } | undefined;

function contender(kind: ContenderRequest['kind']): Contender {
  const found = contenders.get(kind);
  if (!found) throw new Error(`${kind} is not loaded`);
  return found;
}

const bench: BenchPage = {
  async load(request) {
    const loaded = createContender(request);
    contenders.set(request.kind, loaded);
    return loaded.load();
  },
  round: (kind) => contender(kind).round(),
  output: async (kind) => contender(kind).output(),
  async startAlone(kind, backend, tiny) {
    alone = { contender: new RetinaContender(RETINA_SCRIPTS[kind], backend), kind };
    await alone.contender.startRuntime(tiny);
  },
  async openAlone(scenario) {
    if (!alone) throw new Error('startAlone first');
    return alone.contender.open(scenario, RETINA_LOADS[alone.kind]);
  },
  async runAlone(scenario) {
    if (!alone) throw new Error('startAlone first');
    await alone.contender.runOnce(scenario.photoUrl);
  },
  memory: readMemory,
  async unloadAll() {
    for (const loaded of contenders.values()) loaded.close();
    contenders.clear();
  },
  async adapter() {
    const gpu = (navigator as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } }).gpu;
    const adapter = await gpu?.requestAdapter();
    if (!adapter) return 'no WebGPU adapter';
    const info = adapter.info ?? {};
    return [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' / ') || 'adapter without info';
  },
};

/** The script-tag build of @retina/worker, which starts the worker.js beside it, as an app includes it. */
function loadRetinaScript(src: string): Promise<typeof Retina> {
  return new Promise((resolve, reject) => {
    const script = Object.assign(document.createElement('script'), { src, onload: () => resolve(Retina), onerror: reject });
    document.head.append(script);
  });
}

// Copies of the same build at one URL per Retina contender, so that measureUserAgentSpecificMemory tells
// their workers apart.
const RETINA_SCRIPTS: Record<RetinaKind, typeof Retina> = {
  retina: await loadRetinaScript(`/${RETINA_WORKER_FOLDERS.retina}/retina.js`),
  retinaWeights: await loadRetinaScript(`/${RETINA_WORKER_FOLDERS.retinaWeights}/retina.js`),
  retinaWeightsQ8: await loadRetinaScript(`/${RETINA_WORKER_FOLDERS.retinaWeightsQ8}/retina.js`),
  retinaWeightsQ4: await loadRetinaScript(`/${RETINA_WORKER_FOLDERS.retinaWeightsQ4}/retina.js`),
};
Object.assign(globalThis, { retinaBench: bench, benchReady: true });
