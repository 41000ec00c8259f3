// The relative imports of a document, read from disk: the worker's static pass follows taint one
// file deep through them, and `check`'s findings cache keys each file by their texts too, so a file
// whose imported module changed is analysed again.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImportedModule } from '../core/static-analysis';

/** At most this many imported files are read per document. */
export const MAX_IMPORTS = 20;
/** A relative import or require specifier of a document's text (group 1). */
export const SPECIFIER = /(?:\brequire\s*\(\s*|\bimport\s*\(\s*|\bfrom\s+|\bimport\s+)['"](\.\.?\/[^'"\n]+)['"]/g;

/**
 * The texts of `text`'s relative imports by specifier, read from disk ({} when there are none or
 * the document is not a local file). An open editor buffer that is not saved yet is read as it is
 * on disk: the imported module's last saved text is what counts.
 */
export function readImports(fileName: string, text: string, maxFileSize: number, options: { fresh?: boolean } = {}): Record<string, ImportedModule> {
  const imports: Record<string, ImportedModule> = {};
  const file = localPath(fileName);
  if (!file) return imports;
  let read = 0;
  for (const m of text.matchAll(SPECIFIER)) {
    const specifier = m[1];
    if (specifier in imports || read >= MAX_IMPORTS) continue;
    const target = resolve(path.dirname(file), specifier);
    const imported = target && (options.fresh ? readFresh(target, maxFileSize) : readCached(target, maxFileSize));
    if (!target || imported === undefined) continue;
    imports[specifier] = { fileName: target, text: imported };
    read++;
  }
  return imports;
}

/** A file path for `file:` URIs and plain paths; undefined for untitled and remote documents. */
export function localPath(fileName: string): string | undefined {
  if (fileName.startsWith('file:')) {
    try {
      return fileURLToPath(fileName);
    } catch {
      return undefined;
    }
  }
  // The CLI passes paths relative to the working directory, which worker threads share.
  return /^[a-z][a-z0-9+.-]+:/i.test(fileName) && !/^[a-z]:[\\/]/i.test(fileName) ? undefined : path.resolve(fileName);
}

/** The files a specifier may name, in the order they are tried: `./x`, `./x.js`, `./x.ts` (a `.js`
 *  specifier may name a `.ts` source), `./x.jsx`, `./x.tsx` and `./x/index.{js,ts}`; sources only. */
export function importCandidates(dir: string, specifier: string): string[] {
  const base = path.resolve(dir, specifier);
  const candidates = [base, `${base}.js`, `${base}.ts`, `${base}.jsx`, `${base}.tsx`, path.join(base, 'index.js'), path.join(base, 'index.ts')];
  if (/\.js$/.test(base)) candidates.splice(1, 0, base.replace(/\.js$/, '.ts'));
  return candidates.filter((c) => /\.(jsx?|tsx?|mjs|cjs)$/.test(c));
}

function resolve(dir: string, specifier: string): string | undefined {
  return importCandidates(dir, specifier).find(isFile);
}

/** Whether `p` is a regular file (false when it is missing or unreadable). */
export function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The file's text as it is now; for keys that outlive the process (check's findings cache), where
 *  an edit that keeps the size within one modification-time tick must not go unseen. */
export function readFresh(file: string, maxFileSize: number): string | undefined {
  // One open, then size and text from the descriptor: a re-run of check reads every module this way.
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const st = fs.fstatSync(fd);
    return st.isFile() && st.size <= maxFileSize ? fs.readFileSync(fd, 'utf8') : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Texts by path, reread only when the file's modification time or size changed. */
const cache = new Map<string, { mtimeMs: number; size: number; text: string }>();
const MAX_CACHED = 500;

function readCached(file: string, maxFileSize: number): string | undefined {
  try {
    const st = fs.statSync(file);
    if (st.size > maxFileSize) return undefined;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.text;
    const text = fs.readFileSync(file, 'utf8');
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(file, { mtimeMs: st.mtimeMs, size: st.size, text });
    return text;
  } catch {
    return undefined;
  }
}
