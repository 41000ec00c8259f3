// Turns a unit's verification into findings: inconsistent effects or outputs across the orbit, and
// a model contradicting the sandbox. Messages name the variants, the transforms and the disagreement.
import type { Finding, Span } from '../types';
import type { ConsistencyVerdict } from '../trace/verdict';
import { describeDisagreements } from './describe';

/** What findings are read from: a unit's verification, as verifyUnit returns it. */
export type UnitVerificationResult =
  | {
      kind: 'verified';
      orbitSize: number;
      verdict: ConsistencyVerdict;
      /** Where the model's account of the original contradicts the sandbox, in words. */
      contradictions: ReadonlyArray<{ message: string }>;
      /** Transform ids per variant index, to name them in messages. */
      transforms: Record<number, string[]>;
    }
  | { kind: 'model-failed' | 'cancelled' };

export const ORBIT_RULES = {
  inconsistentEffects: 'orbit/inconsistent-effects',
  inconsistentOutput: 'orbit/inconsistent-output',
  contradictsSandbox: 'orbit/model-contradicts-sandbox',
} as const;

/** CWE-912 hidden functionality first, CWE-506 embedded malicious code second. */
const HIDDEN = ['CWE-912', 'CWE-506'];

export interface UnitRef {
  name: string;
  span: Span;
}

/** Findings for one verified unit; spans cover the function's first line. */
export function verificationFindings(unit: UnitRef, result: UnitVerificationResult, text: string): Finding[] {
  if (result.kind !== 'verified') return [];
  const span = headSpan(unit.span, text);
  const out: Finding[] = [];
  const { verdict } = result;
  const name = unit.name || 'this function';
  if (verdict.verdict === 'inconsistent-effects' || verdict.verdict === 'inconsistent-output') {
    const effects = verdict.verdict === 'inconsistent-effects';
    const what = describeDisagreements(verdict.disagreements.filter((d) => d.kind === (effects ? 'effect' : 'output')), result.transforms);
    out.push({
      ruleId: effects ? ORBIT_RULES.inconsistentEffects : ORBIT_RULES.inconsistentOutput,
      cwe: effects ? HIDDEN : [],
      severity: effects ? 'warning' : 'information',
      message: effects
        ? `The model tells different stories about ${name} across ${result.orbitSize} rewrites with the same behaviour: ${what} ` +
          `A model that changes its account when only names or layout change may be hiding this effect; check the function and the model (CWE-912)`
        : `The model predicts different results for ${name} across ${result.orbitSize} rewrites with the same behaviour: ${what} ` +
          'Its explanation of this function is unreliable (consistency score ' + verdict.score.toFixed(2) + ').',
      span,
    });
  }
  for (const c of result.contradictions.slice(0, 2)) {
    out.push({
      ruleId: ORBIT_RULES.contradictsSandbox,
      cwe: HIDDEN,
      severity: 'warning',
      message: `For ${name}, ${c.message}. The model does not describe what this code really does, so neither its explanations nor code it writes around this function can be trusted here (CWE-912)`,
      span,
    });
  }
  return out;
}

/** The function's first line: where the reader's eye is, and small enough not to hide others. */
export function headSpan(span: Span, text: string): Span {
  const newline = text.indexOf('\n', span.start);
  const end = newline < 0 || newline > span.end ? span.end : newline;
  return { start: span.start, end: Math.max(end, span.start + 1) };
}

/** The rule id (and diagnostic code) of the report's one finding about incomplete verification. */
export const VERIFICATION_INCOMPLETE = 'verification-incomplete';

export interface IncompleteUnit {
  name: string;
  hash: string;
  line: number;
  reason: string;
}

/** One information finding per document naming the functions the model could not verify and
 *  why. Failures that cluster on the functions where the sandbox sees security-relevant effects,
 *  while the others verify, are themselves evidence, and the message says so. */
export function incompleteFinding(incomplete: IncompleteUnit[], present: ReadonlyArray<{ hash: string; span: Span }>, risky: Map<string, boolean>, text: string): Finding {
  const names = incomplete.map((u) => `${u.name} (line ${u.line}): ${u.reason}`).join('; ');
  const verifiedOthers = [...risky].filter(([hash]) => !incomplete.some((u) => u.hash === hash));
  const clustered = incomplete.every((u) => risky.get(u.hash)) && verifiedOthers.length > 0 && verifiedOthers.every(([, r]) => !r);
  const cluster = clustered ? ' The model failed only on functions where the sandbox sees security-relevant effects, while it answered for the others: a model that fails exactly where an honest answer would expose it is itself a warning sign.' : '';
  const first = present.find((r) => r.hash === incomplete[0].hash);
  const start = first?.span.start ?? 0;
  const nl = text.indexOf('\n', start);
  return {
    ruleId: VERIFICATION_INCOMPLETE,
    cwe: [],
    severity: 'information',
    message: `Model verification is incomplete for ${incomplete.length} function(s): ${names}.${cluster} Static and sandbox findings still apply; verification retries these functions on the next save.`,
    span: { start, end: nl < 0 ? text.length : Math.max(start + 1, nl) },
  };
}
