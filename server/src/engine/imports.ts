// The texts of a document's relative imports for cross-file analysis, as the editor sees them: an
// open document's buffer (saved or not), else the file on disk through a cache keyed by path,
// modification time and size, so an unchanged file is not read again for every analysis.
// The resolution is the worker's (workers/imports.ts), which reads from disk when the
// caller supplies no imports (`orbit-ls check`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ImportedModule } from '../core/static-analysis';
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
}

export interface ImportSource {
  /** The imports by specifier; undefined for a document without a local path (untitled, remote). */
  importsOf(doc: DocumentSnapshot, maxFileSize: number): Promise<Record<string, ImportedModule> | undefined>;
}

/** At most this many imported files per document, as in the worker. */
const MAX_IMPORTS = 20;
const MAX_CACHED = 500;
const SPECIFIER = /(?:\brequire\s*\(\s*|\bimport\s*\(\s*|\bfrom\s+|\bimport\s+)['"](\.\.?\/[^'"\n]+)['"]/g;

export function createImportSource(deps: ImportSourceDeps): ImportSource {
  const files = deps.files ?? diskFiles;
  const cache = new Map<string, { mtimeMs: number; size: number; text: string }>();
  const open = (file: string): string | undefined => deps.openText(pathToFileURL(file).href);

  const exists = async (file: string): Promise<boolean> => open(file) !== undefined || (await files.stat(file)) !== undefined;

  const resolve = async (dir: string, specifier: string): Promise<string | undefined> => {
    const base = path.resolve(dir, specifier);
    const candidates = [base, `${base}.js`, `${base}.ts`, `${base}.jsx`, `${base}.tsx`, path.join(base, 'index.js'), path.join(base, 'index.ts')];
    if (/\.js$/.test(base)) candidates.splice(1, 0, base.replace(/\.js$/, '.ts'));
    for (const c of candidates) if (/\.(jsx?|tsx?|mjs|cjs)$/.test(c) && (await exists(c))) return c;
    return undefined;
  };

  const read = async (file: string, maxFileSize: number): Promise<string | undefined> => {
    const buffer = open(file);
    if (buffer !== undefined) return buffer.length > maxFileSize ? undefined : buffer;
    const st = await files.stat(file);
    if (!st || st.size > maxFileSize) return undefined;
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

  return {
    async importsOf(doc, maxFileSize) {
      const file = localPath(doc.uri);
      if (!file) return undefined;
      const imports: Record<string, ImportedModule> = {};
      let count = 0;
      for (const m of doc.text.matchAll(SPECIFIER)) {
        const specifier = m[1];
        if (specifier in imports || count >= MAX_IMPORTS) continue;
        const target = await resolve(path.dirname(file), specifier);
        const text = target && (await read(target, maxFileSize));
        if (!target || text === undefined) continue;
        imports[specifier] = { fileName: target, text };
        count++;
      }
      return imports;
    },
  };
}

function localPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

const diskFiles: ImportFiles = {
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
