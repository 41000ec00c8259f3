// CWE-915: the whole request body is handed to a model's create/update, so a client can set fields
// it was never meant to (role, isAdmin, balance, owner).
import ts from 'typescript';
import type { Rule } from '../../rule';
import { cweUrl } from '../../rule';
import { unwrap } from '../../ast';
import { definitionOf, evidence, step } from './util';

/** ORM writes whose first argument (or, for the *ById/One updates, the second) is the new values. */
const FIRST = /^(create|build|insert|insertOne|insertMany|bulkCreate|upsert|update)$/;
const SECOND = /^(findByIdAndUpdate|findOneAndUpdate|updateOne|updateMany|replaceOne|findOneAndReplace)$/;
const BODY = /^(req|request|ctx\.request)\.body$/;

export const massAssignment: Rule = {
  meta: {
    id: 'mass-assignment',
    cwe: ['CWE-915'],
    defaultSeverity: 'warning',
    title: 'Mass assignment',
    description: 'The whole request body is passed to a model create or update, so the client chooses every field, including ones such as role or owner; copy the fields the form may change.',
    docsUrl: cweUrl('CWE-915'),
    hasFix: false,
  },
  check(ctx) {
    for (const call of ctx.facts.calls) {
      if (!call.receiver) continue;
      const values = SECOND.test(call.name) ? call.args[1] : FIRST.test(call.name) ? call.args[0] : undefined;
      if (!values) continue;
      const body = wholeBody(values, ctx.facts);
      if (!body) continue;
      ctx.report({
        node: values,
        message: `The whole request body is written by ${call.name}(), so the client can set any field of the record (role, owner, …); pick the allowed fields`,
        taint: evidence([step(body, 'every field the client sent'), step(call.node, `written by ${call.name}()`)]),
        sink: `written by ${call.name}()`,
      });
    }
  },
};

/** `req.body`, `{ ...req.body }`, or a name bound once to either. */
function wholeBody(expr: ts.Expression, facts: Parameters<typeof definitionOf>[1]): ts.Expression | undefined {
  let e = unwrap(expr);
  if (ts.isIdentifier(e)) {
    const def = definitionOf(e, facts);
    if (!def) return undefined;
    e = unwrap(def);
  }
  if (BODY.test(e.getText())) return e;
  if (ts.isObjectLiteralExpression(e) && e.properties.length === 1) {
    const p = e.properties[0];
    if (ts.isSpreadAssignment(p) && BODY.test(unwrap(p.expression).getText())) return p.expression;
  }
  return undefined;
}
