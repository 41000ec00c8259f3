// CWE-943: request data used as a MongoDB query — operator injection ({ $ne: null } where a
// string was expected) and server-side JavaScript in $where. Strings and validated input are safe.
import ts from 'typescript';
import type { CallSite } from '../facts';
import { cweUrl, type TaintRule, type RuleContext } from '../rule';
import { calleeText, identifiersIn, importsAny, isGuarded, moduleOf } from '../sinks';
import { forEachNode, isFunctionLike, unwrap } from '../ast';
import { validatedFields } from '../express-validator';
import { definitionOf } from './policy/util';

const QUERY_METHODS = new Set([
  'find', 'findOne', 'findOneAndUpdate', 'findOneAndDelete', 'findOneAndReplace', 'findOneAndRemove', 'updateOne',
  'updateMany', 'deleteOne', 'deleteMany', 'countDocuments', 'count', 'exists', 'replaceOne', 'distinct', 'where',
  'aggregate', 'remove', 'update',
]);
const MONGO_MODULES = ['mongoose', 'mongodb', 'monk', 'mongojs', '@nestjs/mongoose'];
/** Packages whose collections take Mongo-style queries; a project module may export their instances. */
const DOCUMENT_DB_MODULES = [...MONGO_MODULES, 'marsdb', 'nedb', '@seald-io/nedb', 'tingodb'];
/** Operators whose value the database runs as JavaScript. */
const CODE_OPERATORS = new Set(['$where', '$function', '$accumulator']);
/** A parameter that names a database or a collection: `function UserDAO(db)`, `(collection) => …`. */
const DB_PARAM = /^(db|database|coll|collection|[\w$]*Collection)$/;
const TYPE_GUARD = (n: string): RegExp => new RegExp(`typeof\\s+${n}\\s*[!=]==?\\s*['"]string['"]|String\\(\\s*${n}\\s*\\)\\s*!==?\\s*${n}`);

export const nosqlInjection: TaintRule = {
  meta: {
    id: 'nosql-injection',
    cwe: ['CWE-943'],
    defaultSeverity: 'error',
    title: 'NoSQL injection',
    description:
      'Request data is used inside a MongoDB query, so a JSON body or query string like `password[$ne]=x` turns a value into an operator and matches every document. Convert values with String() or validate them with a schema; never pass user input to $where.',
    docsUrl: cweUrl('CWE-943'),
    hasFix: true,
    constraint: 'Never pass request objects into a NoSQL query unchecked; cast values to strings or numbers first.',
    taint: { sink: 'nosql', sinkNoun: 'a NoSQL query', attackPayload: "' || '1'=='1" },
  },
  check(ctx) {
    // express-mongo-sanitize strips `$` keys from every request before handlers see it.
    if (importsAny(ctx.facts.modules, ['express-mongo-sanitize'])) return;
    const mongoFile = importsAny(ctx.facts.modules, MONGO_MODULES);
    const reported = new Set<ts.Node>();
    for (const call of ctx.facts.calls) {
      if (call.args.length === 0) continue;
      // Outside a file that imports a Mongo package, a call is a query only when its receiver is a
      // database by what it is: a collection, a db/collection parameter, a project module's handle.
      if (mongoFile ? !isQuery(call) : !isDatabaseCall(ctx, call)) continue;
      inspect(ctx, call, call.args[0], 0, reported);
    }
    // `$where` with request data runs it as JavaScript in the database wherever the object is built:
    // in a criteria helper, in a DAO that received the handle, on a collection imported from the project.
    if (!/\$(where|function|accumulator)\b/.test(ctx.text)) return;
    forEachNode(ctx.sourceFile, (node) => {
      if (!ts.isPropertyAssignment(node) || !ts.isObjectLiteralExpression(node.parent) || reported.has(node.initializer)) return;
      const key = node.name.getText().replace(/['"]/g, '');
      if (CODE_OPERATORS.has(key)) reportCode(ctx, key, node.initializer, undefined, reported);
    });
  },
};

function isQuery(call: CallSite): boolean {
  if (!QUERY_METHODS.has(call.name) || !call.receiver) return false;
  const mod = moduleOf(call);
  if (mod && MONGO_MODULES.includes(mod)) return true;
  const q = call.qualifier ?? call.receiver.getText();
  return /^[A-Z]|Model$|model$|[cC]ollection|^(this\.)?(users|db|coll)/.test(q) || /\.collection\(/.test(q);
}

/**
 * A collection-like call outside a Mongo-importing file: on `db.collection('x')` (or a name bound
 * to one), on a `db`/`collection` parameter, or on a value a project module exports as a document
 * database's collection. A callback argument (`Array.prototype.find`) is never a query.
 */
function isDatabaseCall(ctx: RuleContext, call: CallSite): boolean {
  if (!QUERY_METHODS.has(call.name) || !call.receiver || call.name === 'where') return false;
  const first = unwrap(call.args[0]);
  if (isFunctionLike(first) || (ts.isIdentifier(first) && isFunctionLike(unwrap(definitionOf(first, ctx.facts) ?? first)))) return false;
  const mod = moduleOf(call);
  if (mod && DOCUMENT_DB_MODULES.includes(mod)) return true;
  let r: ts.Expression = unwrap(call.receiver);
  if (ts.isIdentifier(r)) {
    if (isDbParameter(r)) return true;
    const def = definitionOf(r, ctx.facts);
    if (def) r = unwrap(def);
  }
  return ts.isCallExpression(r) && ts.isPropertyAccessExpression(r.expression) && r.expression.name.text === 'collection' && r.arguments.length > 0;
}

/** Whether `id` is a parameter of an enclosing function named like a database or collection. */
function isDbParameter(id: ts.Identifier): boolean {
  if (!DB_PARAM.test(id.text)) return false;
  for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
    if (!isFunctionLike(n)) continue;
    if (n.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === id.text)) return true;
    // A closer binding of the same name hides the parameter further out.
    if (n.body && ts.isBlock(n.body) && n.body.statements.some((st) => ts.isVariableStatement(st) && st.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === id.text))) return false;
  }
  return false;
}

