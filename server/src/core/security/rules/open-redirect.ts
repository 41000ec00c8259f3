// CWE-601: a redirect whose target comes from the request, so a link on the real site sends
// users to an attacker's page. Fixed-origin prefixes and allowlist checks are safe.
import ts from 'typescript';
import type { CallSite } from '../facts';
import { cweUrl, type TaintRule, type RuleContext } from '../rule';
import { builderOf, stringParts } from '../parts';
import { calleeText, identifiersIn, isGuarded, receiverRoot } from '../sinks';
import { unwrap } from '../ast';

const RESPONDER = /^(res|response|ctx|context|reply|h)$/;
const ALLOWLIST = (n: string): RegExp =>
  new RegExp(`(includes|has|indexOf)\\(\\s*${n}\\s*\\)|${n}\\s*\\.\\s*startsWith\\(\\s*['"]/|[!=]==\\s*${n}\\b|${n}(\\.(origin|host|hostname))?\\s*[!=]==|isSafeRedirect|isLocalUrl|isRelativeUrl`);

export const openRedirect: TaintRule = {
  meta: {
    id: 'open-redirect',
    cwe: ['CWE-601'],
    defaultSeverity: 'warning',
    title: 'Open redirect',
    description:
      'The redirect target comes from the request, so a link on your site can forward users to a phishing page. Redirect only to local paths or to an allowlist of URLs.',
    docsUrl: cweUrl('CWE-601'),
    hasFix: true,
    constraint: 'Redirect only to relative paths or an allow-list of hosts.',
    taint: { sink: 'redirect', sinkNoun: 'a redirect', attackPayload: null },
  },
  check(ctx) {
    for (const call of ctx.facts.calls) {
      const target = redirectTarget(call);
      if (target) check(ctx, target, calleeText(call));
    }
    for (const a of ctx.facts.assignments) {
      if (/^(location|window\.location|document\.location)$/.test(a.target.expression.getText()) && a.target.name.text === 'href') {
        check(ctx, a.node.right, 'location.href');
      }
    }
  },
};

