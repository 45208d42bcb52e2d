import { createServer } from 'node:net';
import { defineConfig, type Plugin } from 'vite';
import { precacheManifest } from './build/precache-manifest.js';

// Cross-origin isolation lets onnxruntime-web run WebAssembly on several threads. Hosts that cannot
// send these headers still work, on one thread.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

// Vite's own message for a taken port does not say what to do about it.
function explainTakenPort(): Plugin {
  return {
    name: 'explain-taken-port',
    async configurePreviewServer({ config }) {
      const { port, host } = config.preview;
      const free = await new Promise<boolean>((resolve) => {
        const probe = createServer()
          .once('error', () => resolve(false))
          .listen(port, typeof host === 'string' ? host : undefined, () => probe.close(() => resolve(true)));
      });
      if (!free) {
        throw new Error(
          `Port ${port} is already in use (is another demo still running?). Stop it, or pick another port: npm run demo -- --port 5000 (or PORT=5000 npm run demo).`,
        );
      }
    },
  };
}

export default defineConfig({
  // Relative URLs, so the build works from any folder of any static server.
  base: './',
  // A missing file must be a 404, not index.html: model loading probes for optional files.
  appType: 'mpa',
  build: {
    target: 'es2022',
    rolldownOptions: {
      input: { index: 'index.html', sw: 'src/service-worker/sw.ts' },
      // The service worker keeps a fixed name: browsers look for updates at the URL they registered.
      output: { entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js') },
    },
  },
  // onnxruntime-web loads its WebAssembly glue with a dynamic import, which classic workers lack.
  worker: { format: 'es' },
  // The development service worker is served from src/ but controls the whole app.
  server: { host: '127.0.0.1', port: 5173, headers: { ...isolation, 'Service-Worker-Allowed': '/' } },
  // `npm run demo -- --port 5000` or PORT=5000 picks another port; a taken one fails rather than moving silently.
  preview: { host: '127.0.0.1', port: Number(process.env.PORT ?? 4173), strictPort: true, headers: isolation },
  plugins: [precacheManifest('sw.js'), explainTakenPort()],
});
