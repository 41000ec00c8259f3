// The workspace index: a summary of every module another module of the workspace imports (its
// exports, and per exported function which parameters reach which sinks and which come back out),
// built at start over the workspace folders and kept current on save and on file-system changes.
// Summaries are computed in the pool (task `moduleSummary`), dependencies first, so a summary
// includes what its own imports do; the static pass receives them with the imported texts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { textHash } from '../core/workspace/hash';
import type { ModuleSummary, MountedAs } from '../core/workspace/types';
import { mountedAsOf } from '../core/workspace/mounted';
import { DEPTH_BUDGET } from '../core/workspace/types';
import type { ModuleSummaryInput, ModuleSummaryResult } from '../workers/contracts';
import { importCandidates, SPECIFIER } from '../workers/imports';

export interface WorkspaceIndexOptions {
  /** Runs the `moduleSummary` task; undefined when it was cancelled or failed. */
  summarise(input: ModuleSummaryInput, signal: AbortSignal): Promise<ModuleSummaryResult | undefined>;
  /**
   * Runs the `moduleSummary` task for modules nothing imports (the app, its route tables) with
   * `policyOnly`: their policy facts give `mountedAs`. Without it, those modules are not read.
   */
  summarisePolicy?(input: ModuleSummaryInput, signal: AbortSignal): Promise<ModuleSummaryResult | undefined>;
  /** An open document's text by file path, else the file on disk is read. */
  openText?(file: string): string | undefined;
  files?: IndexFiles;
  /** The walk stops after this many source files (default 5,000). */
  maxFiles?: number;
  /** Larger files are not summarised (default 512 KiB). */
  maxFileSize?: number;
  /** Modules per task (default 8): an analysis waits at most for one batch per thread. */
  batchSize?: number;
  /** Batches in flight at once (default 2). */
  concurrency?: number;
  log?(message: string): void;
}

export interface IndexFiles {
  readdir(dir: string): Promise<{ name: string; dir: boolean; file: boolean }[]>;
  /** Undefined when the file is missing or larger than `maxSize`. */
  read(file: string, maxSize: number): Promise<string | undefined>;
}

export interface BuildStats {
  files: number;
  summarised: number;
  /** True when the walk stopped at `maxFiles`. */
  truncated: boolean;
}

export interface WorkspaceIndex {
  /** Walks the folders and summarises every imported module; a second build replaces the first. */
  build(folders: readonly string[], signal?: AbortSignal): Promise<BuildStats>;
  /** The file changed (saved, created) or is gone: its summary is recomputed, then its importers'
   *  while theirs change. Resolves with the files whose summaries changed. */
  update(file: string, signal?: AbortSignal): Promise<string[]>;
  /** The summary of this text of the file, if the index has one for exactly this text. */
  summaryOf(file: string, text: string): ModuleSummary | undefined;
  /** The files that import this one. */
  importersOf(file: string): string[];
  /** Whether any module this file imports has a summary with something in it. */
  importsSummarised(file: string): boolean;
  /** How the modules that import this file use it: mounts, handlers, the app's session and CSRF protection. */
  mountedAs(file: string): MountedAs | undefined;
  /** The files whose `mountedAs` may follow from this one's: what it imports, and theirs (bounded). */
  mountedDependents(file: string): string[];
  readonly size: number;
}

const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'vendor', 'vendors', 'bower_components', 'dist', 'build', 'coverage', '.next', '.nuxt', 'out', 'tmp']);
const SOURCE = /\.(jsx?|tsx?|mjs|cjs|mts|cts)$/;
const SKIPPED_FILES = /(\.min\.[cm]?js|\.d\.[cm]?ts|\.bundle\.js)$/;
/** A line this long means generated or minified code, which no importer's flow is worth. */
const MAX_LINE = 2000;
/** At most this many summaries are recomputed after one change. */
const MAX_RECHECKS = 200;

interface Entry {
  hash: string;
  /** Specifier → resolved file, for the relative imports that name a workspace file. */
  deps: Map<string, string>;
  summary?: ModuleSummary;
  /** The summary holds the policy facts only (nothing imported the module when it was made). */
  policyOnly?: boolean;
}

