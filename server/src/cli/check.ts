// `orbit-ls check [paths…] [--format text|json|sarif] [--fail-on error|warning|never] [--sandbox]
// [--verify [--jobs N] [--shard i/n]]`: analyses files in the worker pool (with --sandbox, also runs
// each in the sandbox; with --verify, also verifies every function with the model, see check-verify.ts)
// and prints the findings. Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or
// internal error, 3 model verification incomplete (and no findings at or above --fail-on),
// 130 interrupted (Ctrl-C).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeFiles } from '../engine/batch';
import { createPool, type AnalysisPool } from '../engine/pool';
import type { DocumentReport } from '../engine/document-analysis';
import type { Settings } from '../config/schema';
import { formatJson } from './format/json';
import { formatSarif } from './format/sarif';
import { formatText } from './format/text';
import { UsageError, type CliIO } from './io';
import { locator, type Locator } from './locate';
import { exitCodeFor, type CheckReport, type FailOn } from './report';
import { registeredRules, ruleCatalogue } from './rules';
import { loadSettings, readRaw, unwrapSection } from './settings';
import { silencedChecks } from '../engine/silenced';
import { staticOptionsFrom } from '../config/validate';
import { collectFiles } from './walk';
import type { VerifyDocument } from './check-verify';
import { languageFromFileName, SOURCE_EXTENSIONS } from '../core/types';
import { cacheIsEmpty, findingsCache, findingsCacheDir, summaryCache } from './cache';
import { checkPoolSize } from './cores';
import { checkPackagesInto, formatPackageSummary, installedPackages, packageDirs, progressBar, type PackageSummary } from './packages';

const FORMATS = ['text', 'json', 'sarif'] as const;
const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'information', 'hint', 'never'];

export async function runCheck(args: string[], io: CliIO, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string', default: 'error' },
      config: { type: 'string' },
      sandbox: { type: 'boolean', default: false },
      verify: { type: 'boolean', default: false },
      jobs: { type: 'string' },
      shard: { type: 'string' },
      dependencies: { type: 'boolean', default: false },
      'no-cache': { type: 'boolean', default: false },
      'cache-dir': { type: 'string' },
      'include-vendored': { type: 'boolean', default: false },
    },
  });
  const format = values.format as (typeof FORMATS)[number];
  const failOn = values['fail-on'] as FailOn;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown --format "${values.format}"; use one of ${FORMATS.join(', ')}`);
  if (!FAIL_ON.includes(failOn)) throw new UsageError(`unknown --fail-on "${values['fail-on']}"; use one of ${FAIL_ON.join(', ')}`);

  const shard = values.shard === undefined ? undefined : checkVerify().parseShard(values.shard);
  if (values.shard !== undefined && !shard) throw new UsageError(`--shard takes i/n with 1 ≤ i ≤ n, e.g. --shard 2/4; got "${values.shard}"`);
  const jobs = values.jobs === undefined ? 4 : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) throw new UsageError(`--jobs takes a whole number from 1 to 256; got "${values.jobs}"`);

  const { settings, problems } = await loadSettings(values.config);
  for (const p of problems) io.err(`orbit-ls: ${p.message}\n`);
  for (const s of silencedChecks(settings, values.config ? [{ label: values.config, raw: unwrapSection(await readRaw(values.config)) }] : [])) io.err(`orbit-ls: warning: a check is turned off or down: ${s.message}\n`);
  if (values.dependencies === true) return runDependencies(positionals[0] ?? '.', { settings, format, failOn }, io, signal);
  const poolSize = checkPoolSize(settings, values.config ? await readRaw(values.config) : undefined);
  const cacheDir = values['no-cache'] === true ? undefined : findingsCacheDir(values['cache-dir'], process.env);
  // A run that will analyse every file (no cache, or an empty one) starts its threads now, so they
  // load the analysis while the tree is walked; otherwise they start on the first cache miss.
  const early = cacheDir === undefined || cacheIsEmpty(cacheDir) ? createPool({ size: poolSize, log: (m) => io.err(`${m}\n`) }) : undefined;
  const collected = await collectFiles(positionals.length > 0 ? positionals : ['.'], signal, { includeVendored: values['include-vendored'] === true }).catch(async (err: unknown) => {
    await early?.close();
    throw err;
  });
  const { missing } = collected;
  if (missing.length > 0) {
    await early?.close();
    throw new UsageError(`no such file or directory: ${missing.join(', ')}`);
  }
  if (collected.vendored.length > 0) io.err(`orbit-ls: skipped ${collected.vendored.length} vendored, minified or bundled ${collected.vendored.length === 1 ? 'path' : 'paths'} (${collected.vendored.slice(0, 3).map(relative).join(', ')}${collected.vendored.length > 3 ? ', …' : ''}); --include-vendored checks them\n`);
  const files = shard ? collected.files.filter((f) => checkVerify().inShard(relative(f), shard)) : collected.files;
  if (files.length === 0) io.err(`orbit-ls: no ${SOURCE_EXTENSIONS.join(' ')} files found (node_modules and .gitignore'd paths are skipped)\n`);

  const sandbox = values.sandbox === true;
  const verify = values.verify === true ? { jobs, shard } : undefined;
  const packages = await packageDirs(positionals);
  const indexPaths = positionals.length > 0 ? positionals : ['.'];
  const report = await analyze(files, { settings, sandbox, verify, packages, poolSize, cacheDir, indexPaths, ...(early ? { pool: early } : {}) }, io, signal);
  if (signal.aborted) {
    io.err('orbit-ls: interrupted; no report written\n');
    return 130;
  }
  const rules = ruleCatalogue(registeredRules({ sandbox: sandbox || packages.length > 0 }), report.findings.map((f) => f.finding));
  io.out(format === 'json' ? formatJson(report) : format === 'sarif' ? formatSarif(report, rules) : formatText(report, { color: io.color }));
  const code = exitCodeFor(report, failOn);
  const v = report.verification;
  return code === 0 && v && (v.incomplete > 0 || v.filesNotVerified.length > 0) ? 3 : code;
}

