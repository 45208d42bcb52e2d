import { DemoError } from './explain-error.js';
import { LOCAL_FOLDER_CACHE, LOCAL_FOLDER_PATH } from './local-folder-route.js';

/** A picked folder: its name and files by path inside it (`config.json`, `onnx/model.onnx`). */
export interface PickedFolder {
  name: string;
  files: Map<string, File>;
}

// The File System Access API is not in TypeScript's DOM library yet.
interface DirectoryHandle {
  readonly kind: 'directory';
  readonly name: string;
  values(): AsyncIterable<DirectoryHandle | { kind: 'file'; name: string; getFile(): Promise<File> }>;
}
type DirectoryPicker = (options?: { id?: string; mode?: 'read' }) => Promise<DirectoryHandle>;

/** Only what loading needs: the JSON files and checkpoints at the top (safetensors, pytorch_model.bin) and the ONNX graphs. */
function isModelFile(path: string): boolean {
  return /^[^/]+\.(json|safetensors|bin)$/.test(path) || path.startsWith('onnx/');
}

async function collect(directory: DirectoryHandle, prefix: string, files: Map<string, File>): Promise<void> {
  for await (const entry of directory.values()) {
    const path = `${prefix}${entry.name}`;
    if (entry.kind === 'directory') {
      if (entry.name === 'onnx') await collect(entry, `${path}/`, files);
    } else if (isModelFile(path)) {
      files.set(path, await entry.getFile());
    }
  }
}

/** Asks for a folder with the directory picker; undefined when this browser has none. */
export async function pickWithDirectoryPicker(): Promise<PickedFolder | undefined> {
  const picker = (window as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker;
  if (!picker) return undefined;
  const directory = await picker({ id: 'retina-model', mode: 'read' });
  const files = new Map<string, File>();
  await collect(directory, '', files);
  return { name: directory.name, files };
}

/** The folder an `<input type=file webkitdirectory>` gave: paths start with the folder's name. */
export function folderFromFileList(list: FileList): PickedFolder | undefined {
  const files = new Map<string, File>();
  let name = '';
  for (const file of list) {
    const [top = '', ...rest] = file.webkitRelativePath.split('/');
    name ||= top;
    const path = rest.join('/');
    if (isModelFile(path)) files.set(path, file);
  }
  return files.size > 0 ? { name, files } : undefined;
}

/**
 * Copies the folder's model files where the service worker serves them and returns their base
 * path, which the Retina worker loads like any model URL. One folder at a time.
 */
export async function serveFolder(folder: PickedFolder): Promise<string> {
  if (!navigator.serviceWorker?.controller) {
    throw new DemoError(
      'Local model folders need the page’s offline helper (a service worker), which is not active yet.',
      'Reload the page once, then pick the folder again.',
    );
  }
  if (!folder.files.has('config.json')) {
    throw new DemoError(
      `The folder “${folder.name}” has no config.json at its top.`,
      'Pick the model’s own folder: it holds config.json, preprocessor_config.json and onnx/model.onnx or model.safetensors.',
    );
  }
  await caches.delete(LOCAL_FOLDER_CACHE);
  const cache = await caches.open(LOCAL_FOLDER_CACHE);
  const base = new URL(`${LOCAL_FOLDER_PATH}${encodeURIComponent(folder.name)}-${Date.now()}/`, document.baseURI);
  await Promise.all(
    [...folder.files].map(([path, file]) =>
      cache.put(
        new URL(path.split('/').map(encodeURIComponent).join('/'), base),
        new Response(file, { headers: { 'content-length': String(file.size) } }),
      ),
    ),
  );
  return base.pathname.replace(/\/$/, '');
}
