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