interface CheckOptions {
  settings: Settings;
  /** Run the sandbox pass on each file too. */
  sandbox: boolean;
  /** Verify every function with the model too. */
  verify?: { jobs: number; shard?: { index: number; count: number } };
  /** Package directories among the paths: their install scripts (and, with the sandbox, load runs) are checked too. */
  packages?: string[];
  /** Worker threads (every core unless the settings say otherwise). */
  poolSize: number;
  /** The findings cache's directory; undefined with --no-cache. */
  cacheDir?: string;
  /** Threads started before the walk (a run expected to analyse every file); else made here. */
  pool?: AnalysisPool;
  /** The paths checked: their folders are indexed for the cross-file policy rules (check-index.ts). */
  indexPaths?: readonly string[];
}

async function analyze(files: string[], { settings, sandbox, verify, packages = [], poolSize, cacheDir, pool: early, indexPaths = [] }: CheckOptions, io: CliIO, signal: AbortSignal): Promise<CheckReport> {
  const started = performance.now();
  const report: CheckReport = { filesChecked: 0, findings: [], notices: [], skipped: [], elapsedMs: 0, fromCache: 0 };
  const cache = cacheDir === undefined ? undefined : findingsCache({ dir: cacheDir, options: staticOptionsFrom(settings), warn: (m) => io.err(`${m}\n`) });
  const pool = early ?? createPool({ size: poolSize, lazy: cache !== undefined, log: (m) => io.err(`${m}\n`) });
  const progress = progressLine(io, files.length);
  const analysed: { rel: string; path: string; doc: DocumentReport; text: string }[] = [];
  try {
    const indexed = await (require('./check-index') as typeof import('./check-index')).indexedAnalysisCache({ paths: indexPaths, pool, cache, maxFileSize: settings.maxFileSize, signal, log: (m) => io.err(`${m}\n`), ...(cacheDir === undefined ? {} : { summaries: summaryCache({ dir: cacheDir }) }) });
    await analyzeFiles(files, {
      pool,
      settings,
      signal,
      sandbox,
      ...(indexed ? { cache: indexed } : {}),
      log: (m) => io.err(`${m}\n`),
      onFile(file, text) {
        const rel = relative(file.path);
        if (file.cached) report.fromCache = (report.fromCache ?? 0) + 1;
        if (file.skipped) report.skipped.push({ file: rel, reason: file.skipped });
        else if (file.report && text !== undefined) analysed.push({ rel, path: file.path, doc: file.report, text });
        progress.tick();
      },
    });
    if (packages.length > 0) await checkPackagesInto(report, packages, { pool, settings, sandbox, staticRules: false, signal });
    if (cache && !signal.aborted) await cache.prune();
    progress.clear();
    if (verify && !signal.aborted) {
      const byPath = new Map(analysed.map((a) => [a.path, a]));
      const docs: VerifyDocument[] = analysed
        .flatMap((a) => {
          const language = languageFromFileName(a.path);
          return language ? [{ rel: a.rel, path: a.path, text: a.text, language, staticFindings: a.doc.findings }] : [];
        })
        .sort((a, b) => a.rel.localeCompare(b.rel));
      report.verification = await checkVerify().verifyFiles(docs, {
        settings, pool, jobs: verify.jobs, shard: verify.shard, env: process.env,
        onFile(doc, findings) {
          const entry = byPath.get(doc.path);
          if (entry) entry.doc = { ...entry.doc, findings: [...entry.doc.findings, ...findings] };
        },
      }, io, signal);
    }
  } finally {
    progress.clear();
    await pool.close();
  }
  for (const a of analysed) addReport(report, a.rel, a.doc, a.text);
  report.findings.sort((a, b) => a.file.localeCompare(b.file) || a.region.start.line - b.region.start.line || a.region.start.column - b.region.start.column);
  report.elapsedMs = performance.now() - started;
  return report;
}

