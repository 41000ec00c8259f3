// Runs a module's top-level code in the sandbox, as `require` or an install script would, and
// returns what it did at load: every effect, including those of timers it set, which fire on the
// virtual clock (a `setTimeout(…, 90000)` runs at once). Sensitive local sources return canary
// values (core/supply/canaries), so data that leaves through the network can be traced back to them.
import ts from 'typescript';
import type { Trace } from '../../core/trace/schema';
import { CANARY_ENV, CANARY_HOME, CANARY_USER, SENSITIVE_FILE } from '../../core/supply/canaries';
import { traceUnit, type SandboxLimits } from './runner';

export interface ModuleRunOptions {
  limits?: Partial<SandboxLimits>;
  signal?: AbortSignal;
}

/** Limits of a load run: timers get room to fire (a beacon every 12 h, a delayed first call). */
export const MODULE_LIMITS: Partial<SandboxLimits> = { timeMs: 1500, maxTimers: 60, maxEffects: 300 };

/** What the driver says when a module ran to its end without exporting a function to call. */
const NO_ENTRY = 'The program does not define a function to call.';

/** Runs `text` (the file `fileName`) as a module at load. Never throws on user code. */
export async function runModuleTopLevel(fileName: string, text: string, options: ModuleRunOptions = {}): Promise<Trace> {
  const program = loadProgram(fileName, text);
  const trace = await traceUnit(
    program,
    { args: [], env: CANARY_ENV, argv: [] },
    { ...MODULE_LIMITS, ...options.limits },
    // The entry name is one no module defines, so only module.exports could be called, and the
    // program clears it: nothing but the top level (and what it schedules) runs.
    { entry: '__orbitLoadOnly', signal: options.signal },
  );
  if (trace.outcome.kind === 'throw' && trace.outcome.error === NO_ENTRY) trace.outcome = { kind: 'return', value: '[undefined]' };
  return trace;
}

/** The module text as plain CommonJS, with identity readers of `os` answering canaries and
 *  `module.exports` cleared at the end. Line 1 stays line 1: the prefix shares it. */
export function loadProgram(fileName: string, text: string): string {
  let code = text.replace(/^#!.*/, '');
  if (/\.(ts|tsx|mts|cts)$/i.test(fileName) || /^\s*(import|export)\b/m.test(code)) {
    code = ts.transpileModule(code, {
      fileName: fileName.replace(/\.(c|m)?js$/i, '.jsx'),
      reportDiagnostics: false,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, jsx: ts.JsxEmit.React, removeComments: false },
    }).outputText;
  }
  // Expression-bodied arrows only: the instrumenter notes lines per statement, and a statement
  // in these stand-ins would make the caller's effects look as if they happened on line 1.
  const prefix =
    `;(function () { var o = require('os'), ui = o.userInfo, hd = o.homedir, H = ${JSON.stringify(CANARY_HOME)}; ` +
    `o.userInfo = () => Object.assign(ui(), { username: ${JSON.stringify(CANARY_USER)}, homedir: H }); ` +
    `o.homedir = () => (hd(), H); ` +
    // Secret files answer a canary naming them, whatever their extension.
    `var f = require('fs'), S = ${SENSITIVE_FILE.toString()}, C = (p) => 'orbit-file:' + String(p); ` +
    `var r1 = f.readFileSync, r2 = f.readFile, fp = f.promises, r3 = fp.readFile; ` +
    `f.readFileSync = (...a) => (S.test(String(a[0])) ? (r1.apply(f, a), C(a[0])) : r1.apply(f, a)); ` +
    `f.readFile = (...a) => (S.test(String(a[0])) && typeof a[a.length - 1] === 'function' ? (r2.apply(f, a.slice(0, -1)), void setTimeout(() => a[a.length - 1](null, C(a[0])), 0)) : r2.apply(f, a)); ` +
    `fp.readFile = (...a) => (S.test(String(a[0])) ? (r3.apply(fp, a), Promise.resolve(C(a[0]))) : r3.apply(fp, a)); })();`;
  return `${prefix}${code}\n;module.exports = undefined;`;
}
