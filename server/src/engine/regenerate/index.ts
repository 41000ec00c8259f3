// "Regenerate securely": find the function around a finding or selection, generate a new body under
// the security constraints, verify it, and return a minimal edit tagged with the document version.
import { findTarget, formatBody, type RegenTarget } from '../../core/constraints';
import type { LanguageKind, RuleLevel, Span, TextEdit } from '../../core/types';
import type { CodeGenerator, ModelFailure } from '../../external/llm/types';
import type { Settings } from '../../config/schema';
import { generateBody, type CutRecord, type GenerationMode } from './generate';
import type { Verification } from '../../workers/contracts';
import { CheckFailed, localChecks, type RegenerationChecks } from './checks';

export { generateBody, DEFAULT_BUDGET, type CutRecord, type GenerationMode, type GenerationOutcome } from './generate';
export { verifyBody } from '../../workers/in-process';
export type { Verification } from '../../workers/contracts';
export { localChecks, poolChecks, type RegenerationChecks } from './checks';
export { buildPrompt, SECURE_VERSION_MARKER } from './prompt';

export interface RegenerateRequest {
  uri: string;
  version: number;
  fileName: string;
  text: string;
  language: LanguageKind;
  /** The finding's span, or the user's selection. */
  span: Span;
  /** The finding being fixed, when the action came from a diagnostic. */
  finding?: { ruleId: string; message: string };
}

export interface RegenerateOptions {
  settings: Settings;
  generator: CodeGenerator;
  mode?: GenerationMode;
  seed?: number;
  /** Where parsing, rule checks and the sandbox run; in-process unless given (the server gives
   *  pool tasks, so its main thread never parses). */
  checks?: RegenerationChecks;
}

export type RegenerateResult =
  | { kind: 'edit'; uri: string; version: number; edit: TextEdit; title: string; cuts: CutRecord[]; attempts: number; tokens: number; elapsedMs: number; verification: Verification }
  | { kind: 'failed'; uri: string; version: number; message: string; cuts: CutRecord[]; failure?: ModelFailure }
  | { kind: 'cancelled'; uri: string; version: number };

/** The title of the action before anything is generated: what it will change. */
export function regenerationTitle(target: { unit: { name: string } }, finding?: { ruleId: string }): string {
  const what = finding ? ` to remove ${finding.ruleId}` : ' under the security rules';
  return `Regenerate securely (orbit-ls): rewrite the body of ${target.unit.name}${what}`;
}

/** Where regeneration would apply, or undefined when the span is not inside a function with a body.
 *  Parses on the calling thread. */
export function regenerationTarget(req: Pick<RegenerateRequest, 'fileName' | 'text' | 'language' | 'span'>): RegenTarget | undefined {
  return findTarget(req.fileName, req.text, req.span, req.language);
}

export async function regenerate(req: RegenerateRequest, options: RegenerateOptions, signal: AbortSignal): Promise<RegenerateResult> {
  const base = { uri: req.uri, version: req.version };
  try {
    return await regenerateWith(req, options, options.checks ?? localChecks, signal);
  } catch (error) {
    // Only a check that could not run lands here (a worker crashed or timed out); bad code never does.
    if (signal.aborted) return { kind: 'cancelled', ...base };
    const detail = error instanceof CheckFailed ? error.message : String(error);
    return { kind: 'failed', ...base, message: `Regenerate securely could not check the code: ${detail}. The code was not changed.`, cuts: [] };
  }
}

async function regenerateWith(req: RegenerateRequest, options: RegenerateOptions, checks: RegenerationChecks, signal: AbortSignal): Promise<RegenerateResult> {
  const base = { uri: req.uri, version: req.version };
  const s = options.settings;
  const constraints = {
    levels: s.rules as Record<string, RuleLevel>,
    focus: req.finding,
    policy: { bannedModules: [...s.regenerate.bannedModules], bannedCalls: [...s.regenerate.bannedCalls], requiredValidation: [...s.regenerate.requiredValidation] },
    extraSources: [...s.extraSources],
  };
  const prepared = await checks.prepare({ fileName: req.fileName, text: req.text, language: req.language, span: req.span, constraints }, signal);
  if (!prepared) return { kind: 'failed', ...base, message: 'Regenerate securely works on a function with a block body; put the cursor inside one.', cuts: [] };
  const { target, set } = prepared;
  const outcome = await generateBody(
    target,
    set,
    options.generator,
    {
      mode: options.mode ?? 'constrained',
      budget: { maxAttempts: s.regenerate.maxAttempts, maxTokens: s.regenerate.maxTokens, maxMs: s.regenerate.timeoutMs },
      seed: options.seed ?? 1,
      temperature: 0.2,
      priorityKey: req.uri,
    },
    signal,
    { checks, prepared },
  );
  if (outcome.kind === 'cancelled') return { kind: 'cancelled', ...base };
  if (outcome.kind === 'model-failed') return { kind: 'failed', ...base, message: modelMessage(outcome.failure), cuts: outcome.cuts, failure: outcome.failure };
  if (outcome.kind === 'failed' && outcome.reason === 'check') throw new CheckFailed(outcome.message);
  if (outcome.kind === 'failed') return { kind: 'failed', ...base, message: `No secure version was found: ${outcome.message}. The code was not changed.`, cuts: outcome.cuts };
  const body = formatBody(target, outcome.body);
  const verification = await checks.verify(prepared, body, { ruleId: req.finding?.ruleId, sandbox: s.regenerate.sandbox }, signal);
  if (signal.aborted) return { kind: 'cancelled', ...base };
  if (!verification.ok) {
    return { kind: 'failed', ...base, message: `The regenerated function failed verification (${verification.problems.join('; ')}); it was not applied.`, cuts: outcome.cuts };
  }
  return {
    kind: 'edit',
    ...base,
    edit: { span: { start: target.bodyStart, end: target.bodyEnd }, newText: body },
    title: regenerationTitle(target, req.finding),
    cuts: outcome.cuts,
    attempts: outcome.attempts,
    tokens: outcome.tokens,
    elapsedMs: outcome.elapsedMs,
    verification,
  };
}

function modelMessage(failure: ModelFailure): string {
  const fix = 'fix' in failure ? ` ${failure.fix}` : '';
  return `Regenerate securely needs the model, which failed: ${failure.detail.replace(/\.$/, '')}.${fix}`;
}
