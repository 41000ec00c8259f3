// The statement-level checker used while a model writes a function body: the prefix so far, with
// its open blocks closed, is analysed as part of the whole document, so taint from earlier
// statements carries forward; anything new in the body is a violation of the newest statement.
import type { AnalysisError, Finding, Span } from '../types';
import { parseDocument } from '../source/parse';
import { buildTaintFacts } from '../security/engine';
import { runRules } from '../security/registry';
import type { ConstraintSet } from './set';
import type { CutPoint } from './splitter';
import { withBody, type RegenTarget } from './target';
import { missingValidation, policyViolations } from './policy';

export interface Violation {
  /** The broken constraint: a rule id, a policy id, or "syntax". */
  constraint: string;
  /** A sentence for the model and for the record, e.g. "User input … reaches db.all() (CWE-89)". */
  message: string;
  /** The offending statement as written. */
  statement: string;
  /** For taint findings whose data was prepared by an earlier, accepted statement: that
   *  statement's offset in the body, so a cut can go back far enough to let it be rewritten. */
  blame?: number;
}

export type CheckOutcome = { ok: true } | { ok: false; violations: Violation[] };

export type PrefixChecker = PrefixCheckerOf<CheckOutcome>;

export interface PrefixCheckerOf<Outcome> {
  /**
   * Checks the body text up to `cut` (the text since the last accepted cut is the newest
   * statement). Accepting is implicit: an ok outcome moves the accepted point to `cut.end`.
   */
  check(body: string, cut: CutPoint): Outcome;
  /** Where the last good statement ends (0 before any). */
  readonly acceptedEnd: number;
  /** Moves the accepted point back, after the engine cut the prefix there. */
  rewind(end: number): void;
  /** The last accepted point at or before `offset`. */
  acceptedBefore(offset: number): number;
}

export function createPrefixChecker(target: RegenTarget, set: ConstraintSet): PrefixChecker {
  // Each accepted point with the findings already present there (findings the original text
  // outside the body causes are not the model's doing and never count against it).
  const history: AcceptedPoint[] = [{ end: 0, keys: baselineKeys(target, set) }];
  return historyChecker(history, (body, cut, accepted) => checkStatement(target, set, body, cut, accepted));
}

/** One accepted point of a prefix: where it ends and the findings present there. Plain data, so
 *  the check of the next statement can run in another thread. */
export interface AcceptedPoint {
  end: number;
  keys: string[];
}

/** The findings an empty body already has: the original code's, never counted against the model. */
export function baselineKeys(target: RegenTarget, set: ConstraintSet): string[] {
  return analyseBody(target, set, '\n', 0).findings.map(keyOf);
}

/** The check of the newest statement (the text from `accepted.end` to `cut.end`); with an ok
 *  outcome, the findings present at the new accepted point. */
export function checkStatement(target: RegenTarget, set: ConstraintSet, body: string, cut: CutPoint, accepted: AcceptedPoint): StatementCheck {
  const { end: acceptedEnd } = accepted;
  const keys = new Set(accepted.keys);
  const statement = body.slice(acceptedEnd, cut.end).trim();
  const closed = body.slice(0, cut.end) + '\n' + cut.closers + '\n';
  const result = analyseBody(target, set, closed, acceptedEnd);
  const violations: Violation[] = [];
  if (result.syntax.length > 0) {
    // A newline cut is only a guess at a statement's end, and the scanner cannot follow JSX
    // text; a wrong guess is not the model's fault. The final verification still parses.
    if (cut.by === 'newline' || target.language === 'jsx' || target.language === 'tsx') return { outcome: { ok: true } };
    violations.push({ constraint: 'syntax', message: `is not valid code here (${result.syntax[0].message})`, statement });
  }
  for (const f of result.findings) {
    if (keys.has(keyOf(f))) continue;
    const before = f.flow && f.flow.length >= 2 ? f.flow[f.flow.length - 2].span.start - target.bodyStart : undefined;
    const blame = before !== undefined && before >= 0 && before < acceptedEnd ? before : undefined;
    violations.push({ constraint: f.ruleId, message: f.message, statement, ...(blame !== undefined ? { blame } : {}) });
  }
  for (const p of result.policy) violations.push({ constraint: p.id, message: p.message, statement });
  if (violations.length > 0) return { outcome: { ok: false, violations } };
  return { outcome: { ok: true }, keys: result.findings.map(keyOf) };
}

