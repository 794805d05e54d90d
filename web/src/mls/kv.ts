// A small key-value store for MLS state. In the browser it is IndexedDB (survives reloads; one database per
// origin and browser profile, so a second profile is a second device); tests use the in-memory one.

export interface Kv {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

export class MemoryKv implements Kv {
  readonly map = new Map<string, unknown>();
  async get<T>(key: string): Promise<T | undefined> { return structuredClone(this.map.get(key)) as T | undefined; }
  async put(key: string, value: unknown): Promise<void> { this.map.set(key, structuredClone(value)); }
  async delete(key: string): Promise<void> { this.map.delete(key); }
}

export class IdbKv implements Kv {
  private db: Promise<IDBDatabase>;

  constructor(name = 'parley-mls') {
    this.db = new Promise((resolve, reject) => {
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => req.result.createObjectStore('kv');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  private async run<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest): Promise<T> {
    const db = await this.db;
    return new Promise((resolve, reject) => {
      const tx = db.transaction('kv', mode);
      const req = f(tx.objectStore('kv'));
      tx.oncomplete = () => resolve(req.result as T);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  get<T>(key: string): Promise<T | undefined> { return this.run('readonly', (s) => s.get(key)); }
  async put(key: string, value: unknown): Promise<void> { await this.run('readwrite', (s) => s.put(value, key)); }
  async delete(key: string): Promise<void> { await this.run('readwrite', (s) => s.delete(key)); }
}
