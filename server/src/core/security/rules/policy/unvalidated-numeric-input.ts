// CWE-20: quantities, prices and amounts from the request used in arithmetic or stored without a
// range check, so a negative quantity becomes a refund and a huge one an overflow.
import ts from 'typescript';
import type { Rule, RuleContext } from '../../rule';
import { cweUrl } from '../../rule';
import { forEachNode, isFunctionLike, unwrap } from '../../ast';
import { enclosingFunction, evidence, isRequestRead, nodeIndex, step, walk } from './util';

const BUSINESS_FIELD = /^(quantity|qty|count|itemCount|amount|price|unitPrice|total|balance|credits?|points|discount|units|stock|cost|fee|deposit|withdrawal|transferAmount|tip|bid|payment)$/i;
/** A schema or validator in the file that states a lower bound. */
const SCHEMA_BOUND = /\.(positive|nonnegative|nonNegative)\(|\.min\(\s*\d|\bminimum\s*:|exclusiveMinimum|is(Int|Float|Numeric)\(\s*\{[^}]*\bmin\b|\.greater\(|\.integer\(\)\.min/;
const ARITHMETIC = new Set([ts.SyntaxKind.AsteriskToken, ts.SyntaxKind.PlusToken, ts.SyntaxKind.MinusToken, ts.SyntaxKind.SlashToken, ts.SyntaxKind.PlusEqualsToken, ts.SyntaxKind.MinusEqualsToken, ts.SyntaxKind.AsteriskEqualsToken]);
const COMPARISON = new Set([ts.SyntaxKind.LessThanToken, ts.SyntaxKind.LessThanEqualsToken, ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.GreaterThanEqualsToken]);
const STORE = /^(run|query|execute|insert|insertOne|create|update|updateOne|save|push|set|prepare|findOneAndUpdate|increment|decrement)$/;

export const unvalidatedNumericInput: Rule = {
  meta: {
    id: 'unvalidated-numeric-input',
    cwe: ['CWE-20', 'CWE-1284'],
    defaultSeverity: 'warning',
    title: 'Unvalidated quantity or amount',
    description: 'A quantity, price or amount from the request is used in a calculation or stored without checking that it is a positive number in range, so negative quantities or amounts turn into refunds or free goods.',
    docsUrl: cweUrl('CWE-20'),
    hasFix: false,
  },
  check(ctx) {
    if (SCHEMA_BOUND.test(ctx.text)) return;
    const done = new Set<string>();
    const ix = nodeIndex(ctx.sourceFile);
    const candidates: ts.Node[] = [...ix.accesses, ...ix.bindings].sort((a, b) => a.pos - b.pos);
    for (const n of candidates) {
      const field = fieldRead(n);
      if (!field) continue;
      const fn = enclosingFunction(n);
      if (!fn?.body) continue;
      const key = `${fn.pos}:${field.name}`;
      if (done.has(key)) continue;
      done.add(key);
      const aliases = aliasesOf(fn.body, field.local);
      if (boundChecked(fn.body, aliases) || !writesState(fn.body)) continue;
      const use = firstUse(fn.body, aliases, field.node);
      if (!use) continue;
      ctx.report({
        node: use,
        message: `"${field.name}" comes from the request and is used without checking it is positive and in range; a negative or huge value changes the total`,
        taint: evidence([step(field.node, `${field.name} is read from the request`)]),
        sink: 'used as a business amount',
      });
    }
  },
};

interface FieldRead { name: string; node: ts.Node; local?: string }

/** `req.body.quantity` or a binding in `const { quantity } = req.body`. */
function fieldRead(n: ts.Node): FieldRead | undefined {
  if (ts.isPropertyAccessExpression(n) && BUSINESS_FIELD.test(n.name.text) && isRequestRead(n)) {
    const p = n.parent;
    const local = ts.isVariableDeclaration(p) && ts.isIdentifier(p.name) ? p.name.text : undefined;
    return { name: n.name.text, node: n, local };
  }
  if (ts.isBindingElement(n) && ts.isIdentifier(n.name) && ts.isObjectBindingPattern(n.parent)) {
    const decl = n.parent.parent;
    const name = n.propertyName && ts.isIdentifier(n.propertyName) ? n.propertyName.text : n.name.text;
    if (!BUSINESS_FIELD.test(name)) return undefined;
    const from = ts.isVariableDeclaration(decl) && decl.initializer ? unwrap(decl.initializer) : undefined;
    if (from && isRequestRead(from)) return { name, node: n, local: n.name.text };
  }
  return undefined;
}

/** The local name and every variable computed from it (`const qty = Number(quantity)`). */
function aliasesOf(body: ts.Node, local: string | undefined): Set<string> {
  const names = new Set<string>(local ? [local] : []);
  let grew = true;
  while (grew) {
    grew = false;
    walk(body, (n) => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && !names.has(n.name.text) && mentions(n.initializer, names, true)) {
        names.add(n.name.text);
        grew = true;
      }
    });
  }
  return names;
}

function mentions(node: ts.Node, names: Set<string>, orRequestField = false): boolean {
  let hit = false;
  forEachNode(node, (n) => {
    if (hit) return false;
    if (ts.isIdentifier(n) && names.has(n.text) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) hit = true;
    else if (orRequestField && ts.isPropertyAccessExpression(n) && BUSINESS_FIELD.test(n.name.text) && isRequestRead(n)) hit = true;
    return !hit;
  });
  return hit;
}

/** A comparison with a bound, Math.max/Math.abs clamping, or a validator call on the value. */
function boundChecked(body: ts.Node, names: Set<string>): boolean {
  let ok = false;
  walk(body, (n) => {
    if (ok) return false;
    if (ts.isBinaryExpression(n) && COMPARISON.has(n.operatorToken.kind) && (mentions(n.left, names, true) || mentions(n.right, names, true))) ok = true;
    if (ts.isCallExpression(n) && /^(Math\.max|Math\.abs|validate\w*|assert\w*|isPositive\w*)$/.test(n.expression.getText()) && n.arguments.some((a) => mentions(a, names, true))) ok = true;
    return undefined;
  });
  return ok;
}

/** The first arithmetic use, store argument or property assignment of the value. */
function firstUse(body: ts.Node, names: Set<string>, read: ts.Node): ts.Node | undefined {
  let use: ts.Node | undefined;
  walk(body, (n) => {
    if (use) return false;
    if (isFunctionLike(n) && n !== body.parent) return undefined;
    if (ts.isBinaryExpression(n) && ARITHMETIC.has(n.operatorToken.kind)) {
      const strings = [n.left, n.right].some((s) => ts.isStringLiteralLike(unwrap(s)) || ts.isTemplateExpression(unwrap(s)));
      if (!strings && (operand(n.left, names, read) || operand(n.right, names, read))) use = n;
    } else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && STORE.test(n.expression.name.text)) {
      if (n.arguments.some((a) => mentions(a, names, true))) use = n;
    }
    return undefined;
  });
  return use;
}

function operand(e: ts.Expression, names: Set<string>, read: ts.Node): boolean {
  const u = unwrap(e);
  if (ts.isIdentifier(u)) return names.has(u.text);
  if (u === read || (ts.isPropertyAccessExpression(u) && BUSINESS_FIELD.test(u.name.text) && isRequestRead(u))) return true;
  if (ts.isCallExpression(u) && /^(Number|parseInt|parseFloat)$/.test(u.expression.getText())) return u.arguments.some((a) => operand(a, names, read));
  return false;
}

/** Arithmetic only matters when the handler changes state: it stores, charges or updates something. */
function writesState(body: ts.Node): boolean {
  let hit = false;
  walk(body, (n) => {
    if (hit) return false;
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && STORE.test(n.expression.name.text)) hit = true;
    const member = ts.isBinaryExpression(n) && (ts.isPropertyAccessExpression(n.left) || ts.isElementAccessExpression(n.left)) ? n.left : undefined;
    if (member && ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && !/^(ctx|res|response|reply|this)$/.test(member.expression.getText())) hit = true;
    if (member && ts.isBinaryExpression(n) && (n.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken || n.operatorToken.kind === ts.SyntaxKind.MinusEqualsToken)) hit = true;
    return undefined;
  });
  return hit;
}
