// Many files through the pool, for `orbit-ls check` and the benchmark: reads each file, skips
// binary ones, keeps the pool busy and streams one report per file to the caller (with the
// sandbox pass's findings merged in when asked).
import { readFile, stat } from 'node:fs/promises';
import { languageFromFileName } from '../core/types';
import type { Settings } from '../config/schema';
import { analyzeSnapshot, type DocumentReport } from './analyze';
import type { AnalysisPool } from './pool';
import { sandboxPass, withSandboxReport } from './sandbox/pass';

export interface FileReport {
  path: string;
  /** Set when the file was not analysed, e.g. "binary file" or "could not read: EACCES". */
  skipped?: string;
  report?: DocumentReport;
}

export interface BatchOptions {
  pool: AnalysisPool;
  settings: Settings;
  signal: AbortSignal;
  /** Also run the sandbox pass on each file (`check --sandbox`). */
  sandbox?: boolean;
  /** Called once per file, in completion order, with the text so callers can compute lines. */
  onFile(file: FileReport, text: string | undefined): void;
}

/** Analyses `paths` (files, not directories) and resolves when all are done or the signal aborts. */
export async function analyzeFiles(paths: readonly string[], options: BatchOptions): Promise<void> {
  let next = 0;
  // Two files in flight per thread: one running, one read and waiting, so threads never idle on I/O.
  const lanes = Array.from({ length: Math.min(paths.length, options.pool.size * 2) }, async () => {
    while (next < paths.length && !options.signal.aborted) {
      const file = paths[next++];
      await analyzeOne(file, options);
    }
  });
  await Promise.all(lanes);
}

async function analyzeOne(path: string, options: BatchOptions): Promise<void> {
  let bytes: Buffer;
  try {
    // A UTF-8 file has at least a quarter as many UTF-16 characters as bytes, so a file this big is
    // certainly over the limit and is not even read (a stray multi-gigabyte dump must not load).
    const { size } = await stat(path);
    if (size / 4 > options.settings.maxFileSize) {
      options.onFile({ path, skipped: `${size} bytes, more than orbit.maxFileSize (${options.settings.maxFileSize} characters) allows` }, undefined);
      return;
    }
    bytes = await readFile(path, { signal: options.signal });
  } catch (err) {
    if (options.signal.aborted) return;
    options.onFile({ path, skipped: `could not read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }, undefined);
    return;
  }
  if (looksBinary(bytes)) {
    options.onFile({ path, skipped: 'binary file' }, undefined);
    return;
  }
  const text = bytes.toString('utf8');
  const doc = { uri: path, version: 0, text, language: languageFromFileName(path) };
  const report = await analyzeSnapshot(options.pool, doc, options.settings, options.signal);
  if (!report) return;
  // Templates are not programs: the sandbox has nothing to run in them.
  if (!options.sandbox || doc.language === undefined) return options.onFile({ path, report }, text);
  const outcome = await sandboxPass(options.pool, doc, options.settings, options.signal);
  switch (outcome.kind) {
    case 'cancelled':
      return;
    case 'done':
      return options.onFile({ path, report: withSandboxReport(report, outcome.report) }, text);
    case 'failed':
      return options.onFile({ path, report: { ...report, notices: [...report.notices, { message: outcome.message }] } }, text);
    case 'skipped':
      return options.onFile({ path, report }, text);
  }
}

/** A NUL byte in the first 8 KiB is how git and grep tell binary from text, and so do we. */
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8192).includes(0);
}
