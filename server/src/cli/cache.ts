// `check`'s findings cache: the static report of each file, kept on disk between runs and keyed by
// everything the report depends on — the file's path and text, the texts of its relative imports,
// the settings the static pass reads, the rules and the code of the analysis, and the orbit-ls
// version. A re-run over an unchanged tree reads and hashes each file and analyses none of them.
//
// Entries are written to a temporary file and renamed into place, so concurrent runs never see
// half an entry; an entry that does not parse, or that another version or build wrote, is ignored
// and overwritten. The cache only ever saves work: any failure to read or write it means analysing.
// An entry's modification time says when a run last used it; cache-prune.ts keeps the directory
// bounded by it.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DocumentReport, DocumentSnapshot } from '../engine/document-analysis';
import type { CacheLookup, ReportCache } from '../engine/batch';
import { coreFingerprint, hashTree } from '../engine/rule-metadata';
import type { StaticOptions } from '../core/types';
import type { ModuleSummary } from '../core/workspace/types';
import type { ModuleSummaryInput } from '../workers/contracts';
import { orbitVersion } from '../config/version';
import { readImports } from '../workers/imports';
import { pruneIfDue, REFRESH_AFTER_MS, type PruneLimits, type PruneResult } from './cache-prune';
import { readRenderers } from '../workers/template-renderers';

type SummaryInput = ModuleSummaryInput['modules'][number];

/** Bumped when the entry layout changes. */
const FORMAT = 1;

export interface FindingsCacheOptions {
  /** The directory holding the entries (see `findingsCacheDir`). */
  dir: string;
  /** The static pass's options: a change of rules, levels or sources is a different key. */
  options: StaticOptions;
  /** orbit-ls's version and the fingerprint of its analysis code; defaults to this build's. */
  version?: string;
  fingerprint?: string;
  /** Told once when the cache cannot be written (then the run goes on without storing). */
  warn?: (message: string) => void;
  /** The clock entries are stamped and pruned by (tests move it); Date.now by default. */
  now?: () => number;
  /** Pruning's bounds; PRUNE_LIMITS by default. */
  limits?: PruneLimits;
}

export interface FindingsCache extends ReportCache {
  /** Removes old and least recently used entries if no run has for a day (cache-prune.ts). */
  prune(): Promise<PruneResult | undefined>;
}

/**
 * Where the entries live: `--cache-dir`, else `ORBIT_LS_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/orbit-ls/findings` (an absolute XDG_CACHE_HOME only, as the XDG spec says),
 * else `~/.cache/orbit-ls/findings`.
 */
export function findingsCacheDir(flag: string | undefined, env: Record<string, string | undefined>): string {
  if (flag) return path.resolve(flag);
  if (env.ORBIT_LS_CACHE_DIR) return path.resolve(env.ORBIT_LS_CACHE_DIR);
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(xdg, 'orbit-ls', 'findings');
}

/** Whether the cache holds no entry at all (the directory is missing or empty): a run over it will
 *  analyse every file. */
export function cacheIsEmpty(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length === 0;
  } catch {
    return true;
  }
}

export function findingsCache(opts: FindingsCacheOptions): FindingsCache {
  const version = opts.version ?? orbitVersion();
  const now = opts.now ?? Date.now;
  const madeDirs = new Set<string>();
  const fingerprint = opts.fingerprint ?? analysisFingerprint();
  // Everything a key shares across files, hashed once.
  const common = sha256(JSON.stringify([FORMAT, version, fingerprint, opts.options]));
  let warned = false;
  const warn = (message: string): void => {
    if (warned) return;
    warned = true;
    opts.warn?.(message);
  };
  return {
    async lookup(doc: DocumentSnapshot): Promise<CacheLookup> {
      const imports = doc.language === undefined ? readRenderers(doc.uri, opts.options.maxFileSize) : readImports(doc.uri, doc.text, opts.options.maxFileSize, { fresh: true });
      const key = sha256(
        JSON.stringify([
          common,
          doc.uri,
          doc.language ?? null,
          sha256(doc.text),
          Object.entries(imports)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([specifier, m]) => [specifier, m.fileName, sha256(m.text)]),
        ]),
      );
      const file = path.join(opts.dir, key.slice(0, 2), `${key}.json`);
      const report = readEntry(file, { version, fingerprint, key }, now(), acceptReport);
      return {
        imports,
        ...(report ? { report: { ...report, uri: doc.uri, version: doc.version } } : {}),
        async store(fresh: DocumentReport): Promise<void> {
          // A report that says the analysis could not finish (a time-out, a crash, a limit) may
          // come out differently next time: it is never kept.
          if (fresh.notices.length > 0) return;
          const entry = { format: FORMAT, version, fingerprint, key, report: fresh };
          try {
            writeAtomically(file, JSON.stringify(entry), madeDirs);
          } catch (err) {
            warn(`orbit-ls: warning: could not write the findings cache in ${opts.dir} (${(err as NodeJS.ErrnoException).code ?? String(err)}); findings are not kept for the next run. Use --cache-dir DIR, or --no-cache.`);
          }
        },
      };
    },
    prune: async () => {
      const limits = { now: now(), ...(opts.limits ? { limits: opts.limits } : {}) };
      const pruned = await pruneIfDue(opts.dir, limits);
      await pruneIfDue(summaryDir(opts.dir), limits);
      return pruned;
    },
  };
}

