// Test-only child process: runs one scenario of child-scenarios.ts (argv[2]) with the arguments that
// follow, `repeat` times (MEASURE_REPEAT, default 1), and prints as JSON how far it raised the process's
// peak resident memory, its fastest run in milliseconds, and what it returned or the error it threw.
import { scenarios, type ScenarioName } from './child-scenarios.js';

const [name, ...args] = process.argv.slice(2) as [ScenarioName, ...string[]];
const repeat = Number(process.env.MEASURE_REPEAT ?? 1);
const run = scenarios[name];
const before = process.resourceUsage().maxRSS;
let fastest = Infinity;
let report: { value?: unknown; error?: { name: string; code?: unknown; message: string } } = {};
for (let i = 0; i < repeat; i++) {
  const started = performance.now();
  try {
    report = { value: await run(args) };
  } catch (error) {
    const { name: errorName, message, code } = error as Error & { code?: unknown };
    report = { error: { name: errorName, code, message } };
  }
  fastest = Math.min(fastest, performance.now() - started);
}
const growthBytes = (process.resourceUsage().maxRSS - before) * 1024;
console.log(JSON.stringify({ ...report, growthBytes, ms: fastest }));
