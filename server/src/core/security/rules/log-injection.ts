// CWE-117: user input written to a log line as text, so embedded newlines forge entries that
// look like the server's own. Structured fields and neutralised newlines are safe.
import ts from 'typescript';
import type { CallSite } from '../facts';
import { fixOf, wrapTainted } from '../fixes/wrap';
import { cweUrl, type TaintRule } from '../rule';
import { calleeText } from '../sinks';
import { unwrap } from '../ast';
import type { TaintFacts } from '../facts';
import { definitionOf } from './policy/util';

const LEVELS = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace', 'fatal', 'verbose', 'http', 'silly', 'notice']);
const LOGGER = /^(console|logger|log|this\.logger|this\.log|req\.log|request\.log|fastify\.log|app\.log|ctx\.log|winston|pino|server\.log)$/;

export const logInjection: TaintRule = {
  meta: {
    id: 'log-injection',
    cwe: ['CWE-117'],
    defaultSeverity: 'warning',
    title: 'Log injection',
    description:
      'User input is written into a log message as text, so a value containing newlines can forge log entries. Log it as a structured field or remove CR and LF first.',
    docsUrl: cweUrl('CWE-117'),
    hasFix: true,
    constraint: 'Strip line breaks from request data before logging it.',
    taint: { sink: 'log', sinkNoun: 'a log entry', attackPayload: null },
  },
  check(ctx) {
    for (const call of ctx.facts.calls) {
      if (!isLogCall(call)) continue;
      for (const arg of call.args) {
        const value = unwrap(arg);
        // Objects are serialised by the logger (JSON or util.inspect), which escapes newlines.
        if (ts.isObjectLiteralExpression(value) || ts.isArrayLiteralExpression(value)) continue;
        if (fieldOfCallResult(value, ctx.facts)) continue;
        const taint = ctx.taintAt(arg, 'log');
        if (!taint || (taint.direct && /\.(body|query|params|headers|cookies)$/.test(taint.label))) continue;
        const fix = fixOf('Remove line breaks from the logged value', wrapTainted(ctx, arg, 'log', (c) => `String(${c}).replace(/[\\r\\n]+/g, ' ')`));
        ctx.report({ node: arg, message: `User input from ${taint.label} is written to the log by ${calleeText(call)} without removing line breaks`, taint, sink: `logged by ${calleeText(call)}`, fixes: fix ? [fix] : [] });
        break;
      }
    }
  },
};

function isLogCall(call: CallSite): boolean {
  return LEVELS.has(call.name) && call.qualifier !== undefined && LOGGER.test(call.qualifier);
}

/** Calls whose result is the request's own text (or parsed from it), so a field of it still is. */
const TEXT_CALLS = /^(JSON\.parse|String|decodeURI|decodeURIComponent|unescape|querystring\.parse|qs\.parse|Buffer\.from|[\w.]*\.(toString|trim\w*|replace\w*|slice|substring?|split|concat|join|toLowerCase|toUpperCase|normalize|padStart|padEnd)|util\.format|format)$/;

/**
 * `console.error('failed:', verification.registrationInfo)`: a field of what a library call or a
 * lookup returned (a verification result, a database record) is that call's own value, not the
 * text of the request that went into it, and loggers print objects escaped. Fields of the
 * request's text parsed or transformed (JSON.parse, split, replace, …) stay reported.
 */
function fieldOfCallResult(value: ts.Expression, facts: TaintFacts): boolean {
  if (!ts.isPropertyAccessExpression(value) && !ts.isElementAccessExpression(value)) return false;
  let root: ts.Expression = value;
  while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root) || ts.isNonNullExpression(root)) root = root.expression;
  if (!ts.isIdentifier(root)) return false;
  let def = definitionOf(root, facts);
  if (!def) return false;
  def = unwrap(def);
  while (ts.isAwaitExpression(def) || ts.isParenthesizedExpression(def)) def = unwrap(def.expression);
  if (!ts.isCallExpression(def)) return false;
  const callee = def.expression.getText();
  return !TEXT_CALLS.test(callee) && !/^(req|request|ctx)\b/.test(callee);
}
