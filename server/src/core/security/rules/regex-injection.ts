// CWE-1333/CWE-400: a regular expression built from user input, which can be a catastrophic
// pattern like (a+)+$ that blocks the event loop. Escaping the input makes it a literal match.
import ts from 'typescript';
import type { CallSite } from '../facts';
import { cweUrl, type TaintRule, type RuleContext } from '../rule';
import { unwrap } from '../ast';
import { calleeText } from '../sinks';

const STRING_REGEX_METHODS = new Set(['match', 'matchAll', 'search']);
const ESCAPE = (code: string): string => `String(${code}).replace(/[.*+?^\${}()|[\\]\\\\]/g, '\\\\$&')`;

export const regexInjection: TaintRule = {
  meta: {
    id: 'regex-injection',
    cwe: ['CWE-1333', 'CWE-400'],
    defaultSeverity: 'error',
    title: 'Regular expression injection',
    description:
      'A regular expression is built from user input, so a pattern like `(a+)+$` can take exponential time and stall the server. Escape the input so it matches literally.',
    docsUrl: cweUrl('CWE-1333'),
    hasFix: true,
    constraint: 'Never build a regular expression from request data without escaping it.',
    taint: { sink: 'regex', sinkNoun: 'a regular expression', attackPayload: null },
  },
  check(ctx) {
    for (const call of ctx.facts.calls) {
      const arg = patternArg(ctx, call);
      if (!arg) continue;
      const taint = ctx.taintAt(arg, 'regex');
      if (!taint) continue;
      ctx.report({
        node: arg,
        message: `User input from ${taint.label} is compiled into a regular expression by ${calleeText(call)}`,
        taint,
        sink: `compiled by ${calleeText(call)}`,
        fixes: [{ title: 'Escape the input so it matches literally', edits: [{ span: { start: arg.getStart(), end: arg.getEnd() }, newText: ESCAPE(arg.getText()) }] }],
      });
    }
  },
};

function patternArg(ctx: RuleContext, call: CallSite): ts.Expression | undefined {
  if (call.name === 'RegExp' && !call.qualifier) return call.args[0];
  if (STRING_REGEX_METHODS.has(call.name) && call.receiver && call.args.length === 1 && isStringy(ctx, call.receiver)) return call.args[0];
  return undefined;
}

/**
 * `.search()` and `.match()` also name search-engine clients and services (index.search(q)):
 * only receivers that are visibly strings count.
 */
function isStringy(ctx: RuleContext, receiver: ts.Expression): boolean {
  const r = unwrap(receiver);
  if (ts.isStringLiteralLike(r) || ts.isTemplateExpression(r) || ctx.facts.taintOf(r)) return true;
  if (ts.isCallExpression(r)) return /^(String|toString|toLowerCase|toUpperCase|trim|join|slice|substring|readFileSync)$/.test(r.expression.getText().split('.').pop() ?? '');
  const name = r.getText().split('.').pop() ?? '';
  return /^[A-Z][A-Z0-9_]*$/.test(name) || /^(text|str|string|content|contents|line|lines|input|value|name|title|body|message|description)$/i.test(name);
}
