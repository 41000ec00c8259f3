// The answer cache: keyed by a hash of (model, prompt, options), least recently used first out,
// in memory and optionally in a size-capped directory so answers survive a restart.

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface AnswerCache<T> {
  get(key: string, signal: AbortSignal): Promise<T | undefined>;
  set(key: string, value: T, signal: AbortSignal): Promise<void>;
  /** Bytes the disk cache holds now (0 without a directory). */
  diskBytes(signal: AbortSignal): Promise<number>;
}

export interface CacheOptions<T> {
  memoryEntries: number;
  /** Where to keep answers on disk; undefined keeps them in memory only. */
  dir?: string;
  maxDiskBytes: number;
  /** Checks a value read back from disk; a file that fails is deleted and counts as a miss. */
  accept?: (value: unknown) => value is T;
}

/** A stable key: the JSON of the parts, with object keys sorted, hashed with SHA-256. */
export function cacheKey(parts: unknown): string {
  return createHash('sha256').update(stableJson(parts)).digest('hex');
}

export function createAnswerCache<T>(options: CacheOptions<T>): AnswerCache<T> {
  const memory = new Map<string, T>();
  const disk = options.dir ? createDiskStore(options.dir, options.maxDiskBytes) : undefined;

  function remember(key: string, value: T): void {
    memory.delete(key);
    memory.set(key, value);
    while (memory.size > Math.max(0, options.memoryEntries)) {
      const oldest = memory.keys().next().value;
      if (oldest === undefined) break;
      memory.delete(oldest);
    }
  }

  return {
    async get(key, signal) {
      const hit = memory.get(key);
      if (hit !== undefined) {
        remember(key, hit);
        return hit;
      }
      if (!disk) return undefined;
      const value = await disk.read(key, signal);
      if (value === undefined) return undefined;
      if (options.accept && !options.accept(value)) {
        await disk.remove(key);
        return undefined;
      }
      remember(key, value as T);
      return value as T;
    },
    async set(key, value, signal) {
      remember(key, value);
      if (disk) await disk.write(key, value, signal);
    },
    async diskBytes(signal) {
      return disk ? disk.total(signal) : 0;
    },
  };
}

interface DiskEntry {
  size: number;
  /** Last use, for eviction; reads refresh it. */
  used: number;
}

/** One JSON file per key. The index is built from the directory on first use and kept in step
 *  with our own writes; another process sharing the directory only makes the cap approximate. */
function createDiskStore(dir: string, maxBytes: number) {
  let index: Map<string, DiskEntry> | undefined;
  let total = 0;
  let clock = 0;

  async function load(signal: AbortSignal): Promise<Map<string, DiskEntry>> {
    if (index) return index;
    await fs.mkdir(dir, { recursive: true });
    signal.throwIfAborted();
    const found = new Map<string, DiskEntry>();
    const names = (await fs.readdir(dir)).filter((n) => /^[0-9a-f]{64}\.json$/.test(n));
    const stats = await Promise.all(names.map((n) => fs.stat(path.join(dir, n)).catch(() => undefined)));
    names.forEach((name, i) => {
      const st = stats[i];
      if (st) found.set(name.slice(0, 64), { size: st.size, used: st.mtimeMs });
    });
    if (index) return index; // another call finished loading first
    index = found;
    total = [...found.values()].reduce((sum, e) => sum + e.size, 0);
    clock = Math.max(Date.now(), ...[...found.values()].map((e) => e.used));
    return index;
  }

  const file = (key: string): string => path.join(dir, `${key}.json`);

  async function remove(key: string): Promise<void> {
    const entry = index?.get(key);
    if (entry) {
      index?.delete(key);
      total -= entry.size;
    }
    await fs.rm(file(key), { force: true });
  }

  return {
    async read(key: string, signal: AbortSignal): Promise<unknown> {
      const idx = await load(signal);
      const entry = idx.get(key);
      if (!entry) return undefined;
      try {
        const value: unknown = JSON.parse(await fs.readFile(file(key), { encoding: 'utf8', signal }));
        entry.used = ++clock;
        return value;
      } catch {
        signal.throwIfAborted();
        await remove(key); // unreadable or half-written: drop it
        return undefined;
      }
    },
    async write(key: string, value: unknown, signal: AbortSignal): Promise<void> {
      const idx = await load(signal);
      const text = JSON.stringify(value);
      const size = Buffer.byteLength(text);
      if (size > maxBytes) return; // would evict everything and still not fit
      const tmp = `${file(key)}.${process.pid}.${++clock}.tmp`;
      try {
        await fs.writeFile(tmp, text, { signal });
        await fs.rename(tmp, file(key)); // readers never see a half-written entry
      } catch (error) {
        await fs.rm(tmp, { force: true });
        throw error;
      }
      const previous = idx.get(key);
      total += size - (previous?.size ?? 0);
      idx.set(key, { size, used: ++clock });
      await evict(idx);
    },
    remove,
    async total(signal: AbortSignal): Promise<number> {
      await load(signal);
      return total;
    },
  };

  async function evict(idx: Map<string, DiskEntry>): Promise<void> {
    if (total <= maxBytes) return;
    const oldestFirst = [...idx.entries()].sort((a, b) => a[1].used - b[1].used);
    for (const [key] of oldestFirst) {
      if (total <= maxBytes) break;
      await remove(key);
    }
  }
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
