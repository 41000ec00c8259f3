// CWE-942: the response allows whatever origin the request names, with credentials, so any site
// can read the user's data with the user's cookies.
import ts from 'typescript';
import type { Rule } from '../../rule';
import { cweUrl } from '../../rule';
import { unwrap } from '../../ast';
import { evidence, objectProperty, propertyValue, requestDerived, resolveObject, step, stringValue } from './util';

const SETTERS = /^(header|setHeader|set|append)$/;

export const permissiveCors: Rule = {
  meta: {
    id: 'permissive-cors',
    cwe: ['CWE-942'],
    defaultSeverity: 'error',
    title: 'CORS reflects any origin',
    description: 'Access-Control-Allow-Origin is copied from the request (or cors() is given origin: true with credentials), so every site may read responses made with the user\'s cookies; compare the origin with an allow-list.',
    docsUrl: cweUrl('CWE-942'),
    hasFix: false,
  },
  check(ctx) {
    for (const call of ctx.facts.calls) {
      if (SETTERS.test(call.name) && call.args.length >= 2) {
        const name = stringValue(call.args[0], ctx.facts);
        if (!name || name.toLowerCase() !== 'access-control-allow-origin') continue;
        const value = call.args[1];
        if (!requestDerived(value, ctx.facts) || checkedFirst(value)) continue;
        ctx.report({
          node: value,
          message: 'Access-Control-Allow-Origin is copied from the request, so any website may read this response with the user\'s credentials; allow only known origins',
          taint: evidence([step(value, 'the origin the request names'), step(call.node, 'allowed as-is')]),
          sink: 'allowed as the CORS origin',
        });
        continue;
      }
      if (call.name === 'cors' || call.callee?.module === 'cors') {
        const options = resolveObject(call.args[0], ctx.facts);
        const origin = propertyValue(objectProperty(options, 'origin'));
        const creds = propertyValue(objectProperty(options, 'credentials'));
        if (!origin || !creds || unwrap(origin).kind !== ts.SyntaxKind.TrueKeyword || unwrap(creds).kind !== ts.SyntaxKind.TrueKeyword) continue;
        ctx.report({
          node: call.node,
          message: 'cors() reflects every origin (origin: true) and allows credentials, so any website may read responses made with the user\'s cookies; list the allowed origins',
          taint: evidence([step(origin, 'every origin reflected'), step(creds, 'with credentials')]),
          sink: 'any origin with credentials',
        });
      }
    }
  },
};

/**
 * `if (allowed.includes(origin)) res.set('Access-Control-Allow-Origin', origin)`: the origin was
 * compared with something (a list, a pattern, a constant) before being echoed, which is the safe shape.
 */
function checkedFirst(value: ts.Expression): boolean {
  const text = unwrap(value).getText();
  for (let n: ts.Node = value; n.parent && !ts.isFunctionLike(n); n = n.parent) {
    const p = n.parent;
    const cond = ts.isIfStatement(p) && p.thenStatement === n ? p.expression : ts.isConditionalExpression(p) && p.whenTrue === n ? p.condition : undefined;
    if (cond && compares(cond, text)) return true;
  }
  return false;
}

function compares(cond: ts.Expression, text: string): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n) && /^(includes|has|test|indexOf|some|match|startsWith|endsWith)$/.test(ts.isPropertyAccessExpression(n.expression) ? n.expression.name.text : '') && n.getText().includes(text)) found = true;
    else if (ts.isBinaryExpression(n) && /^(===|==)$/.test(n.operatorToken.getText()) && n.getText().includes(text)) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(cond);
  return found;
}
