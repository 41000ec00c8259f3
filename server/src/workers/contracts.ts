// The contracts of the worker tasks: what each task takes and returns, as plain structured-clone-safe
// data. The engine and the CLI import these types from here, never from a task's implementation;
// the catalogue in tasks.ts still says which function runs under which name.
import type { FunctionUnit } from '../core/source/units';
import type { VariantMapping } from '../core/trace/normalise';
import type { JsonValue, Trace } from '../core/trace/schema';
import type { AnalysisError, Finding } from '../core/types';
import type { SandboxLimits } from '../external/sandbox/runner';
import type { ModuleSummary } from '../core/workspace/types';
import type { AnalysisResult, StaticOptions } from '../core/types';
import type { DocumentInput } from '../core/static-analysis';

// ── sandbox: the sandbox pass over one document ────────────────────────────────────────────────

export interface SandboxTaskInput {
  fileName: string;
  text: string;
  /** Per-run limits; unset ones keep their defaults (orbit.sandbox.timeMs maps to timeMs). */
  limits?: Partial<SandboxLimits>;
  /** Also report network and process use on ordinary inputs. */
  unexpectedEffects?: boolean;
  /** Only these unit hashes are traced (the changed ones); all when absent. */
  onlyHashes?: string[];
  maxUnits?: number;
  /** Wall-clock budget for the document in milliseconds (default 20 s). */
  budgetMs?: number;
}

export interface SandboxTaskResult {
  findings: Finding[];
  errors: AnalysisError[];
  unitsTraced: number;
  unitsCached: number;
  runs: number;
  elapsedMs: number;
}

// ── verifyPrepare: what verification needs before the model is asked ──────────────────────────

export interface VerifyPrepareInput {
  document: { fileName: string; text: string };
  /** Only units with these hashes are prepared (all are listed in `present`); every function
   *  unit when omitted. The engine asks for a few at a time so static analyses interleave. */
  onlyHashes?: string[];
  /** Rewrites built per unit (the largest orbit the verification may use). */
  maxOrbit: number;
  deltaMin: number;
  maxInputs: number;
  sandboxTimeMs: number;
}

/** One program of {P} ∪ O as the model sees it, with the map of its trace back to P. */
export interface PreparedProgram {
  /** 0 for the original, i for variant i. */
  index: number;
  program: string;
  transforms: string[];
  mapping: VariantMapping;
}

export interface PreparedUnit {
  unit: UnitRef;
  /** programs[0] is the original; the rest are the orbit in order, so a prefix is a smaller orbit. */
  programs: PreparedProgram[];
  inputs: JsonValue[][];
  /** The sandbox's traces of the original on each input (normalised); null where it cannot run. */
  truth: Trace[] | null;
  /** Security-relevant effects the sandbox saw, described, e.g. "network https://x". */
  securityEffects: string[];
  /** Characters of the unit: larger functions hide more. */
  size: number;
  /** What the sandbox pass reports for this unit, from the same runs the inputs were chosen
   *  from (spans in the document), so verification reports what the sandbox saw. */
  sandboxFindings: Finding[];
  /** The sandbox's runs reached every effect-bearing branch of the unit: its traces are the
   *  whole truth, so a model that disagrees with them here is measured as wrong. */
  sandboxCovered: boolean;
}

export type UnitRef = Pick<FunctionUnit, 'id' | 'name' | 'hash' | 'span' | 'line'>;

export interface VerifyPrepareOutput {
  units: PreparedUnit[];
  /** Every function unit of the document, prepared or not, in document order. */
  present: UnitRef[];
  errors: AnalysisError[];
}

// ── checkPackage: one npm package's behaviour at install and load ─────────────────────────────

export interface PackageFile {
  /** Path as the caller reports it (absolute or relative). */
  path: string;
  text: string;
  /** How the file runs: "loaded" for the main entry, "run by the postinstall script" … */
  when: string;
}

export interface CheckPackageInput {
  packageJson?: { path: string; text: string };
  files: PackageFile[];
  /** Run the files' top level in the sandbox. */
  sandbox: boolean;
  /** Also run the static supply-chain rules over the files (the caller may run every rule itself). */
  staticRules: boolean;
  timeMs?: number;
}

export interface PackageFileResult {
  path: string;
  findings: Finding[];
  errors: AnalysisError[];
}

export interface CheckPackageResult {
  name?: string;
  files: PackageFileResult[];
  runs: number;
  elapsedMs: number;
}

// Regeneration's tasks: finding the function, checking a statement or a body, verifying the result.
export type { RegenerationPrepareInput, PreparedRegeneration } from './tasks/regeneration-prepare';
export type { RegenerationCheckInput, RegenerationCheckOutput } from './tasks/regeneration-check';
export type { Verification, VerifyOptions } from './tasks/regeneration-verify';

// ── moduleSummary: module summaries for the workspace index ─────────────────────────────────────

export interface ModuleSummaryInput {
  /** A few modules at a time, so a typing-time analysis never waits long behind the index. */
  modules: { fileName: string; text: string; deps: Record<string, ModuleSummary>; policyOnly?: boolean }[];
}

export interface ModuleSummaryResult {
  summaries: ModuleSummary[];
}

// ── analyzeStaticBatch: the static pass over several documents in one task (check) ─────────────

export interface AnalyzeStaticBatchInput {
  /** Each as `analyzeStatic` takes it, with its text. */
  documents: { document: DocumentInput; options: StaticOptions }[];
  /** One Int32 over a SharedArrayBuffer: set to i + 1 as document i starts, so the caller can tell
   *  which document a thread that stops answering is on. */
  progress: Int32Array;
}

/** One document's result: what `analyzeStatic` returned, or the message of what it threw. */
export type BatchItem = { ok: true; value: AnalysisResult; elapsedMs: number } | { ok: false; message: string };
