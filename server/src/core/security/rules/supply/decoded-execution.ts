// CWE-506/CWE-94: a string decoded from base64, hex or character codes, assembled from reversed
// or joined pieces, deciphered, or downloaded, then run by eval, Function, vm or require. Template
// engines compiling the caller's templates, and decoding helpers that only return data, are not.
import ts from 'typescript';
import { cweUrl, type Rule } from '../../rule';
import { asTaint, track } from './flow';
import { codeRunner, decodedSource, networkCalls, requireAliases } from './sources';

export const decodedExecution: Rule = {
  meta: {
    id: 'decoded-code-execution',
    cwe: ['CWE-506', 'CWE-94'],
    defaultSeverity: 'error',
    title: 'Decoded or downloaded code executed',
    description:
      'A string decoded from base64, hex or character codes, deciphered, or downloaded from the network is run by eval, Function, vm or require: the code that runs is hidden from reviewers.',
    docsUrl: cweUrl('CWE-506'),
    hasFix: false,
  },
  check(ctx) {
    const aliases = requireAliases(ctx.sourceFile);
    // The code each runner call runs: a literal (`require('express')`) carries no origin, so a file
    // whose runners all take literals needs no value tracking at all.
    const runs = ctx.facts.calls.flatMap((call) => {
      const runner = codeRunner(call.node, aliases);
      if (!runner) return [];
      const args = runner === 'Function' ? call.args.slice(-1) : call.args.slice(0, 1);
      const keyed = ts.isCallExpression(call.node) && ts.isElementAccessExpression(call.node.expression) ? [call.node.expression.argumentExpression, ...args] : args;
      return keyed.every((a) => ts.isStringLiteralLike(a)) ? [] : [{ runner, keyed }];
    });
    if (runs.length === 0) return;
    const net = new Set<ts.Node>(networkCalls(ctx.facts.calls).map((c) => c.node));
    const tracker = track(ctx.sourceFile, (n) => decodedSource(n) ?? (net.has(n) ? `text downloaded by ${(n as ts.CallExpression).expression.getText().slice(0, 40)}()` : undefined));
    for (const { runner, keyed } of runs) {
      for (const arg of keyed) {
        const origin = tracker.originOf(arg);
        if (!origin) continue;
        ctx.report({ node: arg, message: `Code from ${origin.label} is run as code by ${runner}()`, taint: asTaint(origin), sink: `run by ${runner}()` });
        break;
      }
    }
  },
};
