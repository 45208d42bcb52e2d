import { byId } from '../lib/dom.js';

/** An image the user gave: the file as is, so the worker decodes it exactly like Pillow would. */
export interface ImageFile {
  name: string;
  blob: Blob;
}

function firstImage(files: Iterable<File> | undefined): File | undefined {
  for (const file of files ?? []) if (file.type.startsWith('image/') || file.type === '') return file;
  return undefined;
}

/** Image input by file picker, drag and drop anywhere on the page, and paste. */
export function bindImageInputs(onImage: (image: ImageFile) => void): void {
  const input = byId<HTMLInputElement>('file-input');
  const dropZone = byId('drop-zone');
  const give = (file: File | undefined) => file && onImage({ name: file.name || 'pasted image', blob: file });

  input.addEventListener('change', () => {
    give(input.files?.[0]);
    // Choosing the same file again must run again.
    input.value = '';
  });

  document.addEventListener('dragover', (event) => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    dropZone.classList.add('dragging');
  });
  document.addEventListener('dragleave', (event) => {
    if (event.relatedTarget === null) dropZone.classList.remove('dragging');
  });
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    dropZone.classList.remove('dragging');
    give(firstImage(event.dataTransfer?.files));
  });

  document.addEventListener('paste', (event) => {
    const target = event.target as HTMLElement | null;
    if (target?.closest('input, textarea')) return;
    const file = firstImage(event.clipboardData?.files);
    if (file) {
      event.preventDefault();
      give(file);
    }
  });
}
