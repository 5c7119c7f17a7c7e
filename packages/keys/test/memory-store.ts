import type { KeyValueStore } from '../src/index';

/** A KeyValueStore in a Map, counting reads so tests can see what the signer caches. */
export class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, string>();
  reads = 0;

  async get(key: string): Promise<string | null> {
    this.reads += 1;
    return this.data.get(key) ?? null;
  }

  async put(key: string, value: string): Promise<void> {
    this.data.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.data.delete(key);
  }
}
