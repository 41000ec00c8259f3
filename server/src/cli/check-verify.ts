// `check --verify`: model verification of every function of the checked files, in CI as in the
// editor. The same verifier as the server (orbit, sandbox ground truth, verdicts), a disk cache so
// a re-run over unchanged functions makes no model calls, --jobs files in flight across the model
// hosts, --shard i/n to spread a monorepo over CI jobs, and a run summary for every output format.
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Settings } from '../config/schema';
import type { Finding, LanguageKind } from '../core/types';
import { chooseModelBackend, type ModelBackend } from '../engine/model-backend';
import type { AnalysisPool } from '../engine/pool';
import { createModelGate } from '../engine/verify/model-gate';
import { createVerifier } from '../engine/verify/verifier';
import type { PredictOutcome, TracePredictor } from '../external/llm/types';
import type { VerifyPrepareInput, VerifyPrepareOutput } from '../workers/contracts';
import type { CliIO } from './io';

/** The diagnostic code verification gives a function whose model answers failed. */
export const INCOMPLETE_CODE = 'verification-incomplete';

export interface VerificationSummary {
  backend: 'ollama' | 'openai';
  model: string;
  /** Hosts used (trusted); refused ones are reported on stderr and not contacted. */
  hosts: string[];
  functionsVerified: number;
  /** Diagnostics with code verification-incomplete: functions whose model answers failed. */
  incomplete: number;
  /** Files whose verification stopped because the model failed, with the reason. */
  filesNotVerified: { file: string; reason: string }[];
  /** HTTP requests to the model (0 when every answer came from the cache). */
  modelCalls: number;
  cachedAnswers: number;
  promptTokens: number;
  outputTokens: number;
  elapsedMs: number;
  shard?: { index: number; count: number };
}

export interface VerifyDocument {
  /** Path relative to the working directory, with forward slashes. */
  rel: string;
  path: string;
  text: string;
  language: LanguageKind;
  staticFindings: readonly Finding[];
}

export interface VerifyFilesOptions {
  settings: Settings;
  pool: AnalysisPool;
  jobs: number;
  env: Record<string, string | undefined>;
  shard?: { index: number; count: number };
  /** Verification findings of one file, as soon as it is done. */
  onFile(doc: VerifyDocument, findings: Finding[]): void;
}

/** Parses "--shard i/n" (1-based i). */
export function parseShard(text: string): { index: number; count: number } | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return index >= 1 && count >= 1 && index <= count ? { index, count } : undefined;
}

/** Whether a file belongs to a shard: by a hash of its relative path, so the split depends on
 *  nothing but the path (not on the order or number of other files), and every file is in
 *  exactly one shard. */
export function inShard(rel: string, shard: { index: number; count: number }): boolean {
  const h = createHash('sha256').update(rel.split(path.sep).join('/')).digest();
  return h.readUInt32BE(0) % shard.count === shard.index - 1;
}

/** Where `check --verify` keeps model answers when orbit.ollama.cacheDir is empty. */
export function defaultCacheDir(env: Record<string, string | undefined>): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'orbit-ls', 'answers');
}

