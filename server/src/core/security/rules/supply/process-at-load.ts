// CWE-506/CWE-78: a process started when the module loads, silently (detached, output discarded)
// or with a command that downloads, decodes, hides or spreads code. Build tools asked for their
// version and `git rev-parse` whose output the module uses are ordinary.
import ts from 'typescript';
import { classifyCommand } from '../../../supply/commands';
import { cweUrl, type Rule } from '../../rule';
import { runsAtLoad, track } from './flow';
import { forEachNode, spanOf } from '../../ast';

const RUNNERS = /^(exec|execSync|spawn|spawnSync|execFile|execFileSync|fork)$/;

export const processAtLoad: Rule = {
  meta: {
    id: 'process-at-load',
    cwe: ['CWE-506', 'CWE-78'],
    defaultSeverity: 'error',
    title: 'Silent process execution at load',
    description:
      'A process started when the module is loaded or installed, detached with its output discarded, or running a command that downloads and runs code, decodes a command, publishes packages or plants persistence.',
    docsUrl: cweUrl('CWE-506'),
    hasFix: false,
  },
  check(ctx) {
    if (!ctx.facts.modules.has('child_process') && !/child_process/.test(ctx.text)) return;
    // Built only when a process really starts at load: in a server, child_process calls sit in
    // handlers, and following values through the whole file would cost every edit for nothing.
    let tracker: ReturnType<typeof track> | undefined;
    for (const call of ctx.facts.calls) {
      const mod = call.callee?.module.replace(/^node:/, '');
      const fromCp = mod === 'child_process' || (!call.callee && !!call.qualifier && /^(child_process|cp|childProcess|child)$/.test(call.qualifier));
      if (!fromCp || !RUNNERS.test(call.name) || !ts.isCallExpression(call.node)) continue;
      if (!runsAtLoad(call.node, ctx.sourceFile)) continue;
      tracker ??= track(ctx.sourceFile, () => undefined);
      const resolved = tracker;
      const command = call.args.slice(0, 2).map((a) => resolved.resolvedText(a)).join(' ');
      const options = call.args.map((a) => a.getText()).join(' ');
      const silent = /detached\s*:\s*true/.test(options) && /stdio\s*:\s*['"]ignore['"]/.test(options);
      const why = classifyCommand(command.replace(/['"`+,[\]]/g, ' ')).danger ?? (silent ? 'it is detached with its output discarded, so nothing of it shows during install' : undefined);
      if (!why) continue;
      const first = call.args[0];
      const def = ts.isIdentifier(first) ? definitionOf(ctx.sourceFile, first.text) ?? first : first;
      const steps = [{ span: spanOf(def), message: `the command: ${def.getText().slice(0, 80)}` }];
      ctx.report({ node: call.node, message: `At load this module starts a process: ${why}`, taint: { label: 'command', steps, cleansed: 0, direct: false, maybeObject: false }, sink: `${call.name}() runs it when the module is loaded` });
    }
  },
};

function definitionOf(sf: ts.SourceFile, name: string): ts.Node | undefined {
  let found: ts.Node | undefined;
  forEachNode(sf, (n) => {
    if (!found && ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name && n.initializer) found = n.initializer;
  });
  return found;
}
