// CWE-78: request data reaching a shell — child_process exec/execSync, spawn/execFile with
// `shell: true` or an explicit `sh -c`, shelljs.exec. Argument arrays without a shell are safe.
import ts from 'typescript';
import type { CallSite } from '../facts';
import { argvFix, execFileFix } from '../fixes/exec-file';
import { cweUrl, type TaintRule, type RuleContext } from '../rule';
import { unwrap } from '../ast';
import { builderOf } from '../parts';
import type { Taint } from '../taint';

const SHELL_RUNNERS = new Set(['exec', 'execSync']);
const ARGV_RUNNERS = new Set(['spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork']);
const SHELLS = /^(\/(usr\/)?bin\/)?(sh|bash|zsh|dash|ksh|cmd(\.exe)?|powershell(\.exe)?|pwsh)$/;

export const commandInjection: TaintRule = {
  meta: {
    id: 'command-injection',
    cwe: ['CWE-78'],
    defaultSeverity: 'error',
    title: 'OS command injection',
    description:
      'User input reaches a command line that a shell parses, so `; touch /danger.txt` runs a second command. Run the program with execFile or spawn and an argument array instead.',
    docsUrl: cweUrl('CWE-78'),
    hasFix: true,
    constraint: 'Never run a shell with request data; use execFile/spawn with an argument array, or no process at all.',
    taint: { sink: 'command', sinkNoun: 'a shell command', attackPayload: '; touch /tmp/orbit-pwned' },
  },
  check(ctx) {
    for (const call of ctx.facts.calls) {
      if (!ts.isCallExpression(call.node) || call.args.length === 0) continue;
      const kind = runnerKind(ctx, call);
      if (kind === 'shell') reportShell(ctx, call);
      else if (kind === 'argv') reportArgv(ctx, call);
    }
  },
};

function runnerKind(ctx: RuleContext, call: CallSite): 'shell' | 'argv' | undefined {
  const mod = call.callee?.module.replace(/^node:/, '');
  const path = call.callee?.path ?? [];
  const last = path[path.length - 1];
  if (mod === 'child_process' && path.length === 1) {
    if (SHELL_RUNNERS.has(last)) return 'shell';
    if (ARGV_RUNNERS.has(last)) return 'argv';
  }
  if (mod === 'shelljs' && last === 'exec') return 'shell';
  if ((mod === 'execa' && (last === 'execaCommand' || last === 'execaCommandSync' || last === 'command' || last === 'commandSync'))) return 'shell';
  if (!call.callee && call.qualifier && /^(child_process|childProcess|cp|proc)$/.test(call.qualifier)) {
    if (SHELL_RUNNERS.has(call.name)) return 'shell';
    if (ARGV_RUNNERS.has(call.name)) return 'argv';
  }
  if (!call.callee && !call.qualifier && ctx.facts.modules.has('child_process') && SHELL_RUNNERS.has(call.name)) return 'shell';
  return undefined;
}

function reportShell(ctx: RuleContext, call: CallSite): void {
  const arg = call.args[0];
  const taint = ctx.taintAt(arg, 'command');
  if (!taint) return;
  const builder = builderOf(ctx.facts.definitionOf, arg);
  const fix = builder && call.callee?.module.replace(/^node:/, '') === 'child_process' ? execFileFix({ call: call.node as ts.CallExpression, builder }) : undefined;
  report(ctx, call, arg, taint, 'a shell command', fix ? [fix] : []);
}

function reportArgv(ctx: RuleContext, call: CallSite): void {
  const [program, args, options] = call.args;
  const argList = args && ts.isArrayLiteralExpression(unwrap(args)) ? (unwrap(args) as ts.ArrayLiteralExpression) : undefined;
  const optionsArg = argList || (args && ts.isIdentifier(args)) ? options : args;
  const shell = shellOption(optionsArg);
  if (shell) {
    const taint = ctx.taintAt(program, 'command');
    if (taint) {
      const builder = argList ? undefined : builderOf(ctx.facts.definitionOf, program);
      const fix = builder && argvFix(call.node as ts.CallExpression, builder, { start: program.getStart(), end: program.getEnd() }, shell);
      return report(ctx, call, program, taint, 'a command run with shell: true', fix ? [fix] : []);
    }
    for (const el of argList?.elements ?? []) {
      const t = ctx.taintAt(el, 'command');
      if (t) return report(ctx, call, el, t, 'an argument of a command run with shell: true', []);
    }
    return;
  }
  // spawn('sh', ['-c', cmd]) is a shell by another name.
  const prog = unwrap(program);
  if (!ts.isStringLiteralLike(prog) || !SHELLS.test(prog.text) || !argList) return;
  const els = argList.elements;
  const flag = els.findIndex((e) => ts.isStringLiteralLike(e) && /^(-c|\/c|-Command)$/i.test(e.text));
  if (flag < 0 || flag + 1 >= els.length) return;
  const script = els[flag + 1];
  const taint = ctx.taintAt(script, 'command');
  if (!taint) return;
  const builder = flag === 0 && els.length === 2 ? builderOf(ctx.facts.definitionOf, script) : undefined;
  const fix = builder && argvFix(call.node as ts.CallExpression, builder, { start: program.getStart(), end: argList.getEnd() }, undefined);
  report(ctx, call, script, taint, `a script run by ${prog.text} ${(els[flag] as ts.StringLiteral).text}`, fix ? [fix] : []);
}

/** The `shell` option of spawn/execFile when it turns a shell on. */
function shellOption(options: ts.Expression | undefined): ts.ObjectLiteralElementLike | undefined {
  if (!options) return undefined;
  const o = unwrap(options);
  if (!ts.isObjectLiteralExpression(o)) return undefined;
  return o.properties.find((p) => {
    if (!p.name || !ts.isIdentifier(p.name) || p.name.text !== 'shell') return false;
    if (ts.isShorthandPropertyAssignment(p)) return true;
    if (!ts.isPropertyAssignment(p)) return false;
    return p.initializer.kind !== ts.SyntaxKind.FalseKeyword && !(ts.isIdentifier(p.initializer) && p.initializer.text === 'undefined');
  });
}

function report(ctx: RuleContext, call: CallSite, node: ts.Expression, taint: Taint, what: string, fixes: NonNullable<Parameters<RuleContext['report']>[0]['fixes']>): void {
  const callee = `${call.qualifier ? call.qualifier + '.' : ''}${call.name}`;
  ctx.report({
    node,
    message: `User input from ${taint.label} reaches ${what} in ${callee}()`,
    taint,
    sink: `runs in ${callee}()`,
    fixes,
  });
}
