// Many files through the pool, for `orbit-ls check` and the benchmark: reads each file, skips
// binary ones, keeps the pool busy and streams one report per file to the caller (with the
// sandbox pass's findings merged in when asked).
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { languageFromFileName } from '../core/types';
import type { Settings } from '../config/schema';
import { analyzeSnapshot, type DocumentReport, type DocumentSnapshot } from './document-analysis';
import type { ImportedModule } from '../core/static-analysis';
import type { AnalysisPool } from './pool';
import { batchingPool } from './task-batches';

export interface FileReport {
  path: string;
  /** Set when the file was not analysed, e.g. "binary file" or "could not read: EACCES". */
  skipped?: string;
  report?: DocumentReport;
  /** The static findings came from the cache: the file was read and hashed, not analysed. */
  cached?: boolean;
}

/** Static reports kept between runs (check's findings cache, cli/cache.ts). */
export interface ReportCache {
  /** The cached report of this text, if one can be trusted; else how to store the fresh one. */
  lookup(doc: DocumentSnapshot): Promise<CacheLookup>;
}

export interface CacheLookup {
  report?: DocumentReport;
  /** The imports the key was computed from: the analysis must use exactly these texts. */
  imports: Record<string, ImportedModule>;
  store(report: DocumentReport): Promise<void>;
}

export interface BatchOptions {
  pool: AnalysisPool;
  settings: Settings;
  signal: AbortSignal;
  /** Also run the sandbox pass on each file (`check --sandbox`). */
  sandbox?: boolean;
  /** Reuse static reports of unchanged files (and their unchanged imports) from earlier runs. */
  cache?: ReportCache;
  /** Called once per file, in completion order, with the text so callers can compute lines. */
  onFile(file: FileReport, text: string | undefined): void;
  /** Files handed to a worker per task (FILES_PER_TASK by default; 1 sends each on its own). */
  filesPerTask?: number;
  /** Where a file whose analysis failed is told (as the pool tells a failed task). */
  log?: (message: string) => void;
}

/** Files per worker task: enough that messages, wake-ups and promises stop counting against small
 *  files, few enough that the last tasks of a run still spread over every thread. */
export const FILES_PER_TASK = 8;

/** Analyses `paths` (files, not directories) and resolves when all are done or the signal aborts. */
export async function analyzeFiles(paths: readonly string[], options: BatchOptions): Promise<void> {
  let next = 0;
  const perTask = Math.max(1, Math.floor(options.filesPerTask ?? FILES_PER_TASK));
  const batched = perTask > 1 ? { ...options, pool: batchingPool(options.pool, { filesPerTask: perTask, ...(options.log ? { log: options.log } : {}) }) } : options;
  // Two tasks in flight per thread: one running, one read and waiting, so threads never idle on I/O.
  // Each lane holds one file; the files read in the same turn go to the workers together.
  const lanes = Array.from({ length: Math.min(paths.length, options.pool.size * 2 * perTask) }, async () => {
    while (next < paths.length && !options.signal.aborted) {
      const file = paths[next++];
      await analyzeOne(file, batched);
    }
  });
  await Promise.all(lanes);
}

async function analyzeOne(path: string, options: BatchOptions): Promise<void> {
  let bytes: Buffer;
  try {
    // Read synchronously: source files are small, and a thread-pool round trip per open, stat, read
    // and close costs a re-run served from the cache more than the reading itself.
    const fd = openSync(path, 'r');
    try {
      // A UTF-8 file has at least a quarter as many UTF-16 characters as bytes, so a file this big is
      // certainly over the limit and is not even read (a stray multi-gigabyte dump must not load).
      const { size } = fstatSync(fd);
      if (size / 4 > options.settings.maxFileSize) {
        options.onFile({ path, skipped: `${size} bytes, more than orbit.maxFileSize (${options.settings.maxFileSize} characters) allows` }, undefined);
        return;
      }
      bytes = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if (options.signal.aborted) return;
    options.onFile({ path, skipped: `could not read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }, undefined);
    return;
  }
  if (options.signal.aborted) return;
  if (looksBinary(bytes)) {
    options.onFile({ path, skipped: 'binary file' }, undefined);
    return;
  }
  const text = bytes.toString('utf8');
  const doc = { uri: path, version: 0, text, language: languageFromFileName(path) };
  const cached = options.cache ? await options.cache.lookup(doc) : undefined;
  const report = cached?.report ?? (await analyzeSnapshot(options.pool, doc, options.settings, options.signal, cached?.imports));
  if (!report) return;
  if (cached && !cached.report) await cached.store(report);
  const fromCache = cached?.report ? { cached: true } : {};
  // Templates are not programs: the sandbox has nothing to run in them.
  if (!options.sandbox || doc.language === undefined) return options.onFile({ path, report, ...fromCache }, text);
  // Loaded only for `check --sandbox`: it brings the analysis (and the TypeScript compiler) into
  // this thread, which a run served from the findings cache must not pay for.
  const { failedSandboxReport, sandboxPass, withSandboxReport } = require('./sandbox/pass') as typeof import('./sandbox/pass');
  const outcome = await sandboxPass(options.pool, doc, options.settings, options.signal);
  switch (outcome.kind) {
    case 'cancelled':
      return;
    case 'done':
      return options.onFile({ path, report: withSandboxReport(report, outcome.report), ...fromCache }, text);
    case 'failed':
      return options.onFile({ path, report: withSandboxReport(report, failedSandboxReport(doc, outcome.message)), ...fromCache }, text);
    case 'skipped':
      return options.onFile({ path, report, ...fromCache }, text);
  }
}

/** A NUL byte in the first 8 KiB is how git and grep tell binary from text, and so do we. */
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8192).includes(0);
}
