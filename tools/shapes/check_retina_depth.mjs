// Runs a depth checkpoint through Retina's own graph builder (DPTForDepthEstimation from config.json +
// model.safetensors, no ONNX file) on onnxruntime-node and compares predicted_depth with PyTorch's.
//
//   pnpm build   # the script imports @retina/core's compiled public index
//   node tools/shapes/check_retina_depth.mjs <check.json> [more check.json ...]
//
// A check.json lists {model: <model folder>, cases: [{name, input: {file, shape}, expected: {file, shape}}]}
// (paths relative to the check.json; export.py and make_eval_set.py --task depth write them). Every case must
// be within the golden fixtures' tolerance, |retina - pytorch| <= 1e-4 + 1e-4 |pytorch|. RESULTS_JSON=<file>
// writes the worst difference of the last check.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(here, '../../packages/core/dist');
const { AutoModelForDepthEstimation, Tensor } = await import(resolve(dist, 'index.js'));
const TOLERANCE = { atol: 1e-4, rtol: 1e-4 };

function readF32(path, shape) {
  const buf = readFileSync(path);
  const n = shape.reduce((a, b) => a * b, 1);
  if (buf.length !== n * 4) throw new Error(`${path}: ${buf.length} bytes, expected ${n * 4}`);
  const out = new Float32Array(n);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

async function runCheck(checkPath) {
  const base = dirname(resolve(checkPath));
  const check = JSON.parse(readFileSync(checkPath, 'utf8'));
  const model = await AutoModelForDepthEstimation.fromPretrained(resolve(base, check.model), { device: 'cpu', source: 'weights' });
  let worst = 0;
  let violations = 0;
  try {
    for (const c of check.cases) {
      const x = readF32(resolve(base, c.input.file), c.input.shape);
      const { predictedDepth } = await model.forward({ pixelValues: new Tensor('float32', x, c.input.shape) });
      const e = readF32(resolve(base, c.expected.file), c.expected.shape);
      if (e.length !== predictedDepth.data.length) throw new Error(`${c.name}: [${predictedDepth.dims}] vs [${c.expected.shape}]`);
      let caseWorst = 0;
      for (let i = 0; i < e.length; i++) {
        const diff = Math.abs(predictedDepth.data[i] - e[i]);
        caseWorst = Math.max(caseWorst, diff);
        if (diff > TOLERANCE.atol + TOLERANCE.rtol * Math.abs(e[i])) violations++;
      }
      worst = Math.max(worst, caseWorst);
      if (check.cases.length <= 8)
        console.log(`  ${c.name}: [${predictedDepth.dims}] max |retina - pytorch| ${caseWorst.toExponential(3)}`);
    }
  } finally {
    await model.dispose();
  }
  console.log(
    `${checkPath}: ${check.cases.length} cases, max |retina - pytorch| ${worst.toExponential(3)}, ${violations} values outside the tolerance`,
  );
  return { worst, violations };
}

const paths = process.argv.slice(2);
if (!paths.length) {
  console.error('usage: node check_retina_depth.mjs <check.json>...');
  process.exit(2);
}
let ok = true;
let last;
for (const p of paths) {
  last = await runCheck(p);
  ok &&= last.violations === 0;
}
if (process.env.RESULTS_JSON) {
  const ort = JSON.parse(readFileSync(resolve(here, '../../packages/core/node_modules/onnxruntime-node/package.json'), 'utf8'));
  const runtime = `fp32, onnxruntime-node ${ort.version} (CPU), Node ${process.versions.node}`;
  writeFileSync(process.env.RESULTS_JSON, JSON.stringify({ worst: last.worst, runtime }, null, 1));
}
console.log(ok ? 'RETINA CHECK OK (every value within 1e-4 + 1e-4 |pytorch|)' : 'RETINA CHECK FAILED');
process.exit(ok ? 0 : 1);