export async function verifyFiles(docs: readonly VerifyDocument[], options: VerifyFilesOptions, io: CliIO, signal: AbortSignal): Promise<VerificationSummary> {
  const started = performance.now();
  const { settings, pool } = options;
  const jobs = Math.max(1, options.jobs);
  const probe = chooseModelBackend(settings, options.env, { purpose: 'verify' });
  const trustedHosts = probe.hosts.filter((h) => h.trusted).map((h) => h.url);
  const choice = chooseModelBackend(settings, options.env, {
    purpose: 'verify',
    cacheDir: settings.ollama.cacheDir || defaultCacheDir(options.env),
    concurrency: Math.max(settings.ollama.concurrency, Math.ceil(jobs / Math.max(1, trustedHosts.length))),
    log: (m) => io.err(`${m}\n`),
  });
  for (const message of choice.refused) io.err(`orbit-ls: ${message}\n`);
  const summary: VerificationSummary = {
    backend: choice.kind,
    model: choice.model,
    hosts: trustedHosts,
    functionsVerified: 0,
    incomplete: 0,
    filesNotVerified: [],
    modelCalls: 0,
    cachedAnswers: 0,
    promptTokens: 0,
    outputTokens: 0,
    elapsedMs: 0,
    ...(options.shard ? { shard: options.shard } : {}),
  };
  const counted = counting(choice.backend, summary);
  const gate = createModelGate({ model: counted, notify: () => undefined, log: () => undefined, onRecovered: () => undefined });
  // Every function of the file, not the editor's per-save cap.
  const cliSettings: Settings = { ...settings, verify: { ...settings.verify, maxFunctions: Number.MAX_SAFE_INTEGER } };
  const verifier = createVerifier({
    prepare: async (input: VerifyPrepareInput, s: AbortSignal): Promise<VerifyPrepareOutput | undefined> => {
      const outcome = await pool.run('verifyPrepare', input, { signal: s, timeoutMs: Math.max(settings.analysisTimeoutMs, 60_000) });
      if (outcome.kind === 'failed') io.err(`orbit-ls: preparing ${input.document.fileName} for verification failed: ${outcome.message}\n`);
      return outcome.kind === 'done' ? outcome.value : undefined;
    },
    gate,
    log: (m) => io.err(`${m}\n`),
  });
  const progress = progressReporter(io, docs.length, summary);
  try {
    const health = await gate.start(signal);
    if (!health?.ok) {
      const reason = health?.message ?? 'the model is not available';
      io.err(`orbit-ls: model verification did not run: ${reason}\n`);
      summary.filesNotVerified = docs.map((d) => ({ file: d.rel, reason }));
      return summary;
    }
    let next = 0;
    const lanes = Array.from({ length: Math.min(jobs, docs.length) }, async () => {
      while (next < docs.length && !signal.aborted) {
        const doc = docs[next++] as VerifyDocument;
        const report = await verifier.verify(
          { doc: { uri: doc.path, version: 1, text: doc.text, language: doc.language }, settings: cliSettings, staticFindings: doc.staticFindings },
          signal,
        );
        verifier.forget(doc.path);
        if (!report) continue;
        summary.functionsVerified += report.verified;
        summary.incomplete += report.findings.filter((f) => f.ruleId === INCOMPLETE_CODE || f.ruleId.endsWith(`/${INCOMPLETE_CODE}`)).length;
        if (report.skipped) summary.filesNotVerified.push({ file: doc.rel, reason: report.skipped });
        options.onFile(doc, report.findings);
        progress.tick();
      }
    });
    await Promise.all(lanes);
    return summary;
  } finally {
    gate.dispose();
    choice.backend.abortAll();
    progress.clear();
    summary.elapsedMs = Math.round(performance.now() - started);
  }
}

/** Sums model requests, cache hits and tokens over every trace call. */
function counting(backend: ModelBackend, summary: VerificationSummary): ModelBackend {
  const add = (o: PredictOutcome): PredictOutcome => {
    if (o.kind === 'ok' && o.cached) summary.cachedAnswers++;
    if (o.kind === 'ok' || o.kind === 'unparseable') {
      summary.modelCalls += o.usage.requests;
      summary.promptTokens += o.usage.promptTokens;
      summary.outputTokens += o.usage.outputTokens;
    }
    return o;
  };
  const predictTrace: TracePredictor['predictTrace'] = async (request, options, signal) => add(await backend.predictTrace(request, options, signal));
  return Object.assign(Object.create(backend) as ModelBackend, { predictTrace, health: backend.health.bind(backend) });
}

/** Verification takes minutes on a large tree: a line on stderr every 10 s off a terminal, a
 *  redrawn line on one. */
function progressReporter(io: CliIO, total: number, summary: VerificationSummary): { tick(): void; clear(): void } {
  let done = 0;
  let last = performance.now();
  let shown = false;
  return {
    tick() {
      done++;
      const now = performance.now();
      const line = `orbit-ls: verified ${done}/${total} files, ${summary.functionsVerified} functions, ${summary.modelCalls} model calls`;
      if (io.progress) {
        if (now - last < 100) return;
        shown = true;
        io.err(`\r${line}`);
      } else {
        if (now - last < 10_000) return;
        io.err(`${line}\n`);
      }
      last = now;
    },
    clear() {
      if (shown) io.err('\r\u001b[K');
    },
  };
}
