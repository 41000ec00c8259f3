// User policy as checks on code: banned modules and calls inside a span of the document, and the
// required validation call somewhere in the function.
import ts from 'typescript';
import type { Span } from '../types';
import type { TaintFacts } from '../security/facts';
import type { Policy } from './set';

export interface PolicyViolation {
  id: 'policy/banned-module' | 'policy/banned-call' | 'policy/required-validation';
  message: string;
  span: Span;
}

/** Banned modules and calls used by code inside `span`. */
export function policyViolations(facts: TaintFacts, policy: Policy, span: Span): PolicyViolation[] {
  if (policy.bannedModules.length === 0 && policy.bannedCalls.length === 0) return [];
  const sf = facts.sourceFile;
  const out: PolicyViolation[] = [];
  for (const call of facts.calls) {
    const start = call.node.getStart(sf);
    if (start < span.start || call.node.end > span.end) continue;
    const at = { start, end: call.node.end };
    const specifier = requiredModule(call.node);
    const module = specifier ?? call.callee?.module;
    if (module && policy.bannedModules.includes(module)) {
      out.push({ id: 'policy/banned-module', message: `uses the module "${module}", which orbit.regenerate.bannedModules forbids`, span: at });
      continue;
    }
    const callee = call.node.expression.getText(sf).replace(/\s+/g, '');
    const dotted = call.callee ? [call.callee.module, ...call.callee.path.filter((p) => p !== '()')].join('.') : undefined;
    const banned = policy.bannedCalls.find((b) => (b.includes('.') ? callee === b || dotted === b || callee.endsWith(`.${b}`) : call.name === b));
    if (banned) out.push({ id: 'policy/banned-call', message: `calls ${banned}(), which orbit.regenerate.bannedCalls forbids`, span: at });
  }
  return out;
}

/** When validation is required, whether the code inside `span` calls one of the named validators. */
export function missingValidation(facts: TaintFacts, policy: Policy, span: Span): PolicyViolation | undefined {
  if (policy.requiredValidation.length === 0) return undefined;
  const sf = facts.sourceFile;
  const called = facts.calls.some((call) => {
    if (call.node.getStart(sf) < span.start || call.node.end > span.end) return false;
    const callee = call.node.expression.getText(sf).replace(/\s+/g, '');
    return policy.requiredValidation.some((v) => callee === v || callee.endsWith(`.${v}`) || call.name === v);
  });
  return called
    ? undefined
    : { id: 'policy/required-validation', message: `does not validate its input with ${policy.requiredValidation.join(' or ')} (orbit.regenerate.requiredValidation)`, span };
}

function requiredModule(node: ts.CallExpression | ts.NewExpression): string | undefined {
  if (!ts.isCallExpression(node)) return undefined;
  const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
  const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
  const arg = node.arguments[0];
  return (isRequire || isImport) && arg && ts.isStringLiteralLike(arg) ? arg.text : undefined;
}
