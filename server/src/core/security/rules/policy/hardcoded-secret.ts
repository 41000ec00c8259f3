// CWE-798: signing keys, session secrets, API keys and passwords written into the code.
// Anyone who can read the repository (or the bundle) can forge tokens or sessions with them.
import ts from 'typescript';
import type { Rule, RuleContext } from '../../rule';
import { cweUrl } from '../../rule';
import { unwrap } from '../../ast';
import { definitionOf, evidence, nodeIndex, propertyName, propertyValue, resolveObject, step } from './util';

/** Option names that hold a signing or encryption key in session, JWT and cookie middleware. */
const SECRET_OPTIONS = /^(secret|secretOrKey|secretOrPrivateKey|privateKey|keys|jwtSecret|cookieSecret|signingKey)$/;
/** Middleware factories whose options carry a secret. */
const SECRET_FACTORIES = /^(session|cookieSession|expressSession|expressjwt|expressJwt|jwt|koaJwt|JwtStrategy|Strategy|register|fastifyJwt|secureSession)$/;
/** Names of variables and config properties that hold credentials: the name ends in the credential word. */
const CREDENTIAL_NAME = /(secret|secret_?key|api_?key|apikey|access_?key|private_?key|signing_?key|token|bearer|passw(or)?d|passwd|pwd|pass)$/i;
/** Names that mention a credential but hold a header name, a label or a length. */
const NOT_A_VALUE = /header|name|field|label|length|min|max|prefix|type|url|path|route|cookie_?name|key_?id|regex|pattern|hint|message|placeholder/i;
const PASSWORD_HASH = /^\$(2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}|argon2(id|i|d)\$|scrypt\$|pbkdf2[-\w]*\$|[156]\$[./A-Za-z0-9]{1,16}\$)/;
const KNOWN_PREFIX = /^(sk_live_|sk_test_|rk_live_|pk_live_|AKIA|ASIA|ghp_|gho_|github_pat_|xox[abpr]-|AIza|SG\.|sk-[A-Za-z0-9])/;

export const hardcodedSecret: Rule = {
  meta: {
    id: 'hardcoded-secret',
    cwe: ['CWE-798'],
    defaultSeverity: 'warning',
    title: 'Hard-coded secret',
    description: 'A JWT signing key, session secret, API key or password is a literal in the code, so everyone with the source can forge tokens or log in; read it from the environment or a secret store and fail at start-up when it is missing.',
    docsUrl: cweUrl('CWE-798'),
    hasFix: false,
  },
  check(ctx) {
    for (const call of ctx.facts.calls) {
      const jwtCall = (call.callee?.module === 'jsonwebtoken' || call.qualifier === 'jwt') && (call.name === 'sign' || call.name === 'verify');
      if (jwtCall) {
        const key = call.args[1];
        if (key) secretUse(ctx, key, `the JWT ${call.name === 'sign' ? 'signing' : 'verification'} key`);
        continue;
      }
      if (call.name === 'cookieParser' || call.callee?.module === 'cookie-parser') {
        if (call.args[0]) secretUse(ctx, call.args[0], 'the cookie signing secret');
        continue;
      }
      if ((call.name === 'createHmac' || call.name === 'createCipheriv') && call.args[1]) {
        secretUse(ctx, call.args[1], `the ${call.name === 'createHmac' ? 'HMAC' : 'cipher'} key`);
        continue;
      }
      if (!SECRET_FACTORIES.test(call.name) && !(call.callee?.module ?? '').match(/session|jwt/)) continue;
      for (const arg of call.args) {
        const obj = resolveObject(arg, ctx.facts);
        if (!obj) continue;
        for (const p of obj.properties) {
          const n = propertyName(p.name);
          const v = propertyValue(p);
          if (n && v && SECRET_OPTIONS.test(n)) secretUse(ctx, v, `the ${n} option of ${call.name}()`);
        }
      }
    }
    // Koa: app.keys = ['…'] signs every cookie.
    for (const a of ctx.facts.assignments) {
      if (a.target.name.text === 'keys') secretUse(ctx, a.node.right, 'app.keys, which sign cookies');
    }
    namedLiterals(ctx);
  },
};

/** Reports a literal (or an environment fallback) that reaches a place where a secret belongs. */
function secretUse(ctx: RuleContext, expr: ts.Expression, role: string): void {
  let e = unwrap(expr);
  let via: ts.Node | undefined;
  if (ts.isIdentifier(e)) {
    const def = definitionOf(e, ctx.facts);
    if (!def) return;
    via = e;
    e = unwrap(def);
  }
  if (ts.isArrayLiteralExpression(e)) {
    for (const el of e.elements) secretUse(ctx, el, role);
    return;
  }
  const steps = via ? [step(e, 'the literal is defined here'), step(via, `and used as ${role}`)] : [step(e, `a literal is used as ${role}`)];
  // An empty key is not a secret anyone can reuse; jsonwebtoken refuses it anyway.
  if (ts.isStringLiteralLike(e) && e.text.length > 0) {
    ctx.report({ node: e, message: `A hard-coded string is used as ${role}; anyone with the source can forge what it protects — read it from the environment`, taint: evidence(steps), sink: 'hard-coded secret' });
    return;
  }
  // `process.env.X || 'dev-secret'`: if the variable is missing in production the app silently
  // runs with a key that is in the repository, so the fallback is reported too.
  if (ts.isBinaryExpression(e) && isFallback(e.operatorToken.kind) && isEnvRead(e.left)) {
    const lit = unwrap(e.right);
    if (ts.isStringLiteralLike(lit) && lit.text.length > 0) {
      ctx.report({ node: lit, message: `${role[0].toUpperCase()}${role.slice(1)} falls back to a hard-coded string when ${e.left.getText()} is unset; fail at start-up instead of signing with a public key`, taint: evidence(steps), sink: 'hard-coded fallback secret' });
    }
  }
}