export function createWorkspaceIndex(options: WorkspaceIndexOptions): WorkspaceIndex {
  const files = options.files ?? diskFiles;
  const maxFiles = options.maxFiles ?? 5000;
  const maxFileSize = options.maxFileSize ?? 512 * 1024;
  const batchSize = options.batchSize ?? 8;
  const concurrency = options.concurrency ?? 2;
  let entries = new Map<string, Entry>();
  let importers = new Map<string, Set<string>>();
  /** A path some import would name if it existed → the files with that import. */
  let unresolved = new Map<string, Set<string>>();

  const textOf = async (file: string): Promise<string | undefined> => {
    const open = options.openText?.(file);
    if (open !== undefined) return open.length > maxFileSize ? undefined : open;
    const text = await files.read(file, maxFileSize);
    return text === undefined || looksGenerated(text) ? undefined : text;
  };

  const link = (file: string, text: string, known: (f: string) => boolean): Map<string, string> => {
    const deps = new Map<string, string>();
    for (const m of text.matchAll(SPECIFIER)) {
      const specifier = m[1];
      if (deps.has(specifier)) continue;
      const candidates = importCandidates(path.dirname(file), specifier);
      const target = candidates.find(known);
      if (target) {
        deps.set(specifier, target);
        add(importers, target, file);
      } else {
        for (const c of candidates) add(unresolved, c, file);
      }
    }
    return deps;
  };

  const unlink = (file: string): void => {
    for (const target of entries.get(file)?.deps.values() ?? []) importers.get(target)?.delete(file);
  };

  const depSummaries = (entry: Entry): Record<string, ModuleSummary> => {
    const out: Record<string, ModuleSummary> = {};
    for (const [specifier, target] of entry.deps) {
      const s = entries.get(target)?.summary;
      if (s && Object.keys(s.functions).length + Object.keys(s.handles).length + (s.policy?.changing.length ?? 0) > 0) out[specifier] = s;
    }
    return out;
  };

  /** Summarises the files in batches, at most `concurrency` batches in flight. */
  const summariseAll = async (batch: { file: string; text: string; policyOnly?: boolean }[], signal: AbortSignal): Promise<ModuleSummary[]> => {
    const out: ModuleSummary[] = [];
    const chunks: { file: string; text: string; policyOnly?: boolean }[][] = [];
    for (let i = 0; i < batch.length; i += batchSize) chunks.push(batch.slice(i, i + batchSize));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chunks.length && !signal.aborted) {
        const chunk = chunks[next++];
        const modules = chunk.map(({ file, text, policyOnly }) => (policyOnly ? { fileName: file, text, deps: {}, policyOnly } : { fileName: file, text, deps: depSummaries(entries.get(file) as Entry) }));
        const run = chunk.every((c) => c.policyOnly) && options.summarisePolicy ? options.summarisePolicy : options.summarise;
        const result = await run({ modules }, signal);
        for (const s of result?.summaries ?? []) {
          const entry = entries.get(s.fileName);
          if (entry && s.hash === entry.hash) {
            entry.summary = s;
            entry.policyOnly = chunk.find((c) => c.file === s.fileName)?.policyOnly === true;
          }
          out.push(s);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
    return out;
  };

  return {
    get size() {
      return entries.size;
    },

    async build(folders, signal = new AbortController().signal) {
      const listed: string[] = [];
      let truncated = false;
      for (const folder of folders) truncated = (await walk(files, folder, listed, maxFiles, signal)) || truncated;
      const texts = new Map<string, string>();
      for (let i = 0; i < listed.length; i += 32) {
        const read = await Promise.all(listed.slice(i, i + 32).map(async (f) => [f, await textOf(f)] as const));
        for (const [f, t] of read) if (t !== undefined) texts.set(f, t);
      }
      entries = new Map();
      importers = new Map();
      unresolved = new Map();
      for (const [file, text] of texts) entries.set(file, { hash: textHash(text), deps: new Map() });
      for (const [file, text] of texts) (entries.get(file) as Entry).deps = link(file, text, (f) => entries.has(f));
      // Only modules something imports need a summary; dependencies before their importers, and
      // a cycle is cut where it is found.
      const targets = [...texts.keys()].filter((f) => (importers.get(f)?.size ?? 0) > 0);
      const waves = order(targets, (f) => [...(entries.get(f)?.deps.values() ?? [])]);
      let summarised = 0;
      for (const wave of waves) {
        if (signal.aborted) break;
        summarised += (await summariseAll(wave.map((file) => ({ file, text: texts.get(file) as string })), signal)).length;
      }
      // Modules nothing imports but which import others (the app, its route tables) are read for
      // their policy facts only: what they mount, where, behind which middleware.
      const wiring = [...texts.keys()].filter((f) => (importers.get(f)?.size ?? 0) === 0 && (entries.get(f)?.deps.size ?? 0) > 0);
      if (!signal.aborted && options.summarisePolicy) await summariseAll(wiring.map((file) => ({ file, text: texts.get(file) as string, policyOnly: true })), signal);
      options.log?.(`orbit-ls: workspace index: ${entries.size} modules, ${summarised} summarised${truncated ? ` (stopped at ${maxFiles} files)` : ''}`);
      return { files: entries.size, summarised, truncated };
    },

    async update(file, signal = new AbortController().signal) {
      const changed: string[] = [];
      let queue = [file];
      let rechecks = 0;
      for (let depth = 0; queue.length > 0 && depth <= DEPTH_BUDGET && !signal.aborted; depth++) {
        const next = new Set<string>();
        const batch: { file: string; text: string; before: string }[] = [];
        const policyOnly: { file: string; text: string; policyOnly?: boolean }[] = [];
        for (const f of queue) {
          if (rechecks++ >= MAX_RECHECKS) break;
          const text = await textOf(f);
          const old = entries.get(f);
          unlink(f);
          if (text === undefined) {
            if (old) {
              entries.delete(f);
              changed.push(f);
              for (const i of importers.get(f) ?? []) next.add(i);
            }
            continue;
          }
          const isNew = !old;
          const entry: Entry = { hash: textHash(text), deps: new Map(), summary: old?.summary, ...(old?.policyOnly ? { policyOnly: true } : {}) };
          entries.set(f, entry);
          entry.deps = link(f, text, (c) => entries.has(c));
          // A new file may be what an earlier import named: link those importers to it.
          if (isNew) {
            for (const i of unresolved.get(f) ?? []) {
              const e = entries.get(i);
              const t = e && (await textOf(i));
              if (e && t !== undefined) {
                unlink(i);
                e.deps = link(i, t, (c) => entries.has(c));
              }
            }
            unresolved.delete(f);
          }
          if ((importers.get(f)?.size ?? 0) === 0 && (old?.policyOnly || !old?.summary)) {
            // Nothing imports it: only what it mounts matters (policy facts), to the files it imports.
            if (entry.deps.size > 0 && options.summarisePolicy) policyOnly.push({ file: f, text });
            continue;
          }
          batch.push({ file: f, text, before: signature(old?.summary) });
        }
        if (policyOnly.length > 0) await summariseAll(policyOnly.map((p) => ({ ...p, policyOnly: true })), signal);
        const summaries = await summariseAll(batch, signal);
        for (const s of summaries) {
          const before = batch.find((b) => b.file === s.fileName)?.before;
          if (before === signature(s)) continue;
          changed.push(s.fileName);
          // Importers with importers of their own carry this summary on in theirs.
          for (const i of importers.get(s.fileName) ?? []) if ((importers.get(i)?.size ?? 0) > 0) next.add(i);
        }
        queue = [...next];
      }
      return changed;
    },

    summaryOf(file, text) {
      const e = entries.get(file);
      const s = e?.summary;
      return s && !e.policyOnly && s.hash === textHash(text) ? s : undefined;
    },

    importersOf(file) {
      return [...(importers.get(file) ?? [])];
    },

    mountedAs(file) {
      return mountedAsOf(file, (f) =>
        [...(importers.get(f) ?? [])].map((i) => {
          const e = entries.get(i);
          return { file: i, ...(e?.summary?.policy ? { policy: e.summary.policy } : {}), resolve: (specifier: string) => e?.deps.get(specifier) };
        }),
      );
    },

    mountedDependents(file) {
      const out = new Set<string>();
      let frontier = [file];
      for (let depth = 0; depth < DEPTH_BUDGET && frontier.length > 0 && out.size < MAX_RECHECKS; depth++) {
        const next: string[] = [];
        for (const f of frontier) {
          for (const d of entries.get(f)?.deps.values() ?? []) {
            if (d === file || out.has(d)) continue;
            out.add(d);
            next.push(d);
          }
        }
        frontier = next;
      }
      return [...out];
    },

    importsSummarised(file) {
      const entry = entries.get(file);
      return entry !== undefined && Object.keys(depSummaries(entry)).length > 0;
    },
  };
}

/** What importers see of a summary; an edit that leaves it unchanged re-checks nobody. */
function signature(s: ModuleSummary | undefined): string {
  if (!s) return '';
  const fns = Object.values(s.functions).map((f) => [f.name, f.sinks.map((k) => [k.param, k.ruleId, k.depth, k.via ?? '', k.line]), f.returns.map((r) => [r.param, r.cleansed])]);
  return JSON.stringify([fns, s.handles, s.policy?.changing.map((c) => [c.method, c.path, c.fileName ?? '', c.line, c.csrf]) ?? []]);
}

/** The targets in waves: each file after the files it depends on (a cycle is cut where it is met). */
function order(targets: readonly string[], depsOf: (f: string) => string[]): string[][] {
  const inTargets = new Set(targets);
  const level = new Map<string, number>();
  const state = new Map<string, 'open' | 'done'>();
  for (const root of targets) {
    if (state.has(root)) continue;
    // Iterative depth-first walk: deep import chains cannot overflow the stack.
    const stack: { f: string; deps: string[]; i: number }[] = [{ f: root, deps: depsOf(root).filter((d) => inTargets.has(d)), i: 0 }];
    state.set(root, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.i < top.deps.length) {
        const d = top.deps[top.i++];
        if (!state.has(d)) {
          state.set(d, 'open');
          stack.push({ f: d, deps: depsOf(d).filter((x) => inTargets.has(x)), i: 0 });
        }
        continue;
      }
      let l = 0;
      for (const d of top.deps) if (state.get(d) === 'done') l = Math.max(l, (level.get(d) ?? 0) + 1);
      level.set(top.f, l);
      state.set(top.f, 'done');
      stack.pop();
    }
  }
  const waves: string[][] = [];
  for (const [f, l] of level) (waves[l] ??= []).push(f);
  return waves.filter((w) => w && w.length > 0);
}

