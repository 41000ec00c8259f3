// CWE-1321: `target[key] = value` with key and value from the request — a recursive merge or a
// path setter that lets `__proto__` or `constructor.prototype` change every object in the process.
import ts from 'typescript';
import { cweUrl, type TaintRule } from '../rule';
import type { Fix } from '../../types';
import { enclosingFunction } from '../sinks';
import { refusal } from '../fixes/contain-path';

const KEY_GUARD = /__proto__|['"]constructor['"]|['"]prototype['"]|Object\.create\(\s*null\s*\)|new Map\(|hasOwn\(|isSafeKey|FORBIDDEN_KEYS|BLOCKED_KEYS/;

export const prototypePollution: TaintRule = {
  meta: {
    id: 'prototype-pollution',
    cwe: ['CWE-1321'],
    defaultSeverity: 'error',
    title: 'Prototype pollution',
    description:
      'An object property is written with a key and value taken from the request, so a key like `__proto__` changes the prototype every object shares (for example adding isAdmin). Reject `__proto__`, `constructor` and `prototype` keys, or use a Map or Object.create(null).',
    docsUrl: cweUrl('CWE-1321'),
    hasFix: true,
    constraint: 'Never assign to an object with a key from request data unless the key is checked against __proto__, constructor and prototype.',
    taint: { sink: 'prototype', sinkNoun: 'an object key', attackPayload: null },
  },
  check(ctx) {
    for (const w of ctx.facts.writes) {
      const key = ctx.taintAt(w.key, 'prototype');
      if (!key) continue;
      const value = ctx.taintAt(w.node.right, 'prototype');
      const nested = ts.isElementAccessExpression(w.object) && ctx.taintAt(w.object.argumentExpression, 'prototype');
      if (!value && !nested) continue;
      if (KEY_GUARD.test(enclosingFunction(w.node).getText())) continue;
      const fix = keyGuardFix(w.node, ctx.text);
      ctx.report({
        node: w.key,
        message: `User input from ${key.label} chooses the property name written here, so "__proto__" can pollute every object's prototype`,
        taint: key,
        sink: 'used as the property name of a write',
        fixes: fix ? [fix] : [],
      });
    }
  },
};

/**
 * Skips the dangerous keys before the write: `continue` inside a loop, a 400 inside a route
 * handler, `return` inside other callbacks. Only for identifier keys in a statement of its own.
 */
function keyGuardFix(write: ts.BinaryExpression, text: string): Fix | undefined {
  // Every identifier key along the chain: users[name][field] needs both checked.
  const keys: string[] = [];
  for (let t: ts.Expression = write.left; ts.isElementAccessExpression(t); t = t.expression) {
    if (!ts.isIdentifier(t.argumentExpression)) return undefined;
    keys.unshift(t.argumentExpression.text);
  }
  const statement = write.parent;
  if (keys.length === 0 || !ts.isExpressionStatement(statement)) return undefined;
  let exit: string | undefined;
  for (let n: ts.Node = statement.parent; n; n = n.parent) {
    if (ts.isIterationStatement(n, false)) {
      exit = 'continue;';
      break;
    }
    if (ts.isFunctionLike(n)) {
      // A route handler must still answer; a plain callback can just skip the key.
      const answer = refusal(statement, 'Invalid key');
      exit = !answer.startsWith('throw') ? answer : ts.isArrowFunction(n) || ts.isFunctionExpression(n) ? 'return;' : undefined;
      break;
    }
  }
  if (!exit) return undefined;
  const condition = keys.map((k) => `${k} === '__proto__' || ${k} === 'constructor' || ${k} === 'prototype'`).join(' || ');
  const title = 'Skip __proto__, constructor and prototype keys';
  // An unbraced body (`else x[k] = v;`) needs braces to hold two statements.
  if (!ts.isBlock(statement.parent) && !ts.isSourceFile(statement.parent)) {
    return { title, edits: [{ span: { start: statement.getStart(), end: statement.getEnd() }, newText: `{ if (${condition}) ${exit} ${statement.getText()} }` }] };
  }
  const lineStart = text.lastIndexOf('\n', statement.getStart() - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { title, edits: [{ span: { start: lineStart, end: lineStart }, newText: `${indent}if (${condition}) ${exit}${eol}` }] };
}