function acceptReport(entry: Record<string, unknown>): DocumentReport | undefined {
  const report = entry.report as DocumentReport | undefined;
  if (!report || !Array.isArray(report.findings) || !Array.isArray(report.notices) || !Array.isArray(report.errors)) return undefined;
  return report;
}

/** Where the module summaries of check's index are kept: a folder of the findings cache, pruned with it. */
function summaryDir(dir: string): string {
  return path.join(dir, 'index');
}

export interface SummaryCache {
  get(module: SummaryInput): ModuleSummary | undefined;
  set(module: SummaryInput, summary: ModuleSummary): void;
}

/**
 * The module summaries `check`'s index computes (its policy facts), kept between runs beside the
 * findings, keyed by the module's path and text, the summaries of its imports, the analysis code and
 * the version: a re-run over an unchanged tree summarises nothing, so it starts no worker thread.
 */
export function summaryCache(opts: { dir: string; version?: string; fingerprint?: string; now?: () => number }): SummaryCache {
  const version = opts.version ?? orbitVersion();
  const fingerprint = opts.fingerprint ?? analysisFingerprint();
  const now = opts.now ?? Date.now;
  const madeDirs = new Set<string>();
  const common = sha256(JSON.stringify([FORMAT, 'summary', version, fingerprint]));
  const where = (m: SummaryInput) => {
    const key = sha256(JSON.stringify([common, m.fileName, m.policyOnly === true, sha256(m.text), sha256(JSON.stringify(m.deps ?? {}))]));
    return { key, file: path.join(summaryDir(opts.dir), key.slice(0, 2), `${key}.json`) };
  };
  return {
    get(m) {
      const { key, file } = where(m);
      return readEntry(file, { version, fingerprint, key }, now(), acceptSummary);
    },
    set(m, summary) {
      const { key, file } = where(m);
      try {
        writeAtomically(file, JSON.stringify({ format: FORMAT, version, fingerprint, key, summary }), madeDirs);
      } catch {
        // The summary is computed again next time; the findings cache warns about an unwritable directory.
      }
    },
  };
}

function acceptSummary(entry: Record<string, unknown>): ModuleSummary | undefined {
  const s = entry.summary as ModuleSummary | undefined;
  if (!s || typeof s.fileName !== 'string' || typeof s.hash !== 'string' || typeof s.functions !== 'object' || typeof s.handles !== 'object') return undefined;
  return s;
}

/** A hash of the code that computes static findings: the analysis (dist/core, which holds the
 *  rules and their metadata), the worker side of the static task and its import reader
 *  (dist/workers) and the engine's conversion of its result. A rebuilt rule with an unchanged
 *  version number still gets fresh keys. Computed once per process. */
export function analysisFingerprint(): string {
  const dist = path.join(__dirname, '..');
  fingerprintMemo ??= sha256(`${coreFingerprint()}\0${hashTree([path.join(dist, 'workers'), path.join(dist, 'engine', 'document-analysis.js')])}`);
  return fingerprintMemo;
}
let fingerprintMemo: string | undefined;

/** The report of a trustworthy entry: one that parses, has the expected shape and was written
 *  by this version and build for this key. Anything else is treated as absent. Read synchronously:
 *  entries are small, and a re-run does little else than read them. A used entry's time is
 *  refreshed (at most once a day), so pruning removes what runs stopped using. */
function readEntry<T>(file: string, expect: { version: string; fingerprint: string; key: string }, now: number, accept: (entry: Record<string, unknown>) => T | undefined): T | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const entry = JSON.parse(fs.readFileSync(fd, 'utf8')) as Record<string, unknown>;
    if (entry.format !== FORMAT || entry.version !== expect.version || entry.fingerprint !== expect.fingerprint || entry.key !== expect.key) return undefined;
    const value = accept(entry);
    if (value === undefined) return undefined;
    try {
      if (now - fs.fstatSync(fd).mtimeMs > REFRESH_AFTER_MS) fs.futimesSync(fd, now / 1000, now / 1000);
    } catch {
      // A read-only cache still serves; its entries just age.
    }
    return value;
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** Write to a private temporary file in the same directory, then rename over the entry: a reader
 *  sees the old entry or the new one, never a mix, whatever other runs are doing. Synchronous:
 *  three small system calls, where the promise API's thread-pool round trips per open, write,
 *  close and rename held each file's slot long enough to leave worker threads waiting. */
function writeAtomically(file: string, text: string, madeDirs: Set<string>): void {
  const dir = path.dirname(file);
  if (!madeDirs.has(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    madeDirs.add(dir);
  }
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    // The directory went away during the run (removed by hand): make it again, once.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && madeDirs.delete(dir)) return writeAtomically(file, text, madeDirs);
    throw err;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