async function walk(files: IndexFiles, dir: string, out: string[], max: number, signal: AbortSignal): Promise<boolean> {
  const pending = [dir];
  while (pending.length > 0) {
    if (signal.aborted) return false;
    const d = pending.shift() as string;
    const list = await files.readdir(d);
    list.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of list) {
      if (e.name.startsWith('.') && e.dir) continue;
      const full = path.join(d, e.name);
      if (e.dir) {
        if (!SKIPPED_DIRS.has(e.name)) pending.push(full);
      } else if (e.file && SOURCE.test(e.name) && !SKIPPED_FILES.test(e.name)) {
        if (out.length >= max) return true;
        out.push(full);
      }
    }
  }
  return false;
}

function looksGenerated(text: string): boolean {
  let start = 0;
  for (let i = 0; i < 50 && start < text.length; i++) {
    const end = text.indexOf('\n', start);
    const len = (end < 0 ? text.length : end) - start;
    if (len > MAX_LINE) return true;
    if (end < 0) break;
    start = end + 1;
  }
  return false;
}

function add(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

const diskFiles: IndexFiles = {
  async readdir(dir) {
    try {
      return (await fs.promises.readdir(dir, { withFileTypes: true })).map((e) => ({ name: e.name, dir: e.isDirectory(), file: e.isFile() }));
    } catch {
      return [];
    }
  },
  async read(file, maxSize) {
    try {
      const st = await fs.promises.stat(file);
      if (!st.isFile() || st.size > maxSize) return undefined;
      return await fs.promises.readFile(file, 'utf8');
    } catch {
      return undefined;
    }
  },
};
