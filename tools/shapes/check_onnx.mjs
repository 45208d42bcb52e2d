// Runs exported ONNX graphs with onnxruntime-node and compares them with PyTorch, and/or scores
// them on the fixed evaluation set.
//
//   node tools/shapes/check_onnx.mjs <check.json> [more check.json ...]
//
// A check.json lists {model, cases: [{name, input: {file, shape}, expected?: {file, shape},
// label?: int, mask?: {file, shape}}]}; paths are relative to the check.json. For each case the
// script reports max |onnx - pytorch|; cases with `label` count towards top-1 accuracy, cases with
// `mask` towards mean IoU (logits bilinearly upsampled, align_corners=false, to the mask size,
// argmax, confusion matrix over the whole set, mean over all classes incl. background).
// Every model runs twice: with onnxruntime's default optimisations and with Pad_Fusion disabled
// (Pad(0) + MaxPool fusion pads with -inf instead of 0: see the fixtures README); accuracy/mIoU are
// reported for the Pad_Fusion-off run. RESULTS_JSON=<file> writes those summaries as JSON.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const ortPath =
  process.env.ORT_NODE ?? resolve(dirname(new URL(import.meta.url).pathname), '../../packages/core/node_modules/onnxruntime-node');
const ort = require(ortPath);

function readF32(path, shape) {
  const buf = readFileSync(path);
  const n = shape.reduce((a, b) => a * b, 1);
  if (buf.length !== n * 4) throw new Error(`${path}: ${buf.length} bytes, expected ${n * 4}`);
  const out = new Float32Array(n);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function readU8(path, shape) {
  const buf = readFileSync(path);
  return new Uint8Array(
    buf.buffer,
    buf.byteOffset,
    shape.reduce((a, b) => a * b, 1),
  );
}

// PyTorch bilinear, align_corners=false, for one [C, h, w] map -> argmax over C at [H, W]
function upsampleArgmax(logits, C, h, w, H, W) {
  const out = new Uint8Array(H * W);
  const sy = h / H,
    sx = w / W;
  for (let y = 0; y < H; y++) {
    let fy = Math.max((y + 0.5) * sy - 0.5, 0);
    const y0 = Math.min(Math.floor(fy), h - 1),
      y1 = Math.min(y0 + 1, h - 1),
      ly = fy - y0;
    for (let x = 0; x < W; x++) {
      let fx = Math.max((x + 0.5) * sx - 0.5, 0);
      const x0 = Math.min(Math.floor(fx), w - 1),
        x1 = Math.min(x0 + 1, w - 1),
        lx = fx - x0;
      let best = -Infinity,
        arg = 0;
      for (let c = 0; c < C; c++) {
        const b = c * h * w;
        const v =
          (1 - ly) * ((1 - lx) * logits[b + y0 * w + x0] + lx * logits[b + y0 * w + x1]) +
          ly * ((1 - lx) * logits[b + y1 * w + x0] + lx * logits[b + y1 * w + x1]);
        if (v > best) {
          best = v;
          arg = c;
        }
      }
      out[y * W + x] = arg;
    }
  }
  return out;
}

async function runCheck(checkPath, label, sessionOptions) {
  const base = dirname(resolve(checkPath));
  const check = JSON.parse(readFileSync(checkPath, 'utf8'));
  const session = await ort.InferenceSession.create(resolve(base, check.model), sessionOptions);
  let worst = 0,
    correct = 0,
    counted = 0,
    cm = null,
    numClasses = 0;
  for (const c of check.cases) {
    const x = readF32(resolve(base, c.input.file), c.input.shape);
    const res = await session.run({ pixel_values: new ort.Tensor('float32', x, c.input.shape) });
    const y = res.logits.data,
      dims = res.logits.dims;
    let caseWorst = 0;
    if (c.expected) {
      const e = readF32(resolve(base, c.expected.file), c.expected.shape);
      if (e.length !== y.length) throw new Error(`${c.name}: output ${dims} vs expected ${c.expected.shape}`);
      for (let i = 0; i < e.length; i++) caseWorst = Math.max(caseWorst, Math.abs(e[i] - y[i]));
      worst = Math.max(worst, caseWorst);
    }
    if (c.label !== undefined) {
      let arg = 0;
      for (let k = 1; k < dims[1]; k++) if (y[k] > y[arg]) arg = k;
      correct += arg === c.label ? 1 : 0;
      counted++;
    }
    if (c.mask) {
      const [C, h, w] = dims.slice(1);
      const [H, W] = c.mask.shape;
      numClasses = C;
      cm ??= new Float64Array(C * C);
      const pred = upsampleArgmax(y, C, h, w, H, W);
      const m = readU8(resolve(base, c.mask.file), c.mask.shape);
      for (let i = 0; i < H * W; i++) cm[m[i] * C + pred[i]]++;
      counted++;
    }
    if (check.cases.length <= 8)
      console.log(`  [${label}] ${c.name}: output [${dims}] max abs diff vs PyTorch ${caseWorst.toExponential(3)}`);
  }
  const summary = { worst };
  if (correct || (counted && !cm)) summary.accuracy = correct / counted;
  if (cm) {
    const ious = [];
    for (let k = 0; k < numClasses; k++) {
      let row = 0,
        col = 0;
      for (let j = 0; j < numClasses; j++) {
        row += cm[k * numClasses + j];
        col += cm[j * numClasses + k];
      }
      const union = row + col - cm[k * numClasses + k];
      if (union > 0) ious.push(cm[k * numClasses + k] / union);
    }
    summary.miou = ious.reduce((a, b) => a + b, 0) / ious.length;
    summary.ious = ious.map((v) => +v.toFixed(4));
  }
  console.log(
    `[${label}] ${checkPath}: ${check.cases.length} cases, max abs diff vs PyTorch ${worst.toExponential(3)}` +
      (summary.accuracy !== undefined ? `, top-1 accuracy ${summary.accuracy.toFixed(4)} (${correct}/${counted})` : '') +
      (summary.miou !== undefined
        ? `, mIoU ${summary.miou.toFixed(4)} over ${counted} images, per class ${JSON.stringify(summary.ious)}`
        : ''),
  );
  return summary;
}

const paths = process.argv.slice(2);
if (!paths.length) {
  console.error('usage: node check_onnx.mjs <check.json>...');
  process.exit(2);
}
let ok = true;
const results = {};
for (const p of paths) {
  const noFusion = await runCheck(p, 'Pad_Fusion off', { extra: { 'optimization.disable_specified_optimizers': 'Pad_Fusion' } });
  results[p] = noFusion;
  const dflt = await runCheck(p, 'ORT defaults', {});
  if (noFusion.worst > 1e-4) ok = false;
  if (dflt.worst > 1e-4)
    console.log(`  note: with default optimisations the graph deviates by ${dflt.worst.toExponential(3)} (Pad_Fusion)`);
}
if (process.env.RESULTS_JSON) writeFileSync(process.env.RESULTS_JSON, JSON.stringify(results, null, 1));
console.log(ok ? 'ONNX CHECK OK (Pad_Fusion off: every case within 1e-4 of PyTorch)' : 'ONNX CHECK FAILED');
process.exit(ok ? 0 : 1);
