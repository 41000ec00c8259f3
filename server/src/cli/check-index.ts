// `orbit-ls check` and the workspace index: before the files are analysed, the index reads the
// policy facts of every module under the checked folders (in the pool, syntax only: what each
// module mounts, behind which middleware, which exports serve which routes, the cookie session and
// CSRF protection), so each file is analysed with its mounted-as facts as the server gives them.
// The findings cache is keyed by those facts as well: an entry records the facts it was computed
// with and is used only while they are the same, so a change in app.js (a mount, its middleware,
// the session) re-analyses the routers it mounts and nothing is served stale.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { AnalysisPool } from '../engine/pool';
import type { CacheLookup, ReportCache } from '../engine/batch';
import type { DocumentReport, DocumentSnapshot } from '../engine/document-analysis';
import { createWorkspaceIndex, type IndexFiles, type WorkspaceIndex } from '../engine/workspace-index';
import { MOUNTED_AS, type ModuleSummary, type MountedAs } from '../core/workspace/types';
import type { SummaryCache } from './cache';
import type { ModuleSummaryInput, ModuleSummaryResult } from '../workers/contracts';
import { readFresh, readImports } from '../workers/imports';
import { readRenderers } from '../workers/template-renderers';

/** A batch's time limit: a module that stalls the summary loses its facts, nothing else. */
const BATCH_TIMEOUT_MS = 20_000;

export interface CheckIndexOptions {
  pool: AnalysisPool;
  /** The paths given to check: the folders among them are indexed. */
  paths: readonly string[];
  maxFileSize: number;
  signal: AbortSignal;
  log?(message: string): void;
  /** Summaries kept from earlier runs (none with --no-cache): only modules missing there go to the pool. */
  summaries?: SummaryCache;
}

/** Builds the policy index over the checked folders; undefined when no folder was given. */
export async function buildCheckIndex(opts: CheckIndexOptions): Promise<WorkspaceIndex | undefined> {
  const folders = opts.paths.filter((p) => {
    try {
      return fs.statSync(p).isDirectory();
    } catch {
      return false;
    }
  });
  if (folders.length === 0) return undefined;
  const kept = opts.summaries;
  const run = async (input: ModuleSummaryInput, signal: AbortSignal): Promise<ModuleSummaryResult | undefined> => {
    const modules = input.modules.map((m) => ({ ...m, policyOnly: true }));
    const known: ModuleSummary[] = [];
    const missing = kept ? modules.filter((m) => {
      const s = kept.get(m);
      if (s) known.push(s);
      return !s;
    }) : modules;
    if (missing.length === 0) return { summaries: known };
    const outcome = await opts.pool.run('moduleSummary', { modules: missing }, { signal, timeoutMs: BATCH_TIMEOUT_MS });
    if (outcome.kind === 'failed') opts.log?.(`orbit-ls: ${missing.length} module(s) not indexed: ${outcome.message}`);
    if (outcome.kind !== 'done') return known.length > 0 ? { summaries: known } : undefined;
    // The task answers one summary per module, in order.
    if (kept) for (const [i, s] of outcome.value.summaries.entries()) if (missing[i]?.fileName === s.fileName) kept.set(missing[i], s);
    return { summaries: [...known, ...outcome.value.summaries] };
  };
  const index = createWorkspaceIndex({ summarise: run, summarisePolicy: run, maxFileSize: opts.maxFileSize, files: syncFiles });
  await index.build(folders.map((f) => fs.realpathSync(f)), opts.signal);
  return index;
}

/**
 * The cache check analyses through: the inner findings cache (or none, with --no-cache), with each
 * document's imports carrying its mounted-as facts and each entry checked against them.
 */
export function indexedCache(index: WorkspaceIndex, inner: ReportCache | undefined, maxFileSize: number): ReportCache {
  return {
    async lookup(doc: DocumentSnapshot): Promise<CacheLookup> {
      const file = realPath(doc.uri);
      const mountedAs = doc.language === undefined ? undefined : index.mountedAs(file);
      const base: CacheLookup = inner
        ? await inner.lookup(doc)
        : { imports: doc.language === undefined ? readRenderers(doc.uri, maxFileSize) : readImports(doc.uri, doc.text, maxFileSize), store: async () => undefined };
      if (!inner) return mountedAs ? { ...base, imports: { ...base.imports, [MOUNTED_AS]: { fileName: '', text: '', mountedAs } } } : base;
      const key = mountedAsKey(mountedAs);
      const cached = base.report as (DocumentReport & { mountedAsKey?: string }) | undefined;
      const imports = { ...(base.imports ?? {}), ...(mountedAs ? { [MOUNTED_AS]: { fileName: '', text: '', mountedAs } } : {}) };
      const { mountedAsKey: recorded, ...report } = cached ?? ({} as DocumentReport & { mountedAsKey?: string });
      const fresh = cached !== undefined && recorded === key;
      return {
        imports,
        ...(fresh ? { report: report as DocumentReport } : {}),
        store: (r: DocumentReport) => base.store({ ...r, mountedAsKey: key } as DocumentReport),
      };
    },
  };
}

/** The cache `check` analyses through: `cache` wrapped with the index of the checked folders (`cache` itself when none is a folder). */
export async function indexedAnalysisCache(opts: CheckIndexOptions & { cache: ReportCache | undefined }): Promise<ReportCache | undefined> {
  const index = await buildCheckIndex(opts);
  return index ? indexedCache(index, opts.cache, opts.maxFileSize) : opts.cache;
}

/**
 * The index's view of the disk in check: synchronous reads, which a command-line run can afford and
 * which cost a re-run (that reads every module again for its summary's key) a third less than
 * a promise per stat and per read.
 */
const syncFiles: IndexFiles = {
  async readdir(dir) {
    try {
      return fs.readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory(), file: e.isFile() }));
    } catch {
      return [];
    }
  },
  read: async (file, maxSize) => readFresh(file, maxSize),
};

/** What an entry's findings depend on beyond its own text and imports: the mounted-as facts. */
export function mountedAsKey(m: MountedAs | undefined): string {
  return m ? createHash('sha256').update(JSON.stringify(m)).digest('hex').slice(0, 32) : 'none';
}

function realPath(file: string): string {
  try {
    return fs.realpathSync.native(file);
  } catch {
    return file;
  }
}
