/* global Retina */
// A static page using the global `Retina`: classifies the image on the page in the worker.
const violations = [];
document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`));

const output = document.getElementById('result');
const device = new URLSearchParams(location.search).get('device') ?? 'auto';
const retina = Retina.createRetinaWorker({ device });

retina
  .pipeline('image-classification', '/fixtures/models/beit-cls')
  .then((classify) => classify(document.getElementById('photo')).then((labels) => ({ backend: classify.backend, labels })))
  .then(
    (result) => (output.textContent = JSON.stringify({ ...result, violations })),
    (error) => (output.textContent = JSON.stringify({ error: `${error.name}: ${error.message}`, violations })),
  );
