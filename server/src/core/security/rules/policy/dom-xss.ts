// CWE-79 in the browser: data from another window, the URL, the network or a socket written into
// the page as HTML (innerHTML, outerHTML, insertAdjacentHTML, document.write, jQuery .html()).
import ts from 'typescript';
import type { Rule, RuleContext } from '../../rule';
import { cweUrl } from '../../rule';
import { unwrap } from '../../ast';
import { definitionOf, evidence, step } from './util';

const HTML_PROPS = /^(innerHTML|outerHTML)$/;
/** Members that carry data an attacker controls in the browser. */
const URL_SOURCE = /^(location|window\.location|document\.location)\.(hash|search|href|pathname)$|^document\.(URL|documentURI|referrer|cookie)$|^window\.name$/;
const MESSAGE_PARAM = /^(event|evt|ev|e|msg|message)$/;
const SAFE_CALL = /(sanitize|sanitise|escape|encode|purify|Number|parseInt|parseFloat|toFixed)\w*$/i;
const NETWORK_CALL = /^(fetch|json|text|get|post|put|request|ajax|getJSON)$/;

export const domXss: Rule = {
  meta: {
    id: 'dom-xss',
    cwe: ['CWE-79'],
    defaultSeverity: 'warning',
    title: 'DOM cross-site scripting',
    description: 'Browser code writes data from a postMessage event, the URL, a network response or a socket message into the page as HTML (innerHTML, outerHTML, insertAdjacentHTML, document.write, jQuery .html()); set textContent instead, or sanitise with DOMPurify.',
    docsUrl: cweUrl('CWE-79'),
    hasFix: false,
  },
  check(ctx) {
    for (const a of ctx.facts.assignments) {
      if (!HTML_PROPS.test(a.target.name.text) || a.node.operatorToken.kind !== ts.SyntaxKind.EqualsToken && a.node.operatorToken.kind !== ts.SyntaxKind.PlusEqualsToken) continue;
      report(ctx, a.node.right, `${a.target.name.text} =`);
    }
    for (const c of ctx.facts.calls) {
      if (c.name === 'insertAdjacentHTML' && c.args[1]) report(ctx, c.args[1], 'insertAdjacentHTML()');
      else if ((c.name === 'write' || c.name === 'writeln') && c.qualifier === 'document' && c.args[0]) report(ctx, c.args[0], `document.${c.name}()`);
      else if (c.name === 'html' && c.args[0] && c.receiver && /^\$|^jQuery/.test(c.receiver.getText())) report(ctx, c.args[0], '.html()');
    }
  },
};

function report(ctx: RuleContext, value: ts.Expression, sink: string): void {
  // Request-style sources the taint engine follows (the URL, the referrer) are the xss rule's.
  if (ctx.taintAt(value, 'html')) return;
  const source = browserSource(value, ctx, 0);
  if (!source) return;
  ctx.report({
    node: value,
    message: `${source.what} is written into the page as HTML by ${sink}; use textContent, or sanitise it with DOMPurify`,
    taint: evidence([step(source.node, source.what), step(value, `written as HTML by ${sink}`)]),
    sink: `written as HTML by ${sink}`,
  });
}

interface Source {
  node: ts.Node;
  what: string;
}

function browserSource(expr: ts.Node, ctx: RuleContext, depth: number): Source | undefined {
  if (depth > 3) return undefined;
  let found: Source | undefined;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isPropertyAccessExpression(n)) {
      const text = n.getText();
      if (URL_SOURCE.test(text)) { found = { node: n, what: `The URL (${text})` }; return; }
      const root = rootIdentifier(n);
      if (root && n.name.text === 'data' && ts.isIdentifier(n.expression) && MESSAGE_PARAM.test(n.expression.text) && isParameter(n.expression)) {
        found = { node: n, what: `Message data (${text})` };
        return;
      }
      if (root && isCallbackParameterOfListener(root)) { found = { node: n, what: `Data received by a listener (${text})` }; return; }
      if (root && fromNetwork(root, ctx)) { found = { node: n, what: `A network response (${text})` }; return; }
      if (/\.(responseText|response)$/.test(text)) { found = { node: n, what: `A network response (${text})` }; return; }
    }
    // A sanitiser, an encoder or a number conversion makes the value safe for HTML.
    if (ts.isCallExpression(n) && SAFE_CALL.test(n.expression.getText())) return;
    if (ts.isIdentifier(n) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) {
      const def = definitionOf(n, ctx.facts);
      if (def && def !== expr) {
        const inner = browserSource(def, ctx, depth + 1);
        if (inner) { found = inner; return; }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(expr);
  return found;
}

function rootIdentifier(n: ts.Expression): ts.Identifier | undefined {
  let e: ts.Expression = n;
  while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) e = unwrap(e.expression);
  return ts.isIdentifier(e) ? e : undefined;
}

function parameterOf(id: ts.Identifier): ts.ParameterDeclaration | undefined {
  for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
    if (ts.isFunctionLike(n)) {
      const p = n.parameters.find((x) => ts.isIdentifier(x.name) && x.name.text === id.text);
      if (p) return p;
    }
  }
  return undefined;
}

function isParameter(id: ts.Identifier): boolean {
  return parameterOf(id) !== undefined;
}

/** `socket.on('new_message', (data) => …)`, `ws.onmessage = (m) => …`, `addEventListener('message', …)`. */
function isCallbackParameterOfListener(id: ts.Identifier): boolean {
  const p = parameterOf(id);
  const fn = p?.parent;
  const call = fn?.parent;
  if (!fn || !call || !ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression)) return false;
  const method = call.expression.name.text;
  if (method === 'addEventListener') {
    const kind = call.arguments[0];
    return kind !== undefined && ts.isStringLiteralLike(kind) && kind.text === 'message';
  }
  return (method === 'on' || method === 'once') && /socket|io|ws|channel/i.test(call.expression.expression.getText());
}

/** A name bound to `await fetch(…)`, `await r.json()`, `await axios.get(…)`, or a `.then(r => …)` parameter of one. */
function fromNetwork(id: ts.Identifier, ctx: RuleContext): boolean {
  const def = definitionOf(id, ctx.facts);
  if (def) {
    // unwrap() also removes the await, so the text tells an awaited call from a plain one.
    const e = unwrap(def);
    if (/^\(?\s*await\b/.test(def.getText()) && ts.isCallExpression(e)) {
      const callee = e.expression;
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
      if (NETWORK_CALL.test(name)) return true;
    }
    return false;
  }
  const p = parameterOf(id);
  const call = p?.parent?.parent;
  if (call && ts.isCallExpression(call) && ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === 'then') {
    return /\b(fetch|axios|\$\.ajax|\.json\(\)|getJSON)\b/.test(call.expression.expression.getText());
  }
  return false;
}