function redirectTarget(call: CallSite): ts.Expression | undefined {
  const root = receiverRoot(call);
  if (!root || !RESPONDER.test(root)) return undefined;
  if (call.name === 'redirect') return call.args[call.args.length - 1];
  if (call.name === 'location') return call.args[0];
  if ((call.name === 'setHeader' || call.name === 'set' || call.name === 'header') && call.args.length === 2) {
    const name = unwrap(call.args[0]);
    return ts.isStringLiteralLike(name) && name.text.toLowerCase() === 'location' ? call.args[1] : undefined;
  }
  if (call.name === 'writeHead') {
    const headers = call.args.map(unwrap).find(ts.isObjectLiteralExpression);
    const loc = headers?.properties.find((p) => p.name && p.name.getText().replace(/['"]/g, '').toLowerCase() === 'location');
    return loc && ts.isPropertyAssignment(loc) ? loc.initializer : undefined;
  }
  return undefined;
}

function check(ctx: RuleContext, target: ts.Expression, sink: string): void {
  const taint = ctx.taintAt(target, 'redirect');
  if (!taint || fixedOrigin(ctx, target) || localOnly(target) || backToReferrer(target, ctx) || sameHostUpgrade(target)) return;
  const names = identifiersIn(target);
  const def = ts.isIdentifier(unwrap(target)) ? ctx.facts.definitionOf(unwrap(target) as ts.Identifier) : undefined;
  if (def) names.push(...identifiersIn(def));
  if (isGuarded(target, names, ALLOWLIST)) return;
  const code = `String(${target.getText()})`;
  const fix = {
    title: 'Redirect only to paths on this site',
    edits: [{ span: { start: target.getStart(), end: target.getEnd() }, newText: `${LOCAL_PATH}.test(${code}) ? ${code} : '/'` }],
  };
  ctx.report({ node: target, message: `User input from ${taint.label} chooses the redirect target of ${sink}`, taint, sink: `redirects with ${sink}`, fixes: [fix] });
}

/**
 * `res.redirect(req.get('Referrer') || '/')` is Express's documented replacement for
 * `redirect('back')`. The browser sets the Referer to the page the user came from; a page can
 * only send the user back to itself, so an attacker's link returns its victim to the attacker's
 * own page, which grants nothing it did not have. It is not reported.
 */
function backToReferrer(target: ts.Expression, ctx: RuleContext): boolean {
  let e = unwrap(target);
  if (ts.isIdentifier(e)) e = unwrap(ctx.facts.definitionOf(e) ?? e);
  if (ts.isBinaryExpression(e) && (e.operatorToken.kind === ts.SyntaxKind.BarBarToken || e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) e = unwrap(e.left);
  const REFERRER = /^referr?er$/i;
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && /^(get|header)$/.test(e.expression.name.text)) {
    const arg = e.arguments[0];
    return arg !== undefined && ts.isStringLiteralLike(arg) && REFERRER.test(arg.text);
  }
  if (ts.isPropertyAccessExpression(e) && /^headers$/.test(e.expression.getText().split('.').pop() ?? '')) return REFERRER.test(e.name.text);
  if (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression) && /headers$/.test(e.expression.getText())) return REFERRER.test(e.argumentExpression.text);
  return false;
}

/**
 * `res.redirect('https://' + req.get('host') + req.url)`: the HTTP-to-HTTPS upgrade. The host is
 * the one the browser itself connected to (a page cannot make a victim's browser send another
 * Host), and the request line's URL always starts with '/', so the target stays on this site.
 */
function sameHostUpgrade(target: ts.Expression): boolean {
  const parts: ts.Expression[] = [];
  const collect = (e: ts.Expression): void => {
    const u = unwrap(e);
    if (ts.isBinaryExpression(u) && u.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      collect(u.left);
      collect(u.right);
    } else if (ts.isTemplateExpression(u)) {
      parts.push(ts.factory.createStringLiteral(u.head.text));
      for (const span of u.templateSpans) parts.push(span.expression, ts.factory.createStringLiteral(span.literal.text));
    } else parts.push(u);
  };
  collect(target);
  const text = (e: ts.Expression): string => (ts.isStringLiteralLike(e) ? e.text : '\0');
  if (!/^https?:\/\/$/.test(text(parts[0] ?? target))) return false;
  const host = parts[1] && unwrap(parts[1]).getText().replace(/\s/g, '');
  if (!host || !/^(req|request|ctx)\.(get\(['"]host['"]\)|header\(['"]host['"]\)|headers\.host|headers\[['"]host['"]\]|hostname|host)$/i.test(host)) return false;
  return parts.slice(2).every((p) => {
    const u = unwrap(p);
    if (ts.isStringLiteralLike(u)) return u.text === '' || u.text.startsWith('/');
    return /^(req|request|ctx)\.(url|originalUrl|path)$/.test(u.getText());
  });
}

/** A path on this site: one slash, not followed by another slash or a backslash (//evil, /\\evil). */
const LOCAL_PATH = '/^\\/(?![\\/\\\\])/';

/** `cond ? target : '/fallback'` where the condition checks for a local path. */
function localOnly(target: ts.Expression): boolean {
  const e = unwrap(target);
  if (!ts.isConditionalExpression(e)) return false;
  const fallback = unwrap(e.whenFalse);
  return ts.isStringLiteralLike(fallback) && /^\/(?![/\\])/.test(fallback.text) && /startsWith\(\s*['"]\/|\.test\(/.test(e.condition.getText());
}

/** `/account/${id}` or `https://example.com/${path}`: the user picks a path, not a site. */
function fixedOrigin(ctx: RuleContext, target: ts.Expression): boolean {
  const builder = builderOf(ctx.facts.definitionOf, target);
  const parts = builder && stringParts(builder);
  const first = parts?.[0];
  return first !== undefined && first.kind === 'text' && /^(\/[^/\\]|https?:\/\/[^/]+[/?#]|[?#])/.test(first.text);
}
