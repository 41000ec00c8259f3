// CWE-1321: `target[key] = value` with key and value from the request — a recursive merge or a
// path setter that lets `__proto__` or `constructor.prototype` change every object in the process.
import ts from 'typescript';
import { cweUrl, type Rule } from '../rule';
import { enclosingFunction } from '../sinks';

const KEY_GUARD = /__proto__|['"]constructor['"]|['"]prototype['"]|Object\.create\(\s*null\s*\)|new Map\(|hasOwn\(|isSafeKey|FORBIDDEN_KEYS|BLOCKED_KEYS/;

export const prototypePollution: Rule = {
  meta: {
    id: 'prototype-pollution',
    cwe: ['CWE-1321'],
    defaultSeverity: 'error',
    title: 'Prototype pollution',
    description:
      'An object property is written with a key and value taken from the request, so a key like `__proto__` changes the prototype every object shares (for example adding isAdmin). Reject `__proto__`, `constructor` and `prototype` keys, or use a Map or Object.create(null).',
    docsUrl: cweUrl('CWE-1321'),
    hasFix: false,
  },
  check(ctx) {
    for (const w of ctx.facts.writes) {
      const key = ctx.taintAt(w.key, 'prototype');
      if (!key) continue;
      const value = ctx.taintAt(w.node.right, 'prototype');
      const nested = ts.isElementAccessExpression(w.object) && ctx.taintAt(w.object.argumentExpression, 'prototype');
      if (!value && !nested) continue;
      if (KEY_GUARD.test(enclosingFunction(w.node).getText())) continue;
      ctx.report({
        node: w.key,
        message: `User input from ${key.label} chooses the property name written here, so "__proto__" can pollute every object's prototype`,
        taint: key,
        sink: 'used as the property name of a write',
      });
    }
  },
};
