import type { InferenceSession } from '@retina/core';
import type { BackendReport } from '@retina/worker';
import { byId } from '../lib/dom.js';
import type { Device } from '../lib/model-runner.js';

const DEVICE_NAMES: Record<string, string> = { webgpu: 'WebGPU', wasm: 'WebAssembly (CPU)', cpu: 'CPU' };

function describeAdapter(report: BackendReport): string {
  const adapter = report.adapter;
  if (!adapter) return 'No WebGPU adapter in this browser.';
  const name = [adapter.vendor, adapter.architecture, adapter.device || adapter.description].filter(Boolean).join(' · ');
  return `WebGPU adapter: ${name || 'unnamed'}${adapter.isFallbackAdapter ? ' (a software fallback)' : ''}.`;
}

/** The backend switch (auto / WebGPU / WebAssembly) and what the model runs on. */
export class BackendPanel {
  readonly #select = byId<HTMLSelectElement>('backend');
  readonly #status = byId('backend-status');

  constructor(onChange: (device: Device) => void) {
    this.#select.addEventListener('change', () => onChange(this.device));
  }

  get device(): Device {
    return this.#select.value as Device;
  }

  /** Puts the switch back, e.g. after the requested backend failed to load. */
  set device(device: Device) {
    this.#select.value = device;
  }

  show(backend: InferenceSession.Backend, report: BackendReport): void {
    const { threads } = report.wasm;
    const threadCount =
      backend.device === 'wasm' && typeof threads === 'number' ? `, ${threads === 1 ? '1 thread' : `${threads} threads`}` : '';
    this.#status.textContent = `Running on ${DEVICE_NAMES[backend.device] ?? backend.device}${threadCount}. Why: ${backend.reason}. ${describeAdapter(report)}`;
  }
}
