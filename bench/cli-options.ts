import { BACKENDS, BENCH_MODELS, type Backend, type BenchModel } from './models.js';
import type { ContenderKind } from './page/protocol.js';
import type { SeriesPolicy } from './rounds.js';

/** Every contender, in load order; transformers.js only runs the models it has. */
export const CONTENDERS: readonly ContenderKind[] = [
  'floor',
  'retina',
  'retinaWeights',
  'retinaWeightsQ8',
  'retinaWeightsQ4',
  'transformersJs',
  'transformersJsQ8',
];

export interface BenchOptions {
  models: BenchModel[];
  contenders: ContenderKind[];
  backends: Backend[];
  policy: SeriesPolicy;
  /** Skip building @retina/worker (use its dist as it is). */
  build: boolean;
  /** Only each Retina load alone (its memory and cold start), no timed rounds. */
  memoryOnly: boolean;
}

const USAGE = `pnpm bench [-- options]
  --models a,b        model names (default: all): ${BENCH_MODELS.map((m) => m.name).join(', ')}
  --backends a,b      wasm, webgpu (default: both; WebGPU is SwiftShader here)
  --contenders a,b    which contenders (default: all): ${CONTENDERS.join(', ')}
  --runs N            timed runs per series (default 20)
  --budget-s S        a series of runs slower than 5 s stops after S seconds and 3 runs (default 60)
  --warm-up-s S       warm-up per series after loading: runs until S seconds have passed (default 5)
  --no-build          use packages/worker/dist as it is
  --memory-only       only each Retina load alone (peak memory of load and one run, cold start): no rounds`;

function list<T extends string>(value: string | undefined, known: readonly T[], what: string): T[] {
  if (value === undefined) throw new Error(`--${what} needs a value\n${USAGE}`);
  const names = value.split(',').filter(Boolean);
  const unknown = names.filter((name) => !known.includes(name as T));
  if (unknown.length > 0) throw new Error(`unknown ${what}: ${unknown.join(', ')}\n${USAGE}`);
  return names as T[];
}

function positive(value: string | undefined, flag: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`${flag} needs a positive number\n${USAGE}`);
  return number;
}

export function parseBenchOptions(args: readonly string[]): BenchOptions {
  const options: BenchOptions = {
    models: [...BENCH_MODELS],
    contenders: [...CONTENDERS],
    backends: [...BACKENDS],
    policy: { runs: 20, slowRunMs: 5000, warmUpMs: 5000, minRuns: 3, budgetMs: 60_000 },
    build: true,
    memoryOnly: false,
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (flag === '--') continue;
    if (flag === '--models') {
      const names = list(
        args[++i],
        BENCH_MODELS.map((m) => m.name),
        'models',
      );
      options.models = BENCH_MODELS.filter((m) => names.includes(m.name));
    } else if (flag === '--backends') options.backends = list(args[++i], BACKENDS, 'backends');
    else if (flag === '--contenders') {
      const names = list(args[++i], CONTENDERS, 'contenders');
      options.contenders = CONTENDERS.filter((kind) => names.includes(kind));
    } else if (flag === '--runs') options.policy.runs = positive(args[++i], flag);
    else if (flag === '--budget-s') options.policy.budgetMs = positive(args[++i], flag) * 1000;
    else if (flag === '--warm-up-s') options.policy.warmUpMs = positive(args[++i], flag) * 1000;
    else if (flag === '--no-build') options.build = false;
    else if (flag === '--memory-only') options.memoryOnly = true;
    else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  return options;
}
