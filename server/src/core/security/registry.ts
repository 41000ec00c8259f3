// Every rule orbit-ls knows, and running them over one file's facts with the configured levels.
import type ts from 'typescript';
import type { AnalysisError, Finding, LanguageKind, RuleLevel, Severity, Span } from '../types';
import type { TaintFacts } from './facts';
import type { Report, Rule, RuleContext, RuleMeta, TaintRule } from './rule';
import { reaches } from './taint';
import { spanOf } from './ast';
import { sqlInjection } from './rules/sql-injection';
import { commandInjection } from './rules/command-injection';
import { nosqlInjection } from './rules/nosql-injection';
import { codeInjection } from './rules/code-injection';
import { pathTraversal } from './rules/path-traversal';
import { xss } from './rules/xss';
import { logInjection } from './rules/log-injection';
import { openRedirect } from './rules/open-redirect';
import { ssrf } from './rules/ssrf';
import { prototypePollution } from './rules/prototype-pollution';
import { regexInjection } from './rules/regex-injection';
import { POLICY_RULES } from './rules/policy';
import { SUPPLY_CHAIN_RULES } from './rules/supply';

/** Taint rules first (they share the engine's facts), then the policy rules. */
const TAINT_RULES: readonly TaintRule[] = [
  sqlInjection,
  nosqlInjection,
  commandInjection,
  codeInjection,
  pathTraversal,
  xss,
  logInjection,
  openRedirect,
  ssrf,
  prototypePollution,
  regexInjection,
];

const RULES: readonly Rule[] = [...TAINT_RULES, ...POLICY_RULES, ...SUPPLY_CHAIN_RULES];

/** Metadata of every rule, for SARIF rule entries, diagnostic code descriptions and the settings schema. */
export function allRules(): RuleMeta[] {
  return RULES.map((r) => ({ ...r.meta, cwe: [...r.meta.cwe], ...(r.meta.taint ? { taint: { ...r.meta.taint } } : {}) }));
}

export function ruleById(id: string): RuleMeta | undefined {
  return RULES.find((r) => r.meta.id === id)?.meta;
}

export interface RunInput {
  sourceFile: ts.SourceFile;
  text: string;
  language: LanguageKind;
  facts: TaintFacts;
  levels: Record<string, RuleLevel>;
}

/** Runs every rule that is not off; a rule that throws costs its own findings, not the others'. */
export function runRules(input: RunInput, errors: AnalysisError[]): Finding[] {
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const level = input.levels[rule.meta.id] ?? rule.meta.defaultSeverity;
    if (level === 'off') continue;
    const ctx = contextFor(input, rule, level, findings);
    try {
      rule.check(ctx);
    } catch (err) {
      // A recursive walk over absurdly nested code is a limit of that rule, not a bug report.
      const overflow = err instanceof RangeError;
      errors.push({
        kind: overflow ? 'limit' : 'internal',
        message: overflow
          ? `Rule ${rule.meta.id} skipped this file: its code is nested too deeply.`
          : `Rule ${rule.meta.id} failed on this file and was skipped: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  }
  return findings;
}

function contextFor(input: RunInput, rule: Rule, severity: Severity, out: Finding[]): RuleContext {
  const seen = new Set<string>();
  return {
    sourceFile: input.sourceFile,
    text: input.text,
    language: input.language,
    facts: input.facts,
    taintAt(expr, kind) {
      const t = input.facts.taintOf(expr);
      return reaches(t, kind) ? t : undefined;
    },
    report(r: Report) {
      const span: Span = 'kind' in r.node ? spanOf(r.node) : r.node;
      const key = `${span.start}:${span.end}`;
      if (seen.has(key)) return;
      seen.add(key);
      const flow = r.taint ? [...r.taint.steps, { span, message: r.sink ?? 'reaches the sink' }] : undefined;
      out.push({
        ruleId: rule.meta.id,
        cwe: [...rule.meta.cwe],
        severity,
        message: `${r.message} (${rule.meta.cwe[0]})`,
        span,
        ...(flow ? { flow } : {}),
        fixes: r.fixes ?? [],
      });
    },
  };
}