function reportCode(ctx: RuleContext, key: string, value: ts.Expression, call: CallSite | undefined, reported: Set<ts.Node>): void {
  const t = ctx.taintAt(value, 'code');
  if (!t) return;
  reported.add(value);
  ctx.report({
    node: value,
    message: `User input from ${t.label} reaches a MongoDB ${key}, which runs it as JavaScript`,
    taint: t,
    sink: call ? `evaluated by ${calleeText(call)}` : `evaluated by the database as a ${key} query`,
  });
}

/** Walks the query object: tainted objects anywhere, and any taint under $where. */
function inspect(ctx: RuleContext, call: CallSite, expr: ts.Expression, depth: number, reported: Set<ts.Node>): void {
  let e = unwrap(expr);
  if (depth > 4) return;
  // `const criteria = { tags: req.params.tag }; Model.find(criteria)`: the literal's fields decide,
  // unless the object is changed after it is made.
  if (ts.isIdentifier(e)) {
    const def = definitionOf(e, ctx.facts);
    if (def && ts.isObjectLiteralExpression(unwrap(def)) && !mutated(ctx.text, e.text)) e = unwrap(def);
  }
  if (ts.isObjectLiteralExpression(e)) {
    for (const p of e.properties) {
      if (ts.isPropertyAssignment(p)) {
        const key = p.name.getText().replace(/['"]/g, '');
        if (CODE_OPERATORS.has(key)) {
          reportCode(ctx, key, p.initializer, call, reported);
          continue;
        }
        inspect(ctx, call, p.initializer, depth + 1, reported);
      } else if (ts.isShorthandPropertyAssignment(p)) {
        reportValue(ctx, call, p.name, true);
      } else if (ts.isSpreadAssignment(p)) {
        reportValue(ctx, call, p.expression, false);
      }
    }
    return;
  }
  if (ts.isArrayLiteralExpression(e)) {
    for (const el of e.elements) inspect(ctx, call, el, depth + 1, reported);
    return;
  }
  reportValue(ctx, call, e, depth > 0);
}

function reportValue(ctx: RuleContext, call: CallSite, value: ts.Expression, fixable: boolean): boolean {
  const t = ctx.taintAt(value, 'nosql');
  if (!t || !t.maybeObject) return false;
  if (isGuarded(value, identifiersIn(value), TYPE_GUARD)) return false;
  const field = /^(?:req|request)\.(?:body|query|params)\.([\w$]+)$/.exec(t.label)?.[1];
  if (field && validatedFields(value).has(field)) return false;
  const shorthand = ts.isShorthandPropertyAssignment(value.parent) && value.parent.name === value;
  const edit = shorthand
    ? { span: { start: value.getStart(), end: value.getEnd() }, newText: `${value.getText()}: String(${value.getText()})` }
    : { span: { start: value.getStart(), end: value.getEnd() }, newText: `String(${value.getText()})` };
  ctx.report({
    node: value,
    message: `User input from ${t.label} is used in a MongoDB query without being converted to a string, so it can carry query operators`,
    taint: t,
    sink: `queries with ${calleeText(call)}`,
    fixes: fixable ? [{ title: 'Convert the value to a string', edits: [edit] }] : [],
  });
  return true;
}

/** Whether the text writes a property of `name` or passes it to Object.assign after making it. */
function mutated(text: string, name: string): boolean {
  const n = name.replace(/\$/g, '\\$');
  return new RegExp(`\\b${n}\\s*(\\.[\\w$]+|\\[[^\\]]*\\])\\s*=[^=]|Object\\.assign\\(\\s*${n}\\b|\\b${n}\\s*=[^=]`).test(text.replace(new RegExp(`(const|let|var)\\s+${n}\\s*=`, 'g'), ''));
}