/** `const STRIPE_KEY = 'sk_live_…'` and `{ apiKey: '9f8a…' }`: credential names bound to key-like literals. */
function namedLiterals(ctx: RuleContext): void {
  const ix = nodeIndex(ctx.sourceFile);
  for (const n of ix.strings) {
    if (n.text.length >= 20 && KNOWN_PREFIX.test(n.text)) {
      ctx.report({ node: n, message: 'A live API key is written into the code; move it to the environment or a secret store and rotate it', taint: evidence([step(n, 'vendor key literal')]), sink: 'hard-coded credential' });
    }
  }
  const bound: [string | undefined, ts.Expression | undefined, ts.Node][] = [
    ...ix.declarations.map((d): [string | undefined, ts.Expression | undefined, ts.Node] => [ts.isIdentifier(d.name) ? d.name.text : undefined, d.initializer, d]),
    ...ix.propertyAssignments.map((p): [string | undefined, ts.Expression | undefined, ts.Node] => [propertyName(p.name), p.initializer, p]),
  ];
  for (const [name, value, n] of bound) {
    if (!name || !value) continue;
    const lit = unwrap(value);
    if (ts.isStringLiteralLike(lit) && CREDENTIAL_NAME.test(name) && !NOT_A_VALUE.test(name) && looksLikeCredential(name, lit.text) && !inErrorPayload(n)) {
      ctx.report({ node: lit, message: `"${name}" is a credential written into the code; move it to the environment or a secret store and rotate it`, taint: evidence([step(n, `${name} is bound to a literal`)]), sink: 'hard-coded credential' });
    }
  }
}

/** Constructors and factories whose argument describes a failure to the caller. */
const ERROR_MAKER = /(Error|Exception|Failure|Problem)$/;
/** Properties that hold what went wrong, per field: `errors: { password: 'incorrectPassword' }`. */
const ERROR_HOLDER = /^(errors?|messages?|validationErrors|fieldErrors|details|reasons?|problems?)$/i;

/**
 * `throw new UnprocessableEntityException({ errors: { password: 'incorrectPassword' } })`: a
 * credential name keyed to a literal in a thrown value, an error's arguments or an errors map names
 * the field that failed; the literal is what the client is told, not a credential anyone signs in with.
 */
function inErrorPayload(n: ts.Node): boolean {
  for (let p: ts.Node | undefined = n.parent; p && !ts.isSourceFile(p); p = p.parent) {
    if (ts.isThrowStatement(p)) return true;
    if ((ts.isNewExpression(p) || ts.isCallExpression(p)) && ERROR_MAKER.test(calleeName(p.expression))) return true;
    if (ts.isPropertyAssignment(p) && ERROR_HOLDER.test(propertyName(p.name) ?? '')) return true;
    if (ts.isFunctionLike(p) || ts.isClassLike(p) || ts.isStatement(p) && !ts.isReturnStatement(p) && !ts.isExpressionStatement(p)) return false;
  }
  return false;
}

function calleeName(e: ts.Expression): string {
  const u = unwrap(e);
  if (ts.isIdentifier(u)) return u.text;
  if (ts.isPropertyAccessExpression(u)) return u.name.text;
  return '';
}

/** Passwords count whenever non-empty; keys and tokens must look random or carry a vendor prefix. */
function looksLikeCredential(name: string, value: string): boolean {
  // `RESET_PASSWORD: 'resetPassword'`: the value spells its own name, an enum label.
  if (spelling(value) === spelling(name)) return false;
  // A stored password hash (bcrypt, argon2, scrypt, crypt's $1$/$5$/$6$): nobody signs in with it.
  if (PASSWORD_HASH.test(value)) return false;
  if (value.length < 6 || /\s/.test(value) || /^(https?:|\/|\.)/.test(value) || /^\$\{/.test(value)) return false;
  if (KNOWN_PREFIX.test(value)) return true;
  if (/passw|pwd/i.test(name)) return value.length >= 4;
  return value.length >= 16 && entropy(value) >= 3.5 && /\d/.test(value);
}

/** A name or value with case and separators removed: RESET_PASSWORD, resetPassword → resetpassword. */
function spelling(s: string): string {
  return s.replace(/[^A-Za-z0-9]/g, '').toLowerCase();
}

/** Shannon entropy in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) h -= (c / s.length) * Math.log2(c / s.length);
  return h;
}

function isFallback(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.BarBarToken || kind === ts.SyntaxKind.QuestionQuestionToken;
}

function isEnvRead(e: ts.Expression): boolean {
  let n = unwrap(e);
  while (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) {
    if (ts.isPropertyAccessExpression(n) && n.name.text === 'env' && ts.isIdentifier(n.expression) && n.expression.text === 'process') return true;
    n = n.expression;
  }
  return false;
}