/** A statement check's answer: the outcome and, when the statement becomes an accepted point,
 *  the findings present there. */
export interface StatementCheck {
  outcome: CheckOutcome;
  keys?: string[];
}

/**
 * The bookkeeping of a prefix checker around a statement check: the accepted points, rewinding
 * and blame. `step` runs here (createPrefixChecker) or in a worker thread (the editor's
 * regeneration), so the bookkeeping is written once for both.
 */
export function historyChecker<T extends StatementCheck | Promise<StatementCheck>>(
  history: AcceptedPoint[],
  step: (body: string, cut: CutPoint, accepted: AcceptedPoint) => T,
): PrefixCheckerOf<T extends Promise<StatementCheck> ? Promise<CheckOutcome> : CheckOutcome> {
  const last = (): AcceptedPoint => history[history.length - 1];
  const accept = (cut: CutPoint, r: StatementCheck): CheckOutcome => {
    if (r.outcome.ok && r.keys) history.push({ end: cut.end, keys: r.keys });
    return r.outcome;
  };
  return {
    get acceptedEnd() {
      return last().end;
    },
    rewind(end) {
      while (history.length > 1 && last().end > end) history.pop();
    },
    acceptedBefore(offset) {
      return history.reduce((best, h) => (h.end <= offset && h.end > best ? h.end : best), 0);
    },
    check(body, cut) {
      const r = step(body, cut, last());
      return (r instanceof Promise ? r.then((v) => accept(cut, v)) : accept(cut, r as StatementCheck)) as never;
    },
  };
}

export interface BodyAnalysis {
  /** Findings inside the function body, spans relative to the body. */
  findings: Finding[];
  syntax: AnalysisError[];
  policy: { id: string; message: string; span: Span }[];
}

/**
 * Analyses the document with `body` in place of the target's body. Policy is checked from
 * `policyFrom` (a body offset) on; findings and syntax errors anywhere in the body count.
 * Suppression comments are deliberately not honoured: a model must not silence a rule.
 */
export function analyseBody(target: RegenTarget, set: ConstraintSet, body: string, policyFrom: number, requireValidation = false): BodyAnalysis {
  const text = withBody(target, body);
  const region: Span = { start: target.bodyStart, end: target.bodyStart + body.length };
  const errors: AnalysisError[] = [];
  const parsed = parseDocument(text, target.language, errors);
  const inRegion = (s: Span | undefined): boolean => !!s && s.start >= region.start && s.start <= region.end;
  if (!parsed) return { findings: [], syntax: [{ kind: 'syntax', message: errors[0]?.message ?? 'unparseable' }], policy: [] };
  const syntax = errors.filter((e) => e.kind === 'syntax' && inRegion(e.span));
  const facts = buildTaintFacts(parsed.sourceFile, { extraSources: set.extraSources });
  const all = runRules({ sourceFile: parsed.sourceFile, text, language: target.language, facts, levels: set.levels }, errors);
  const findings = all
    .filter((f) => inRegion(f.span))
    .map((f) => ({ ...f, span: { start: f.span.start - region.start, end: f.span.end - region.start } }));
  const policy: BodyAnalysis['policy'] = policyViolations(facts, set.policy, { start: region.start + policyFrom, end: region.end });
  if (requireValidation) {
    const missing = missingValidation(facts, set.policy, region);
    if (missing) policy.push(missing);
  }
  return { findings, syntax, policy };
}

function keyOf(f: Finding): string {
  return `${f.ruleId}:${f.span.start}:${f.span.end}`;
}
