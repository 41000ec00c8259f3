// The sources and sinks the supply-chain rules share: sensitive local data, decoded strings,
// downloaded text, network and DNS calls, code runners. Pure.
import ts from 'typescript';
import type { Tracker } from './flow';
import type { CallSite } from '../../facts';

const IDENTITY = /^(os\.)?(hostname|userInfo|networkInterfaces)$/;
const SENSITIVE_PATH = /(\.ssh|id_rsa|id_ed25519|authorized_keys|\.npmrc|\.aws|\.env\b|\.git-credentials|\.netrc|\.kube|\.docker\/config|wallet|keystore|solana|\.ethereum|electrum|exodus|Local Extension Settings|Local Storage|leveldb|Login Data|Cookies|discord|google-chrome|BraveSoftware|Chromium|\.mozilla)/i;
const SECRET_ENV = /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY|PRIVATE|AUTH|CREDENTIAL|NPM_|AWS_|GITHUB_|GH_)/i;

/** Sensitive local data. `bulk` sources (the whole environment, credential and wallet files)
 *  count at any scope; identity and single secrets only where `atLoad` says the code runs at load. */
export function sensitiveSource(node: ts.Node, tracker: Tracker, atLoad: (n: ts.Node) => boolean): string | undefined {
  const text = node.getText();
  if (ts.isPropertyAccessExpression(node) && text.replace(/\s/g, '') === 'process.env') {
    const p = node.parent;
    const named = (ts.isPropertyAccessExpression(p) && p.expression === node) || (ts.isElementAccessExpression(p) && p.expression === node);
    if (named) return undefined;
    // `'CI' in process.env` and `{ ...process.env }` passed to a child are local uses.
    if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.InKeyword) return undefined;
    if (ts.isSpreadAssignment(p)) return undefined;
    if (ts.isVariableDeclaration(p)) return undefined;
    return 'the whole environment (process.env)';
  }
  if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) && /^process\.env\b/.test(text.replace(/\s/g, ''))) {
    const name = ts.isPropertyAccessExpression(node) ? node.name.text : node.argumentExpression.getText().replace(/['"`]/g, '');
    if (SECRET_ENV.test(name) && atLoad(node)) return `process.env.${name}`;
    return undefined;
  }
  if (ts.isCallExpression(node)) {
    const callee = node.expression.getText();
    const last = callee.slice(callee.lastIndexOf('.') + 1);
    if (IDENTITY.test(callee.replace(/^\w+\.(?=(hostname|userInfo|networkInterfaces)$)/, 'os.')) && /^(os\.|\w+\.)?(hostname|userInfo|networkInterfaces)$/.test(callee) && node.arguments.length === 0) {
      return atLoad(node) ? `${callee}()` : undefined;
    }
    if (/^(readFileSync|readFile|readdirSync|createReadStream)$/.test(last) && node.arguments[0]) {
      const path = tracker.resolvedText(node.arguments[0]);
      const m = SENSITIVE_PATH.exec(path);
      if (m) return `a ${m[1]} file (${callee})`;
    }
  }
  return undefined;
}

/** Strings made by decoding: base64 or hex through Buffer or atob, character codes, reversed or
 *  joined literal pieces, deciphered text. */
export function decodedSource(node: ts.Node): string | undefined {
  if (!ts.isCallExpression(node)) return undefined;
  const callee = node.expression.getText();
  const args = node.arguments.map((a) => a.getText());
  if (/(^|\.)Buffer\.from$|^new Buffer$/.test(callee) && /^['"`](base64|hex|base64url)['"`]$/.test(args[1] ?? '')) return `a ${args[1].slice(1, -1)}-decoded string`;
  if (/^(atob|(window|globalThis|self)\.atob)$/.test(callee)) return 'a base64-decoded string (atob)';
  if (/String\.fromCharCode$/.test(callee) || /fromCharCode\.apply$/.test(callee)) return 'a string built from character codes';
  if (/\.join$/.test(callee) && /\.reverse\(\)\.join$|\.split\((''|"")\)\.reverse/.test(callee)) return 'a reversed string';
  if (/(^|\.)createDecipher(iv)?$/.test(callee)) return 'deciphered text';
  return undefined;
}

const NET_MODULES = /^(node:)?(http|https|http2|net|tls|dns|dns\/promises|axios|got|needle|superagent|request|node-fetch|cross-fetch|undici|socket\.io-client|ws|phin|bent)$/;

/** Network and DNS calls of a file: calls of networking modules, fetch, and `.write`/`.end` on
 *  a request or socket such a call returned. */
export function networkCalls(calls: readonly CallSite[]): CallSite[] {
  const out: CallSite[] = [];
  const requestVars = new Set<string>();
  for (const c of calls) {
    const mod = c.callee?.module;
    const isNet = (mod !== undefined && NET_MODULES.test(mod) && !/^(createServer|Agent|isIP|STATUS_CODES)$/.test(c.name)) || (!c.qualifier && /^(fetch|io|WebSocket|XMLHttpRequest)$/.test(c.name)) || c.qualifier === 'globalThis' && c.name === 'fetch';
    if (!isNet) continue;
    out.push(c);
    const p = c.node.parent;
    if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) requestVars.add(p.name.text);
  }
  for (const c of calls) {
    if ((c.name === 'write' || c.name === 'end' || c.name === 'send' || c.name === 'emit') && c.qualifier && requestVars.has(c.qualifier)) out.push(c);
    // `https.request(…).end(data)`: the payload goes to the request just made.
    if ((c.name === 'write' || c.name === 'end') && c.receiver && ts.isCallExpression(c.receiver) && out.some((o) => o.node === c.receiver)) out.push(c);
  }
  return out;
}

/** Calls that run a string as code, or load a module by a computed name. */
export function codeRunner(node: ts.Node, requireAliases: ReadonlySet<string> = new Set()): string | undefined {
  if (!ts.isCallExpression(node) && !ts.isNewExpression(node)) return undefined;
  const callee = node.expression.getText().replace(/\s/g, '');
  if (/^(eval|Function|globalThis\.eval|window\.eval)$/.test(callee)) return callee;
  if (/(^|\.)(runInNewContext|runInThisContext|runInContext|compileFunction|_compile)$/.test(callee) || /^new(vm\.)?Script$/.test(`new${callee}`)) return callee;
  if (ts.isNewExpression(node) && /^(vm\.)?Script$/.test(callee)) return callee;
  if (callee === 'require' || requireAliases.has(callee)) return callee;
  // `f[decode('…')](payload)`: a method whose name is hidden.
  if (ts.isCallExpression(node) && ts.isElementAccessExpression(node.expression) && ts.isCallExpression(node.expression.argumentExpression)) return `${node.expression.expression.getText()}[…]`;
  return undefined;
}

/** A short name of a sink call: "https.request", "req.end", "https.request(…).end". */
export function sinkName(c: CallSite): string {
  if (c.qualifier) return `${c.qualifier}.${c.name}`;
  if (c.receiver && ts.isCallExpression(c.receiver)) return `${c.receiver.expression.getText().slice(0, 30)}(…).${c.name}`;
  return c.name;
}

/** Names a file gives to `require` (`var r = require`). */
export function requireAliases(sf: ts.SourceFile): Set<string> {
  const out = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && ts.isIdentifier(n.initializer) && n.initializer.text === 'require') out.add(n.name.text);
    n.forEachChild(visit);
  };
  if (/=\s*require\s*[,;\n]/.test(sf.text)) visit(sf);
  return out;
}
