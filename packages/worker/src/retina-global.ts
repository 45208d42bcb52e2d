// Types of the script-tag build (retina.js), which defines the global `Retina`.
import type * as RetinaModule from './index.js';

declare global {
  const Retina: typeof RetinaModule;
}
