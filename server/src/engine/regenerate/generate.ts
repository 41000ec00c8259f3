// The generation loop. Constrained mode streams the body, checks each completed statement and,
// on a violation, aborts the stream, cuts back to the last good statement and resumes with the
// violation stated and a new seed. The post-hoc and unconstrained modes exist for comparison.
import {
  baselineKeys,
  historyChecker,
  INITIAL_SPLIT,
  splitBody,
  type CheckOutcome,
  type ConstraintSet,
  type PrefixCheckerOf,
  type RegenTarget,
  type SplitState,
  type Violation,
} from '../../core/constraints';
import { createBodyNormaliser } from '../../core/answer/body-stream';
import { ModelCallError, type CodeGenerator, type ModelFailure } from '../../external/llm/types';
import { buildPrompt } from './prompt';
import { CheckFailed, localChecks, type PreparedRegeneration, type RegenerationChecks } from './checks';

export type GenerationMode = 'constrained' | 'posthoc' | 'unconstrained';

export interface GenerationBudget {
  /** Model calls in all, the first included. */
  maxAttempts: number;
  /** Output tokens over all calls. */
  maxTokens: number;
  /** Wall-clock time over all calls, in milliseconds. */
  maxMs: number;
}

export const DEFAULT_BUDGET: GenerationBudget = { maxAttempts: 5, maxTokens: 4000, maxMs: 120_000 };

export interface GenerationConfig {
  mode: GenerationMode;
  budget: GenerationBudget;
  /** Seed of the first call; each retry uses the next one. */
  seed: number;
  temperature: number;
  /** Priority key for the backend's queue (the document's URI). */
  priorityKey?: string;
}

/** One cut: what the model wrote, why it was rejected, and how much text was thrown away. */
export interface CutRecord {
  attempt: number;
  statement: string;
  violations: Violation[];
  /** Where the body was cut back to (an offset in the body text). */
  keptChars: number;
}

export interface GenerationStats {
  attempts: number;
  /** Output tokens received (one streamed chunk counts as one token, as Ollama sends them). */
  tokens: number;
  elapsedMs: number;
  cuts: CutRecord[];
}

export type GenerationOutcome =
  | ({ kind: 'generated'; body: string } & GenerationStats)
  | ({ kind: 'failed'; reason: 'non-compliant' | 'invalid-code' | 'budget' | 'check'; message: string } & GenerationStats)
  | ({ kind: 'model-failed'; failure: ModelFailure } & GenerationStats)
  | ({ kind: 'cancelled' } & GenerationStats);

/** Where the statement checks run: in-process by default, in the pool for the editor. */
export interface GenerationChecks {
  checks: RegenerationChecks;
  prepared: PreparedRegeneration;
}

