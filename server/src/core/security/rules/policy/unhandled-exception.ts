// CWE-703: request handling that can throw past every handler and take the process down —
// async Express 4 handlers whose rejections nobody catches, and JSON.parse of request data there.
import ts from 'typescript';
import type { Fix } from '../../../types';
import type { Rule, RuleContext } from '../../rule';
import { cweUrl } from '../../rule';
import { isFunctionLike, unwrap, type FunctionLike } from '../../ast';
import { enclosingFunction, evidence, insideTry, requestDerived, step, walk } from './util';
import { routesOf } from './routes';

/** Modules that make Express forward rejected promises to the error handler. */
const PATCHES = /^(express-async-errors|express-async-handler|express-promise-router|@awaitjs\/express|express-async-router)$/;
const MESSAGE_EVENTS = /^(message|data|text|connection)$/;

export const unhandledException: Rule = {
  meta: {
    id: 'unhandled-exception',
    cwe: ['CWE-703', 'CWE-248'],
    defaultSeverity: 'warning',
    title: 'Request handling that can crash the server',
    description: 'An async Express 4 handler awaits without try/catch or forwarding to next(), or request data goes through JSON.parse where no handler catches the error; one bad request then becomes an unhandled rejection that stops the process.',
    docsUrl: cweUrl('CWE-703'),
    hasFix: true,
  },
  check(ctx) {
    if (/unhandledRejection/.test(ctx.text)) return;
    // Nest wraps every handler and answers a rejected promise with 500, so nothing crashes there.
    if ([...ctx.facts.modules].some((m) => m.startsWith('@nestjs/'))) return;
    const express = ctx.facts.modules.has('express') && ![...ctx.facts.modules].some((m) => PATCHES.test(m));
    const reported = new Set<ts.Node>();
    if (express) {
      for (const r of routesOf(ctx.facts)) {
        const h = r.handler;
        if (!h || !isAsync(h) || !h.body || !ts.isBlock(h.body)) continue;
        const bare = firstUncaughtAwait(h, ctx);
        if (!bare) continue;
        reported.add(h);
        const fix = forwardFix(h, ctx);
        ctx.report({
          node: h.modifiers?.find((m) => m.kind === ts.SyntaxKind.AsyncKeyword) ?? h,
          message: `This async handler awaits ${describe(bare)} outside try/catch; Express 4 ignores the rejected promise, so a request that makes it fail crashes the process — catch and call next(err)`,
          taint: evidence([step(bare, 'this await can reject')]),
          sink: 'nothing catches the rejection',
          ...(fix ? { fixes: [fix] } : {}),
        });
      }
    }
    for (const c of ctx.facts.calls) {
      if (c.name !== 'parse' || c.qualifier !== 'JSON' || !c.args[0] || !requestDerived(c.args[0], ctx.facts)) continue;
      const fn = enclosingFunction(c.node);
      if (!fn || reported.has(fn) || insideTry(c.node, fn)) continue;
      const why = escapes(fn, express);
      if (!why) continue;
      ctx.report({
        node: c.node,
        message: `JSON.parse of request data throws on malformed input, and ${why}; wrap it in try/catch and answer 400`,
        taint: evidence([step(c.args[0], 'client-controlled text')]),
        sink: 'throws uncaught',
      });
    }
  },
};

/** `pool.query()` for an awaited call, else a short form of the expression. */
function describe(a: ts.AwaitExpression): string {
  const e = unwrap(a.expression);
  const text = ts.isCallExpression(e) ? `${e.expression.getText()}()` : e.getText();
  return text.length <= 40 ? text : `${text.slice(0, 37)}…`;
}

function isAsync(fn: FunctionLike): boolean {
  return fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword) ?? false;
}

/**
 * The first await in the handler's own body that no try block covers and whose operation takes
 * request data: those are the ones a client can make fail on purpose (a malformed id, a duplicate
 * key, an invalid URL, a missing file).
 */
function firstUncaughtAwait(fn: FunctionLike, ctx: RuleContext): ts.AwaitExpression | undefined {
  let found: ts.AwaitExpression | undefined;
  walk(fn.body as ts.Node, (n) => {
    if (found || (isFunctionLike(n))) return false;
    if (ts.isAwaitExpression(n) && !insideTry(n, fn) && !caughtInline(n) && requestDerived(n.expression, ctx.facts)) found = n;
    return undefined;
  });
  return found;
}

/** `await x.catch(…)` and `await Promise.allSettled(…)` cannot reject. */
function caughtInline(a: ts.AwaitExpression): boolean {
  const e = unwrap(a.expression);
  return ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && /^(catch|allSettled)$/.test(e.expression.name.text);
}

/** Why a throw in `fn` is not turned into a 500 by the framework, or undefined when it is. */
function escapes(fn: FunctionLike, express: boolean): string | undefined {
  const call = fn.parent && ts.isCallExpression(fn.parent) ? fn.parent : undefined;
  if (call && ts.isPropertyAccessExpression(call.expression) && /^(on|once|addListener)$/.test(call.expression.name.text)) {
    const ev = call.arguments[0];
    if (ev && ts.isStringLiteralLike(ev) && MESSAGE_EVENTS.test(ev.text)) return 'it runs in an event listener, where an exception stops the process';
  }
  if (express && isAsync(fn)) return 'in an async Express 4 handler the rejection is never caught';
  return undefined;
}

/** Wraps the handler body in try/catch that forwards to next, adding the parameter if missing. */
function forwardFix(fn: FunctionLike, ctx: RuleContext): Fix | undefined {
  const body = fn.body as ts.Block;
  const params = fn.parameters;
  if (params.length < 2 || params.length > 3) return undefined;
  const third = params[2];
  const next = third && ts.isIdentifier(third.name) ? third.name.text : 'next';
  const edits = [];
  if (!third) {
    // Typed handlers get a typed parameter so strict TypeScript still compiles the result.
    const typed = params[1].type !== undefined;
    const type = !typed ? '' : /\bNextFunction\b/.test(ctx.text) ? ': NextFunction' : ': (err?: unknown) => void';
    edits.push({ span: { start: params[1].getEnd(), end: params[1].getEnd() }, newText: `, next${type}` });
  }
  const open = body.getStart() + 1;
  const close = body.getEnd() - 1;
  edits.push({ span: { start: open, end: open }, newText: '\n  try {' });
  edits.push({ span: { start: close, end: close }, newText: `  } catch (err) {\n    ${next}(err);\n  }\n` });
  return { title: 'Catch errors and forward them to next()', edits };
}
