// CWE-94/95: user input evaluated as code — eval, Function, vm, string timers, and module
// specifiers of require/import built from request data.
import ts from 'typescript';
import type { CallSite } from '../facts';
import { cweUrl, type TaintRule } from '../rule';
import { calleeText, moduleOf, exportName } from '../sinks';

const VM_RUNNERS = new Set(['runInNewContext', 'runInThisContext', 'runInContext', 'compileFunction', 'Script', 'SourceTextModule']);
const TIMERS = new Set(['setTimeout', 'setInterval', 'setImmediate']);
/**
 * Template engines compiling a template string (server-side template injection: a template can
 * reach the constructor of any value and so the Function constructor) and expression evaluators.
 */
const TEMPLATE_COMPILERS: Record<string, ReadonlySet<string>> = {
  ejs: new Set(['render', 'compile']),
  nunjucks: new Set(['renderString', 'compile']),
  pug: new Set(['render', 'compile']),
  handlebars: new Set(['compile', 'precompile']),
  hbs: new Set(['compile']),
  mustache: new Set(['render']),
  'lodash.template': new Set(['template']),
  lodash: new Set(['template']),
  vm2: new Set(['run']),
};

export const codeInjection: TaintRule = {
  meta: {
    id: 'code-injection',
    cwe: ['CWE-94', 'CWE-95'],
    defaultSeverity: 'error',
    title: 'Code injection',
    description:
      'User input is evaluated as JavaScript (eval, Function, vm, string timers) or chooses a module to load, so a request like `require("child_process").exec(…)` runs on the server. Parse data with JSON.parse and map names to modules with an allowlist.',
    docsUrl: cweUrl('CWE-94'),
    hasFix: false,
    constraint: 'Never evaluate request data as code (eval, new Function, vm, setTimeout with a string).',
    taint: { sink: 'code', sinkNoun: 'evaluated code', attackPayload: "require('child_process')" },
  },
  check(ctx) {
    for (const call of ctx.facts.calls) {
      const kind = sinkKind(call);
      if (!kind) continue;
      const args = kind === 'all' ? call.args : call.args.slice(0, 1);
      for (const arg of args) {
        if (kind === 'timer' && !isStringy(arg)) continue;
        const taint = ctx.taintAt(arg, 'code');
        if (!taint) continue;
        const what = call.name === 'require' || call.name === 'import' ? 'chooses the module loaded by' : 'is evaluated as code by';
        ctx.report({ node: arg, message: `User input from ${taint.label} ${what} ${calleeText(call)}`, taint, sink: `evaluated by ${calleeText(call)}` });
        break;
      }
    }
  },
};

function sinkKind(call: CallSite): 'first' | 'all' | 'timer' | undefined {
  const mod = moduleOf(call);
  if (mod === 'vm' && VM_RUNNERS.has(exportName(call) ?? '')) return 'first';
  if (mod && TEMPLATE_COMPILERS[mod]?.has(call.name)) return 'first';
  if (call.callee) return undefined;
  if (!call.qualifier || call.qualifier === 'window' || call.qualifier === 'globalThis') {
    if (call.name === 'eval' || call.name === 'require' || call.name === 'import') return 'first';
    if (call.name === 'Function') return 'all';
    if (TIMERS.has(call.name)) return 'timer';
  }
  if (call.qualifier === 'vm' && VM_RUNNERS.has(call.name)) return 'first';
  return undefined;
}

/** A timer's callback is code only when it is a string, not a function. */
function isStringy(arg: ts.Expression): boolean {
  return !ts.isArrowFunction(arg) && !ts.isFunctionExpression(arg);
}