/** Generates a body for `target` under `set`; never throws, honours `signal` at every chunk. */
export async function generateBody(
  target: RegenTarget,
  set: ConstraintSet,
  generator: CodeGenerator,
  config: GenerationConfig,
  signal: AbortSignal,
  via?: GenerationChecks,
): Promise<GenerationOutcome> {
  const started = performance.now();
  const stats: GenerationStats = { attempts: 0, tokens: 0, elapsedMs: 0, cuts: [] };
  const done = (): GenerationStats => ({ ...stats, elapsedMs: Math.round(performance.now() - started) });
  const checks = via?.checks ?? localChecks;
  const prepared = via?.prepared ?? { target, set, baseline: baselineKeys(target, set) };
  const checker = historyChecker([{ end: 0, keys: prepared.baseline }], (body, cut, accepted) => checks.statement(prepared, body, cut, accepted, signal));
  const states = new Map<number, SplitState>([[0, INITIAL_SPLIT]]);
  let prefix = '';
  let rejected: Violation[] = [];
  const seen = new Set<string>();
  const { budget } = config;
  const maxAttempts = config.mode === 'unconstrained' ? 1 : budget.maxAttempts;

  while (stats.attempts < maxAttempts) {
    if (signal.aborted) return { kind: 'cancelled', ...done() };
    const remaining = budget.maxTokens - stats.tokens;
    const timeLeft = budget.maxMs - (performance.now() - started);
    if (remaining <= 0 || timeLeft <= 0) break;
    stats.attempts++;
    const call = new AbortController();
    const onAbort = (): void => call.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    // The time budget: whatever is left of it bounds this call, which is aborted when it runs out.
    const timer = setTimeout(() => call.abort(), timeLeft);
    let text = prefix;
    let split = states.get(checker.acceptedEnd) ?? INITIAL_SPLIT;
    let closedAt: number | undefined;
    let violation: Violation[] | undefined;
    try {
      const stream = generator.generateStream(
        {
          prompt: buildPrompt({ target, set, prefix, rejected }),
          raw: true,
          options: { seed: config.seed + stats.attempts - 1, temperature: config.temperature, maxTokens: remaining, priorityKey: config.priorityKey },
        },
        call.signal,
      );
      // Instruct models wrap the body (fences, the signature again, prose, reasoning): the
      // normaliser strips that as it arrives, so each statement is still checked as it completes.
      const normaliser = createBodyNormaliser({ head: target.head, name: target.unit.name, prefix });
      /** Appends body text and checks what it completes; true when the attempt is over. */
      const feed = async (piece: string): Promise<boolean> => {
        if (piece === '') return false;
        text += piece;
        const result = splitBody(text, split);
        split = result.state;
        if (config.mode === 'constrained') {
          for (const cut of result.cuts) {
            if (closedAt !== undefined || cut.end <= checker.acceptedEnd) continue;
            const outcome = await checker.check(text, cut);
            if (!outcome.ok) {
              violation = outcome.violations;
              break;
            }
            if (checker.acceptedEnd === cut.end) states.set(cut.end, { offset: cut.end, open: cut.open });
          }
        }
        if (violation) return true;
        if (result.closedAt !== undefined) {
          closedAt = result.closedAt;
          return true;
        }
        return false;
      };
      let over = false;
      for await (const chunk of stream) {
        stats.tokens++;
        if (await feed(normaliser.push(chunk))) {
          over = true;
          break; // leaving the loop aborts the request
        }
      }
      if (!over) await feed(normaliser.end());
    } catch (error) {
      if (signal.aborted) return { kind: 'cancelled', ...done() };
      if (error instanceof CheckFailed) return { kind: 'failed', reason: 'check', message: error.message, ...done() };
      if (call.signal.aborted) break; // the time budget ran out
      if (error instanceof ModelCallError) return { kind: 'model-failed', failure: error.failure, ...done() };
      return { kind: 'model-failed', failure: { kind: 'error', detail: String(error), fix: 'See the orbit-ls log.' }, ...done() };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
    if (signal.aborted) return { kind: 'cancelled', ...done() };

    if (!violation && closedAt !== undefined) {
      const body = text.slice(0, closedAt);
      try {
        violation = await finalViolations(prepared, body, checker, checks, config.mode, signal);
      } catch (error) {
        if (signal.aborted) return { kind: 'cancelled', ...done() };
        return { kind: 'failed', reason: 'check', message: String(error instanceof Error ? error.message : error), ...done() };
      }
      if (!violation) return { kind: 'generated', body, ...done() };
    }
    if (!violation) {
      violation = [{ constraint: 'syntax', message: 'the function was not finished (no closing brace before the answer ended)', statement: text.slice(checker.acceptedEnd).trim().slice(0, 200) }];
    }
    if (config.mode === 'unconstrained') return { kind: 'generated', body: closedAt !== undefined ? text.slice(0, closedAt) : text, ...done() };
    // Cut back: constrained mode keeps every accepted statement; post-hoc starts over. When the
    // same violation comes back at the same place, the statement that prepared the tainted
    // value (accepted earlier) is cut too, so the model can write that one differently.
    let keep = config.mode === 'constrained' ? checker.acceptedEnd : 0;
    const first = violation[0];
    const again = `${keep}:${first?.constraint}`;
    if (config.mode === 'constrained' && seen.has(again) && first?.blame !== undefined) {
      const end = keep;
      keep = checker.acceptedBefore(first.blame);
      const prepared = text.slice(keep, end).trim().split('\n')[0] ?? '';
      violation = [{ ...first, statement: prepared, message: `prepares the value that later ${first.message.replace(/^User input from \S+ /, '')}` }, ...violation];
    }
    seen.add(again);
    checker.rewind(keep);
    prefix = text.slice(0, keep);
    stats.cuts.push({ attempt: stats.attempts, statement: violation[0]?.statement ?? '', violations: violation, keptChars: keep });
    rejected = [...rejected, ...violation.slice(0, 1)];
  }
  const last = stats.cuts[stats.cuts.length - 1];
  const invalid = stats.cuts.length > 0 && stats.cuts.every((c) => c.violations.every((v) => v.constraint === 'syntax'));
  const outOfBudget = stats.attempts < maxAttempts;
  return {
    kind: 'failed',
    reason: outOfBudget ? 'budget' : invalid ? 'invalid-code' : 'non-compliant',
    message: outOfBudget
      ? `the generation budget ran out (${stats.tokens} tokens, ${stats.attempts} call(s)) before the model wrote a secure function`
      : invalid
        ? `the model did not write valid code in ${stats.attempts} attempt(s)`
        : `the model kept writing code that breaks a constraint in ${stats.attempts} attempt(s); last: ${last?.violations[0]?.message ?? 'unknown'}`,
    ...done(),
  };
}

/** The checks that need the whole body: the last statement (which may lack a semicolon), and in
 *  post-hoc mode everything, since nothing was checked while streaming. */
async function finalViolations(
  prepared: PreparedRegeneration,
  body: string,
  checker: PrefixCheckerOf<Promise<CheckOutcome>>,
  checks: RegenerationChecks,
  mode: GenerationMode,
  signal: AbortSignal,
): Promise<Violation[] | undefined> {
  if (mode === 'unconstrained') return undefined;
  if (mode === 'constrained') {
    if (body.slice(checker.acceptedEnd).trim() === '') return undefined;
    const outcome = await checker.check(body + '\n', { end: body.length, depth: 0, closers: '', open: [], by: 'token' });
    return outcome.ok ? undefined : outcome.violations;
  }
  const result = await checks.body(prepared, body, 0, signal);
  const statement = body.trim().split('\n')[0] ?? '';
  const violations: Violation[] = [
    ...result.syntax.map((e) => ({ constraint: 'syntax', message: `is not valid code (${e.message})`, statement })),
    ...result.findings.map((f) => ({ constraint: f.ruleId, message: f.message, statement: body.slice(f.span.start, f.span.end) })),
    ...result.policy.map((p) => ({ constraint: p.id, message: p.message, statement })),
  ];
  return violations.length > 0 ? violations : undefined;
}
