// A user's app: @retina/worker from node_modules, bundled by Vite with no configuration.
import { createRetinaWorker } from '@retina/worker';

const output = document.getElementById('result');
const retina = createRetinaWorker({ device: 'wasm' });
try {
  const classify = await retina.pipeline('image-classification', '/models/shapes-bit-classifier');
  const image = await createImageBitmap(await (await fetch('/shape-star.png')).blob());
  const [top] = await classify(image, { topK: 1 });
  output.textContent = JSON.stringify({ top, backend: classify.backend });
} catch (error) {
  output.textContent = JSON.stringify({ error: String(error) });
}
