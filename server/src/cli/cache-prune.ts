// Keeping `check`'s findings cache bounded. An entry's modification time is when a run last used
// it (written, or read and refreshed, see cache.ts); at most once a day a run removes the entries
// no run has used for 30 days (entries of other versions and builds are never read, so they age
// out), then, while the entries still take more than 256 MiB, the least recently used ones.
//
// Safe beside other runs on the same directory: removing is unlinking one file, so a run that is
// reading an entry reads all of it or finds none and analyses the file again, and a run writing an
// entry renames a complete file into place whether or not the old one was removed. Two runs that
// prune at once only try to remove some files twice. Only files the cache itself writes are ever
// removed (a `--cache-dir` pointed at the wrong directory costs nothing), and a temporary file is
// removed only when it is an hour old: a live run's exists for milliseconds.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface PruneLimits {
  /** Entries not used for this long are removed. */
  maxAgeMs: number;
  /** Then the least recently used entries are removed while all of them take more than this. */
  maxBytes: number;
}

export const PRUNE_LIMITS: PruneLimits = { maxAgeMs: 30 * 24 * 3600 * 1000, maxBytes: 256 * 2 ** 20 };
/** A run prunes when no run has for this long (the time of the marker file below). */
export const PRUNE_EVERY_MS = 24 * 3600 * 1000;
/** An entry read more than this long after it was last stamped gets its time refreshed. */
export const REFRESH_AFTER_MS = 24 * 3600 * 1000;

const MARKER = 'last-pruned';
const ENTRY = /^[0-9a-f]{64}\.json$/;
const TEMPORARY = /^[0-9a-f]{64}\.json\.\d+\.[0-9a-f]+\.tmp$/;
const SUBDIR = /^[0-9a-f]{2}$/;
const STALE_TEMPORARY_MS = 3600 * 1000;

export interface PruneResult {
  /** Entries (and abandoned temporary files) removed. */
  removed: number;
  /** Entries kept, and their total size in bytes. */
  kept: number;
  keptBytes: number;
}

/**
 * Prunes `dir` if no run has done so for `everyMs` (the time of an empty marker directory in it
 * says when one last did: a directory, so that the cache holds no files but entries); the marker
 * is stamped first, so runs finishing together mostly leave pruning to one.
 * Resolves to undefined when it was not time yet or the directory does not exist.
 */
export async function pruneIfDue(dir: string, options: { limits?: PruneLimits; everyMs?: number; now?: number } = {}): Promise<PruneResult | undefined> {
  const now = options.now ?? Date.now();
  const marker = path.join(dir, MARKER);
  const last = await fs.promises.stat(marker).then((s) => s.mtimeMs, () => undefined);
  if (last !== undefined && now - last < (options.everyMs ?? PRUNE_EVERY_MS) && last <= now) return undefined;
  try {
    await fs.promises.mkdir(marker).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    await fs.promises.utimes(marker, now / 1000, now / 1000);
  } catch {
    return undefined; // no cache directory (nothing was stored), or not ours to write
  }
  return pruneFindingsCache(dir, options.limits ?? PRUNE_LIMITS, now);
}

/** Removes what the limits say from `dir` now; see the header. Errors on single files are skipped. */
export async function pruneFindingsCache(dir: string, limits: PruneLimits, now = Date.now()): Promise<PruneResult> {
  const entries: { file: string; size: number; usedMs: number }[] = [];
  let removed = 0;
  const remove = async (file: string): Promise<void> => {
    try {
      await fs.promises.unlink(file);
      removed++;
    } catch {
      // Gone already (another run pruned it) or not removable: either way not ours to worry about.
    }
  };
  for (const sub of await readdirSafe(dir)) {
    if (!SUBDIR.test(sub)) continue;
    for (const name of await readdirSafe(path.join(dir, sub))) {
      const file = path.join(dir, sub, name);
      const isEntry = ENTRY.test(name);
      if (!isEntry && !TEMPORARY.test(name)) continue;
      const stats = await fs.promises.stat(file).catch(() => undefined);
      if (!stats?.isFile()) continue;
      if (!isEntry) {
        if (now - stats.mtimeMs > STALE_TEMPORARY_MS) await remove(file);
      } else if (now - stats.mtimeMs > limits.maxAgeMs) {
        await remove(file);
      } else {
        entries.push({ file, size: stats.size, usedMs: stats.mtimeMs });
      }
    }
  }
  let total = entries.reduce((sum, e) => sum + e.size, 0);
  if (total > limits.maxBytes) {
    // Least recently used first; the path breaks ties so that concurrent pruners agree.
    entries.sort((a, b) => a.usedMs - b.usedMs || (a.file < b.file ? -1 : 1));
    while (total > limits.maxBytes && entries.length > 0) {
      const e = entries.shift() as (typeof entries)[number];
      await remove(e.file);
      total -= e.size;
    }
  }
  return { removed, kept: entries.length, keptBytes: total };
}

async function readdirSafe(dir: string): Promise<string[]> {
  try {
    return await fs.promises.readdir(dir);
  } catch {
    return [];
  }
}
