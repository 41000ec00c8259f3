// Which files `check` analyses: the given files, and under the given directories every JS/TS
// source not ignored by a .gitignore, never inside node_modules or .git.
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import ignore from 'ignore';
import { languageFromFileName } from '../core/types';
import { templateKind } from '../core/templates/template-files';
import { isMinifiedName, isVendoredDir, looksMinified } from './vendored';

const ALWAYS_SKIPPED = new Set(['node_modules', '.git', '.hg', '.svn']);

interface IgnoreScope {
  base: string;
  rules: ignore.Ignore;
}

export interface WalkResult {
  files: string[];
  /** Paths given on the command line that do not exist. */
  missing: string[];
  /** Vendored, minified or bundled files left out of the walk (see vendored.ts). */
  vendored: string[];
}

export interface WalkOptions {
  /** Walk vendored, minified and bundled files too. */
  includeVendored?: boolean;
}

/** Expands paths into a sorted, de-duplicated list of source files. */
export async function collectFiles(paths: readonly string[], signal: AbortSignal, options: WalkOptions = {}): Promise<WalkResult> {
  const files = new Set<string>();
  const missing: string[] = [];
  const vendored = new Set<string>();
  for (const given of paths) {
    const full = path.resolve(given);
    const info = await stat(full).catch(() => undefined);
    const inPackage = full.split(path.sep).includes('node_modules');
    if (!info) missing.push(given);
    // A package named under node_modules/ is checked as published: the project's ignores do not apply.
    else if (info.isDirectory()) await walk(full, inPackage ? [] : await enclosingScopes(full), files, signal, options.includeVendored || inPackage ? undefined : vendored);
    else if (isSource(full)) files.add(full);
  }
  return { files: [...files].sort(), missing, vendored: [...vendored].sort() };
}

export function isSource(file: string): boolean {
  if (templateKind(file)) return true;
  return languageFromFileName(file) !== undefined && !/\.d\.[cm]?ts$/i.test(file);
}

async function walk(dir: string, scopes: IgnoreScope[], out: Set<string>, signal: AbortSignal, vendored?: Set<string>): Promise<void> {
  if (signal.aborted) return;
  const gitignore = await readFile(path.join(dir, '.gitignore'), 'utf8').catch(() => undefined);
  const here = gitignore === undefined ? scopes : [...scopes, { base: dir, rules: ignore().add(gitignore) }];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)); // the list is sorted again at the end; no locale needed
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    const isDir = entry.isDirectory();
    if (isDir && ALWAYS_SKIPPED.has(entry.name)) continue;
    if (isIgnored(full, isDir, here)) continue;
    if (vendored && isDir && isVendoredDir(entry.name)) vendored.add(`${full}${path.sep}`);
    else if (isDir) await walk(full, here, out, signal, vendored);
    else if (entry.isFile() && isSource(full)) {
      if (vendored && languageFromFileName(full) && (isMinifiedName(entry.name) || looksMinified(full))) vendored.add(full);
      else out.add(full);
    }
  }
}

/**
 * The .gitignore files above a directory, up to its repository root, so that checking a folder of
 * a repository ignores what the repository ignores (`check server/` skips `server/dist/`).
 */
async function enclosingScopes(dir: string): Promise<IgnoreScope[]> {
  const scopes: IgnoreScope[] = [];
  const isRepositoryRoot = async (d: string): Promise<boolean> => (await stat(path.join(d, '.git')).catch(() => undefined)) !== undefined;
  let current = dir;
  while (!(await isRepositoryRoot(current))) {
    const parent = path.dirname(current);
    if (parent === current) return []; // not inside a repository: only the walked tree's own .gitignore files count
    current = parent;
    const gitignore = await readFile(path.join(current, '.gitignore'), 'utf8').catch(() => undefined);
    if (gitignore !== undefined) scopes.unshift({ base: current, rules: ignore().add(gitignore) });
  }
  return scopes;
}

function isIgnored(full: string, isDir: boolean, scopes: readonly IgnoreScope[]): boolean {
  return scopes.some(({ base, rules }) => {
    const rel = path.relative(base, full).split(path.sep).join('/');
    return rules.ignores(isDir ? `${rel}/` : rel);
  });
}
