// CWE-918: the server fetches a URL the request chose, so an attacker reaches internal services
// (cloud metadata, admin ports). A fixed origin with user input only in the path is safe.
import ts from 'typescript';
import type { CallSite } from '../facts';
import { cweUrl, type TaintRule, type RuleContext } from '../rule';
import { builderOf, stringParts } from '../parts';
import { calleeText, exportName, identifiersIn, isGuarded, moduleOf } from '../sinks';
import { unwrap } from '../ast';

const CLIENT_MODULES = new Set(['axios', 'got', 'node-fetch', 'undici', 'request', 'superagent', 'needle', 'http', 'https', 'ky', 'cross-fetch', 'isomorphic-fetch', 'phin', 'bent']);
const CLIENT_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'request', 'fetch', 'options', 'stream']);
const URL_KEYS = new Set(['url', 'baseURL', 'host', 'hostname', 'uri', 'origin']);
const ALLOWLIST = (n: string): RegExp =>
  new RegExp(`(includes|has|indexOf)\\(\\s*${n}(\\.host(name)?)?\\s*\\)|${n}\\.(host|hostname|origin)\\s*[!=]==|isAllowedUrl|isSafeUrl|allowedHosts`);

export const ssrf: TaintRule = {
  meta: {
    id: 'ssrf',
    cwe: ['CWE-918'],
    defaultSeverity: 'error',
    title: 'Server-side request forgery',
    description:
      'The server requests a URL taken from the request, so an attacker can make it call internal services such as http://169.254.169.254/ or localhost admin ports. Fix the origin and let users choose only a path, or check the host against an allowlist.',
    docsUrl: cweUrl('CWE-918'),
    hasFix: false,
    constraint: 'Fetch only URLs whose host is on an allow-list.',
    taint: { sink: 'url', sinkNoun: 'the URL of an outgoing request', attackPayload: null },
  },
  check(ctx) {
    for (const call of ctx.facts.calls) {
      if (!isClient(call) || call.args.length === 0) continue;
      const first = unwrap(call.args[0]);
      const targets = ts.isObjectLiteralExpression(first) ? urlProperties(first) : [call.args[0]];
      for (const target of targets) {
        const taint = ctx.taintAt(target, 'url');
        if (!taint || fixedOrigin(ctx, target) || guarded(ctx, target)) continue;
        ctx.report({ node: target, message: `User input from ${taint.label} chooses the URL requested by ${calleeText(call)}`, taint, sink: `requested by ${calleeText(call)}` });
        break;
      }
    }
  },
};

function isClient(call: CallSite): boolean {
  const mod = moduleOf(call);
  if (mod && CLIENT_MODULES.has(mod)) {
    const name = exportName(call);
    return name === undefined || CLIENT_METHODS.has(name) || name === mod || call.callee?.path.length === 0;
  }
  if (!call.callee && !call.qualifier && call.name === 'fetch') return true;
  if (!call.callee && call.qualifier && /^(axios|got|http|https|superagent|needle)$/.test(call.qualifier)) return CLIENT_METHODS.has(call.name);
  return false;
}

function urlProperties(o: ts.ObjectLiteralExpression): ts.Expression[] {
  const out: ts.Expression[] = [];
  for (const p of o.properties) {
    if (ts.isPropertyAssignment(p) && URL_KEYS.has(p.name.getText())) out.push(p.initializer);
    else if (ts.isShorthandPropertyAssignment(p) && URL_KEYS.has(p.name.text)) out.push(p.name);
  }
  return out;
}

function fixedOrigin(ctx: RuleContext, target: ts.Expression): boolean {
  const builder = builderOf(ctx.facts.definitionOf, target);
  const parts = builder && stringParts(builder);
  const first = parts?.[0];
  return first !== undefined && first.kind === 'text' && /^(https?:\/\/[^/${}]+[/?#]|\/[^/\\])/.test(first.text);
}

function guarded(ctx: RuleContext, target: ts.Expression): boolean {
  const names = identifiersIn(target);
  const e = unwrap(target);
  if (ts.isIdentifier(e)) {
    const def = ctx.facts.definitionOf(e);
    if (def) names.push(...identifiersIn(def));
  }
  return isGuarded(target, names, ALLOWLIST);
}
