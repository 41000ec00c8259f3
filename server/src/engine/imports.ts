// The texts of a document's relative imports for cross-file analysis, as the editor sees them: an
// open document's buffer (saved or not), else the file on disk through a cache keyed by path,
// modification time and size, so an unchanged file is not read again for every analysis.
// The specifiers, their resolution and the limit are the worker's (workers/imports.ts), which reads
// from disk when the caller supplies no imports (`orbit-ls check`). An imported text the workspace
// index has summarised carries that summary, which follows flows further than the text alone.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ImportedModule } from '../core/static-analysis';
import type { ModuleSummary, MountedAs } from '../core/workspace/types';
import { MOUNTED_AS } from '../core/workspace/types';
import { importCandidates, localPath, MAX_IMPORTS, SPECIFIER } from '../workers/imports';
import type { DocumentSnapshot } from './document-analysis';

export interface ImportFiles {
  /** Undefined when there is no such file (or it is not a regular file). */
  stat(file: string): Promise<{ mtimeMs: number; size: number } | undefined>;
  readFile(file: string): Promise<string>;
}

export interface ImportSourceDeps {
  /** The text of an open document by its URI, or undefined. */
  openText(uri: string): string | undefined;
  files?: ImportFiles;
  /** The workspace index's summary of this text of the file, when it has one. */
  summaryOf?(file: string, text: string): ModuleSummary | undefined;
  /** The workspace index's facts of how the rest of the app uses this file (mounts, handlers, session). */
  mountedAs?(file: string): MountedAs | undefined;
}

export interface ImportSource {
  /** The imports by specifier; undefined for a document without a local path (untitled, remote). */
  importsOf(doc: DocumentSnapshot, maxFileSize: number): Promise<Record<string, ImportedModule> | undefined>;
}

const MAX_CACHED = 500;

export function createImportSource(deps: ImportSourceDeps): ImportSource {
  const files = deps.files ?? diskFiles;
  const cache = new Map<string, { mtimeMs: number; size: number; text: string }>();
  const open = (file: string): string | undefined => deps.openText(pathToFileURL(file).href);

  const readText = async (file: string, st: { mtimeMs: number; size: number }): Promise<string | undefined> => {
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.text;
    try {
      const text = await files.readFile(file);
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
      cache.set(file, { mtimeMs: st.mtimeMs, size: st.size, text });
      return text;
    } catch {
      return undefined;
    }
  };

  /** The first candidate file of `specifier` that exists (an open buffer or a file) and its text;
   *  undefined when none exists, or when the one that does is too large or unreadable. */
  const load = async (dir: string, specifier: string, maxFileSize: number, stat: (file: string) => Promise<{ mtimeMs: number; size: number } | undefined>): Promise<{ target: string; text: string } | undefined> => {
    for (const c of importCandidates(dir, specifier)) {
      const buffer = open(c);
      if (buffer !== undefined) return buffer.length > maxFileSize ? undefined : { target: c, text: buffer };
      const st = await stat(c);
      if (!st) continue;
      if (st.size > maxFileSize) return undefined;
      const text = await readText(c, st);
      return text === undefined ? undefined : { target: c, text };
    }
    return undefined;
  };

  return {
    async importsOf(doc, maxFileSize) {
      const file = localPath(doc.uri);
      if (!file) return undefined;
      const dir = path.dirname(file);
      const specifiers = [...new Set(Array.from(doc.text.matchAll(SPECIFIER), (m) => m[1]))];
      // Every edit asks again whether each imported file changed. The files are looked at
      // together, not one after another (one stat each, shared by resolving and reading), so a
      // file with ten imports waits for one round of the thread pool, not twenty.
      const stats = new Map<string, Promise<{ mtimeMs: number; size: number } | undefined>>();
      const stat = (f: string): Promise<{ mtimeMs: number; size: number } | undefined> => {
        let p = stats.get(f);
        if (!p) stats.set(f, (p = files.stat(f)));
        return p;
      };
      const imports: Record<string, ImportedModule> = {};
      let count = 0;
      // In windows of the limit, so a file naming hundreds of modules still reads about as many as it keeps.
      for (let i = 0; i < specifiers.length && count < MAX_IMPORTS; i += MAX_IMPORTS) {
        const window = specifiers.slice(i, i + MAX_IMPORTS);
        const loaded = await Promise.all(window.map((specifier) => load(dir, specifier, maxFileSize, stat)));
        for (let k = 0; k < window.length && count < MAX_IMPORTS; k++) {
          const found = loaded[k];
          if (!found) continue;
          const summary = deps.summaryOf?.(found.target, found.text);
          imports[window[k]] = summary ? { fileName: found.target, text: found.text, summary } : { fileName: found.target, text: found.text };
          count++;
        }
      }
      const mountedAs = deps.mountedAs?.(file);
      if (mountedAs) imports[MOUNTED_AS] = { fileName: '', text: '', mountedAs };
      return imports;
    },
  };
}

/** The disk as the import reader sees it when the caller names no other. */
export const diskFiles: ImportFiles = {
  async stat(file) {
    try {
      const st = await fs.promises.stat(file);
      return st.isFile() ? { mtimeMs: st.mtimeMs, size: st.size } : undefined;
    } catch {
      return undefined;
    }
  },
  readFile: (file) => fs.promises.readFile(file, 'utf8'),
};
