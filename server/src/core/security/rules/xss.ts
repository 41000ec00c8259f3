// CWE-79: user input written into an HTML response without escaping — res.send/write/end,
// Koa's ctx.body, Fastify replies typed as HTML, and innerHTML/document.write in the browser.
import ts from 'typescript';
import type { CallSite } from '../facts';
import { ensureDefaultImport, fixOf, wrapTainted } from '../fixes/wrap';
import { htmlEscaperVerdict, localFunctionNamed } from '../escapers';
import { cweUrl, type TaintRule, type RuleContext } from '../rule';
import { builderOf, stringParts } from '../parts';
import { calleeText, enclosingFunction, receiverRoot } from '../sinks';
import { forEachNode, unwrap } from '../ast';

const RESPONSE = /^(res|response|ctx\.res|reply\.raw)$/;
const NOT_HTML = /\.type\(\s*['"](text\/plain|txt|text|json|application\/json|text\/csv|csv)['"]|Content-Type['"]\s*[,:]\s*['"](text\/plain|application\/json|text\/csv)/i;
const HTML_TYPE = /\.type\(\s*['"](text\/)?html['"]|Content-Type['"]\s*[,:]\s*['"]text\/html|ctx\.type\s*=\s*['"](text\/)?html/i;

export const xss: TaintRule = {
  meta: {
    id: 'xss',
    cwe: ['CWE-79'],
    defaultSeverity: 'error',
    title: 'Cross-site scripting',
    description:
      'User input is written into an HTML response without escaping, so a request can inject `<script>` into the page another user sees. Escape it (escape-html, he) or render it with a template engine that escapes.',
    docsUrl: cweUrl('CWE-79'),
    hasFix: true,
    constraint: 'Never write request data into HTML unescaped; escape it or send JSON.',
    taint: { sink: 'html', sinkNoun: 'an HTML response', attackPayload: null },
  },
  check(ctx) {
    for (const call of ctx.facts.calls) {
      const arg = htmlArg(ctx, call);
      // Express and Fastify serialise objects and arrays as JSON; only strings become HTML.
      if (arg) check(ctx, arg, calleeText(call), call.name === 'send');
    }
    if (ctx.text.includes('dangerouslySetInnerHTML')) {
      forEachNode(ctx.sourceFile, (n) => {
        if (!ts.isJsxAttribute(n) || n.name.getText() !== 'dangerouslySetInnerHTML') return;
        const value = n.initializer && ts.isJsxExpression(n.initializer) ? n.initializer.expression : undefined;
        const html = value && ts.isObjectLiteralExpression(value) ? value.properties.find((p) => p.name?.getText() === '__html') : undefined;
        if (html && ts.isPropertyAssignment(html)) check(ctx, html.initializer, 'dangerouslySetInnerHTML');
      });
    }
    for (const a of ctx.facts.assignments) {
      const name = a.target.name.text;
      const owner = a.target.expression.getText();
      const koaBody = name === 'body' && /^(ctx|context)$/.test(owner);
      if (koaBody && !looksLikeHtml(ctx, a.node.right)) continue;
      if (koaBody || name === 'innerHTML' || name === 'outerHTML') check(ctx, a.node.right, `${owner}.${name}`);
    }
  },
};

function htmlArg(ctx: RuleContext, call: CallSite): ts.Expression | undefined {
  const arg = call.args[0];
  const root = receiverRoot(call);
  if (!arg || !root) return undefined;
  const value = unwrap(arg);
  if (ts.isObjectLiteralExpression(value) || ts.isArrayLiteralExpression(value)) return undefined;
  if (RESPONSE.test(root) && (call.name === 'send' || call.name === 'write' || call.name === 'end')) {
    return typedAs(call.node, NOT_HTML) ? undefined : arg;
  }
  // Fastify and others default to text/plain for strings: only HTML-typed replies count.
  if (/^(reply|h)$/.test(root) && call.name === 'send' && (typedAs(call.node, HTML_TYPE) || looksLikeHtml(ctx, arg))) return arg;
  if (call.qualifier === 'document' && (call.name === 'write' || call.name === 'writeln')) return arg;
  if (call.name === 'insertAdjacentHTML') return call.args[1];
  return undefined;
}

function check(ctx: RuleContext, arg: ts.Expression, sink: string, objectsAreJson = false): void {
  const taint = ctx.taintAt(arg, 'html');
  // res.send(req.query) sends a parsed object, which Express serialises as JSON.
  if (!taint || (taint.direct && /\.(body|query|params|headers|cookies)$/.test(taint.label))) return;
  // An object built in the handler ({ ...req.body, id }) or parsed JSON goes out as JSON too.
  if (objectsAreJson && taint.maybeObject && !taint.direct && !looksLikeHtml(ctx, arg)) return;
  // A same-file escaper on the way that lets markup through is named in the message.
  const leak = taint.steps.find((st) => / leaves .+ unescaped$/.test(st.message));
  const escape = ensureDefaultImport(ctx, 'escape-html', 'escapeHtml');
  const fix = fixOf('Escape user input with escape-html', wrapTainted(ctx, arg, 'html', (c, node) => `${escape.name}(${leakyEscaperArgument(node) ?? c})`), escape.edit);
  ctx.report({
    node: arg,
    message: leak ? `User input from ${taint.label} is written into HTML by ${sink}, and ${leak.message}` : `User input from ${taint.label} is written into HTML by ${sink} without escaping`,
    taint,
    sink: `written to the page by ${sink}`,
    fixes: fix ? [fix] : [],
  });
}

/**
 * The argument text of a call to a same-file escaper that lets markup through: the fix replaces
 * that call rather than escaping its output a second time.
 */
function leakyEscaperArgument(node: ts.Expression): string | undefined {
  const call = unwrap(node);
  if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || call.arguments.length !== 1) return undefined;
  const fn = localFunctionNamed(call.getSourceFile(), call.expression.text);
  return fn && htmlEscaperVerdict(fn).kind === 'leaks' ? call.arguments[0].getText() : undefined;
}

/** Whether the function sets the response's content type to one matching `re` before this point. */
function typedAs(node: ts.Node, re: RegExp): boolean {
  const fn = enclosingFunction(node);
  const text = fn.getText();
  if (re.test(text.slice(0, node.getEnd() - fn.getStart()))) return true;
  // Chained: res.type('text/plain').send(x)
  return re.test(node.getText().slice(0, 200));
}

function looksLikeHtml(ctx: RuleContext, arg: ts.Expression): boolean {
  const builder = builderOf(ctx.facts.definitionOf, arg);
  const parts = builder && stringParts(builder);
  return parts !== undefined && parts.some((p) => p.kind === 'text' && /<[a-zA-Z!/]/.test(p.text));
}
