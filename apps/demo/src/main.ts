import { DemoApp } from './demo-app.js';
import { registerServiceWorker } from './lib/service-worker-registration.js';

registerServiceWorker().catch((error: unknown) => console.warn('Offline support is off: the service worker did not register.', error));
void new DemoApp().start();
