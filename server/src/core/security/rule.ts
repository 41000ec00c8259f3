// The rule interface. A rule is one file under rules/ exporting a `Rule`: plain metadata plus a
// `check` that reads the parsed file and the taint facts and calls `ctx.report` for each problem.
//
// Writing a rule:
//   - `ctx.sourceFile` is the TypeScript AST (parent links set); `ctx.text` the document text.
//   - `ctx.facts.calls` lists every call and `new` in the file with its callee name, receiver text
//     and, when the file imports it, the module it comes from (`callee.module`, `callee.path`).
//   - `ctx.taintAt(expr, kind)` says whether untrusted data reaches `expr` without having been
//     sanitised for that sink kind; its `label` names the source and `steps` the path.
//   - `ctx.report({ node, message, taint, sink, fixes })` adds a finding. `message` is a sentence
//     without the CWE; the primary CWE is appended as " (CWE-n)". `sink` describes the last hop.
//   - Non-taint rules filter `ctx.facts.calls` or walk `ctx.sourceFile` with `forEachNode` from
//     ast.ts, which is iterative: a recursive walk overflows on deeply nested code.
// Register the rule in registry.ts. A taint rule is a `TaintRule`: its metadata also names its sink
// (`taint`) and the instruction regeneration gives the model (`constraint`). Rules must be pure and
// must not throw on odd code: a throw is caught and reported as an internal error, and the other
// rules still run.
import type ts from 'typescript';
import type { Fix, LanguageKind, Severity, Span } from '../types';
import type { TaintFacts } from './facts';
import type { SinkKind, Taint } from './taint';

export interface RuleMeta {
  /** Stable id used in settings, suppressions and diagnostics: "sql-injection". */
  id: string;
  /** "CWE-89" form; the first is the primary one. */
  cwe: string[];
  defaultSeverity: Severity;
  /** A short title: "SQL injection". */
  title: string;
  /** One or two sentences for docs, SARIF and hovers. */
  description: string;
  /** https://cwe.mitre.org/data/definitions/N.html for the primary CWE. */
  docsUrl: string;
  /** Whether findings of this rule usually carry a deterministic quick fix. */
  hasFix: boolean;
  /**
   * What the rule forbids, phrased as an instruction to a model writing code (regeneration's
   * constraint set). Without it the constraint reads "Avoid <title> (<CWE>)."
   */
  constraint?: string;
  /** What the rule's sink is, for the code outside the rule that speaks about it; taint rules only. */
  taint?: TaintMeta;
}

/** The sink of a taint rule, as cross-file summaries, messages and fix verification need it. */
export interface TaintMeta {
  /** The sink kind the rule checks, so cleansing on the way (in a caller, in another file) is compared with it. */
  sink: SinkKind;
  /** The sink as a noun phrase in a sentence: "User input from req.query.id reaches a SQL query in …". */
  sinkNoun: string;
  /**
   * What an attacker sends when a regenerated body is checked in the sandbox: in the original it
   * reaches the query, command, path or evaluated code, and in the new body it must not. `null`
   * when no attack is run for this rule.
   */
  attackPayload: string | null;
}

export interface Report {
  /** The sink argument or call, or an explicit span. */
  node: ts.Node | Span;
  /** A sentence without the trailing CWE, e.g. "User input from req.query.id reaches …". */
  message: string;
  /** For taint findings: the path is turned into the finding's flow, source first. */
  taint?: Taint;
  /** Text of the sink step in the flow, e.g. "reaches db.all()". */
  sink?: string;
  fixes?: Fix[];
}

export interface RuleContext {
  sourceFile: ts.SourceFile;
  text: string;
  language: LanguageKind;
  facts: TaintFacts;
  /** The taint reaching `expr` that has not been sanitised for `kind`, if any. */
  taintAt(expr: ts.Node, kind: SinkKind): Taint | undefined;
  report(report: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}

/** A rule that follows untrusted data to a sink: it must say what its sink is and what it forbids. */
export interface TaintRule extends Rule {
  meta: RuleMeta & { constraint: string; taint: TaintMeta };
}

/** Builds the docs URL for a CWE id ("CWE-89" → https://cwe.mitre.org/data/definitions/89.html). */
export function cweUrl(cwe: string): string {
  return `https://cwe.mitre.org/data/definitions/${cwe.replace(/^CWE-/, '')}.html`;
}
