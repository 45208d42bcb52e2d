import { RetinaError } from '@retina/core';
import { expose, wrap } from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { settledApi, unsettledApi, type SettledApi } from './settled-calls.js';

interface Api {
  fail(what: string): Promise<void>;
  bytes(length: number): Promise<{ data: Float32Array }>;
}

const channels: MessageChannel[] = [];
afterEach(() => channels.splice(0).forEach(({ port1, port2 }) => (port1.close(), port2.close())));

/** A worker side and a page side joined by a real MessageChannel (structured cloning in between). */
function connect(api: Api) {
  const channel = new MessageChannel();
  channels.push(channel);
  expose(settledApi(api), channel.port1);
  return unsettledApi<Api>(wrap<SettledApi<Api>>(channel.port2));
}

const sent = new Float32Array([1, 2, 3]);
const worker: Api = {
  async fail(what) {
    if (what === 'retina') {
      throw new RetinaError('FILE_NOT_FOUND', 'Fetching the image failed.', {
        cause: new TypeError('Failed to fetch', { cause: 'offline' }),
      });
    }
    if (what === 'abort') throw new DOMException('The operation was aborted.', 'AbortError');
    if (what === 'named') throw Object.assign(new Error('no session'), { name: 'OrtError', code: 'E42' });
    // A thrown non-Error value, which must cross as it is.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw what;
  },
  async bytes() {
    return { data: sent };
  },
};

describe('worker calls across the boundary', () => {
  it('keep a RetinaError with its code and its cause chain', async () => {
    const error = await connect(worker)
      .fail('retina')
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RetinaError);
    expect(error).toMatchObject({ name: 'RetinaError', code: 'FILE_NOT_FOUND', message: 'Fetching the image failed.' });
    const cause = (error as Error).cause;
    expect(cause).toBeInstanceOf(TypeError);
    expect(cause).toMatchObject({ message: 'Failed to fetch', cause: 'offline' });
    expect((error as Error).stack).toContain('settled-calls.test.ts');
  });

  it('keep an AbortError a DOMException named AbortError', async () => {
    const error = await connect(worker)
      .fail('abort')
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(DOMException);
    expect(error).toMatchObject({ name: 'AbortError', message: 'The operation was aborted.' });
  });

  it("keep other errors' name and code, and thrown values as they are", async () => {
    const api = connect(worker);
    expect(await api.fail('named').catch((thrown: unknown) => thrown)).toMatchObject({
      name: 'OrtError',
      code: 'E42',
      message: 'no session',
    });
    expect(await api.fail('just a string').catch((thrown: unknown) => thrown)).toBe('just a string');
  });

  it("transfer their results' buffers instead of copying them", async () => {
    const { data } = await connect(worker).bytes(3);
    expect(Array.from(data)).toEqual([1, 2, 3]);
    expect(sent.byteLength).toBe(0);
  });
});
