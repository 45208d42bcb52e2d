import type { InferenceSession } from '@retina/core';
import type { BackendReport } from '@retina/worker';
import { byId } from '../lib/dom.js';
import type { Device, Dtype } from '../lib/model-runner.js';

const DEVICE_NAMES: Record<string, string> = { webgpu: 'WebGPU', wasm: 'WebAssembly (CPU)', cpu: 'CPU' };

function describeAdapter(report: BackendReport): string {
  const adapter = report.adapter;
  if (!adapter) return 'No WebGPU adapter in this browser.';
  const name = [adapter.vendor, adapter.architecture, adapter.device || adapter.description].filter(Boolean).join(' · ');
  return `WebGPU adapter: ${name || 'unnamed'}${adapter.isFallbackAdapter ? ' (a software fallback)' : ''}.`;
}

/** What each precision trades, in one line (measured: README, "Quantized models"). */
const PRECISION_NOTES: Record<Dtype, string> = {
  fp32: "The reference's numbers: float32 weights.",
  fp16: 'Float16 weights and compute: half the size, scores off by about 1 %; WebGPU needs shader-f16.',
  q8: '8-bit Linear weights: BEiT a third of the size and 2.6x faster on WebAssembly; scores off by 1-3 %.',
  q4: '4-bit Linear weights: BEiT a quarter of the size, for WebGPU (no faster on WebAssembly); scores off by up to 20 %.',
};

/** The backend (auto / WebGPU / WebAssembly) and precision switches, and what the model runs on. */
export class BackendPanel {
  readonly #select = byId<HTMLSelectElement>('backend');
  readonly #precision = byId<HTMLSelectElement>('precision');
  readonly #note = byId('precision-note');
  readonly #status = byId('backend-status');

  constructor(onChange: () => void) {
    this.#select.addEventListener('change', onChange);
    this.#precision.addEventListener('change', () => {
      this.#showNote();
      onChange();
    });
    this.#showNote();
  }

  get device(): Device {
    return this.#select.value as Device;
  }

  /** Puts the switch back, e.g. after the requested backend failed to load. */
  set device(device: Device) {
    this.#select.value = device;
  }

  get dtype(): Dtype {
    return this.#precision.value as Dtype;
  }

  /** Puts the switch back, e.g. after the requested precision failed to load. */
  set dtype(dtype: Dtype) {
    this.#precision.value = dtype;
    this.#showNote();
  }

  show(backend: InferenceSession.Backend, report: BackendReport): void {
    const { threads } = report.wasm;
    const threadCount =
      backend.device === 'wasm' && typeof threads === 'number' ? `, ${threads === 1 ? '1 thread' : `${threads} threads`}` : '';
    this.#status.textContent = `Running on ${DEVICE_NAMES[backend.device] ?? backend.device}${threadCount}, ${this.dtype}. Why: ${backend.reason}. ${describeAdapter(report)}`;
  }

  #showNote(): void {
    this.#note.textContent = PRECISION_NOTES[this.dtype];
  }
}