// Verification is loaded only when asked for: a run whose files all come from the findings cache
// should cost reading and hashing them, not loading the model clients.
function checkVerify(): typeof import('./check-verify') {
  return require('./check-verify') as typeof import('./check-verify');
}

function relative(file: string): string {
  return path.relative(process.cwd(), file).split(path.sep).join('/') || file;
}

function addReport(report: CheckReport, file: string, doc: DocumentReport, text: string): void {
  report.filesChecked++;
  const locate = locator(text);
  const other = otherFiles();
  for (const finding of doc.findings) {
    report.findings.push({
      file,
      finding,
      region: locate(finding.span),
      flow: (finding.flow ?? []).flatMap((s) => {
        if (!s.fileName) return [{ region: locate(s.span), message: s.message }];
        // A step in an imported module (cross-file taint): located in that file's text.
        const o = other(s.fileName);
        return o ? [{ region: o.locate(s.span), message: s.message, file: o.rel }] : [];
      }),
      fixes: (finding.fixes ?? []).map((fix) => ({ title: fix.title, edits: fix.edits.map((e) => ({ region: locate(e.span), newText: e.newText })) })),
    });
  }
  for (const n of doc.notices) report.notices.push({ file, message: n.message, ...(n.code ? { code: n.code } : {}) });
}

/** Imported files named by flow steps, read once each and located like the checked file. */
function otherFiles(): (fileName: string) => { rel: string; locate: Locator } | undefined {
  const seen = new Map<string, { rel: string; locate: Locator } | undefined>();
  return (fileName) => {
    if (!seen.has(fileName)) {
      let entry: { rel: string; locate: Locator } | undefined;
      try {
        entry = { rel: path.relative(process.cwd(), fileName).split(path.sep).join('/') || fileName, locate: locator(fs.readFileSync(fileName, 'utf8')) };
      } catch {
        entry = undefined;
      }
      seen.set(fileName, entry);
    }
    return seen.get(fileName);
  };
}

/** "checked 120/400 files" on stderr, redrawn at most every 100 ms, only on a terminal. */
function progressLine(io: CliIO, total: number): { tick(): void; clear(): void } {
  let done = 0;
  let last = performance.now();
  let shown = false;
  return {
    tick() {
      done++;
      const now = performance.now();
      if (!io.progress || now - last < 100) return;
      last = now;
      shown = true;
      io.err(`\rorbit-ls: checked ${done}/${total} files`);
    },
    clear() {
      if (shown) io.err('\r\u001b[K');
    },
  };
}

/** `check --dependencies [project]`: every package installed under the project's node_modules,
 *  each checked at install and load (sandbox runs included), with a progress bar and a summary. */
async function runDependencies(project: string, { settings, format, failOn }: { settings: Settings; format: (typeof FORMATS)[number]; failOn: FailOn }, io: CliIO, signal: AbortSignal): Promise<number> {
  const dirs = await installedPackages(project);
  if (dirs.length === 0) throw new UsageError(`no installed packages under ${path.join(project, 'node_modules')}; run npm install first`);
  const started = performance.now();
  const report: CheckReport = { filesChecked: 0, findings: [], notices: [], skipped: [], elapsedMs: 0 };
  const pool = createPool({ size: settings.pool.size, log: (m) => io.err(`${m}\n`) });
  const bar = progressBar(io, dirs.length);
  let summaries: PackageSummary[] = [];
  try {
    summaries = await checkPackagesInto(report, dirs, { pool, settings, sandbox: true, staticRules: true, signal, onPackage: () => bar.tick() });
  } finally {
    bar.clear();
    await pool.close();
  }
  if (signal.aborted) {
    io.err('orbit-ls: interrupted; no report written\n');
    return 130;
  }
  report.filesChecked = summaries.length;
  report.elapsedMs = performance.now() - started;
  const rules = ruleCatalogue(registeredRules({ sandbox: true }), report.findings.map((f) => f.finding));
  if (format === 'text') io.out(formatText(report, { color: io.color }) + formatPackageSummary(summaries, report.elapsedMs));
  else io.out(format === 'json' ? formatJson(report) : formatSarif(report, rules));
  return exitCodeFor(report, failOn);
}
