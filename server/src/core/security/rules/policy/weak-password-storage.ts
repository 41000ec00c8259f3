// CWE-522/916/328: passwords stored as plaintext or through a fast hash (md5, sha1, sha256) instead
// of a slow, salted KDF; a leaked database then gives away every password within hours.
import ts from 'typescript';
import type { Fix } from '../../../types';
import type { Rule, RuleContext } from '../../rule';
import { cweUrl } from '../../rule';
import { forEachNode, unwrap } from '../../ast';
import { bindingName, enclosingFunction, evidence, functionName, propertyName, requestDerived, step, stringValue, walk, definitionOf } from './util';
import { ensureModule } from './imports';
import { hashesPasswordsOnWrite } from '../../model-hooks';
import type { CallSite } from '../../facts';

const PASSWORD = /passw(or)?d|^pwd$|^pass$|credential/i;
/** Names that mention a password or credential but hold its id, type, length or a timestamp. */
const NOT_THE_PASSWORD = /(Id|ID|Ids|IDs|_id|Type|Name|Count|Length|At|Expires)$/;
const FAST_HASHES = /^(md4|md5|sha1|sha-1|sha224|sha256|sha-256|sha384|sha512|sha-512|sha3-\d+|ripemd160|whirlpool)$/i;
/** Calls whose result is a hash or a slow KDF output rather than the password itself. */
const HASHING_CALL = /hash|bcrypt|argon|scrypt|pbkdf2|digest|encrypt|kdf|md5|sha\d|sha3|ripemd/i;
const STORE_CALLS = /^(create|insert|insertOne|insertMany|save|push|set|update|updateOne|findOneAndUpdate|upsert|build|run|query|execute|exec|prepare|hset|put)$/;
const SQL_WRITE = /\b(insert\s+into|update\s+\w+\s+set)\b[\s\S]*passw/i;
const MIN_PBKDF2_ITERATIONS = 100_000;
/** Digest functions of the md5, sha1, js-sha256 and crypto-js packages: `md5(pw)`, `CryptoJS.SHA256(pw)`. */
const FAST_HASH_FUNCTIONS = /^(md5|MD5|sha1|SHA1|sha224|sha256|SHA256|sha384|sha512|SHA512|SHA3|sha3_256|sha3_512|RIPEMD160)$/;

export const weakPasswordStorage: Rule = {
  meta: {
    id: 'weak-password-storage',
    cwe: ['CWE-522', 'CWE-916', 'CWE-328'],
    defaultSeverity: 'error',
    title: 'Password stored in plaintext or with a fast hash',
    description: 'Passwords must be stored with a slow, salted KDF (bcrypt, argon2, scrypt, or pbkdf2 with a high iteration count); plaintext and md5/sha1/sha256 digests fall to a single database leak.',
    docsUrl: cweUrl('CWE-522'),
    hasFix: true,
  },
  check(ctx) {
    for (const call of ctx.facts.calls) {
      if ((call.name === 'createHash' || call.name === 'createHmac') && ts.isCallExpression(call.node)) fastHash(ctx, call.node);
      else if (/^pbkdf2(Sync)?$/.test(call.name)) lowIterations(ctx, call.args);
      else if (FAST_HASH_FUNCTIONS.test(call.name) && ts.isCallExpression(call.node)) fastHashFunction(ctx, call.node, call.name);
      else if (STORE_CALLS.test(call.name) || ts.isNewExpression(call.node)) plaintextStore(ctx, call, preparedSql(call.receiver));
    }
  },
};

function fastHash(ctx: RuleContext, call: ts.CallExpression): void {
  const alg = stringValue(call.arguments[0], ctx.facts);
  if (!alg || !FAST_HASHES.test(alg)) return;
  // The chain createHash(alg).update(x).digest(enc), as far as it goes.
  let chain: ts.Expression = call;
  let input: ts.Expression | undefined;
  while (ts.isPropertyAccessExpression(chain.parent) && ts.isCallExpression(chain.parent.parent)) {
    const next = chain.parent.parent;
    if (chain.parent.name.text === 'update') input = next.arguments[0];
    chain = next;
  }
  const fn = enclosingFunction(call);
  const helper = fn && ts.isReturnStatement(chain.parent) ? functionName(fn) : undefined;
  const about = [input?.getText() ?? '', bindingName(chain) ?? '', fn ? functionName(fn) ?? '' : ''];
  const forPassword = about.some((t) => PASSWORD.test(t)) || (helper !== undefined && calledWithPassword(ctx, helper));
  if (!forPassword) return;
  const fix = input && !helper && !compared(chain) ? bcryptFix(ctx, chain, input.getText()) : undefined;
  ctx.report({
    node: call,
    message: `The password is hashed with ${alg}, a fast unsalted digest that is cracked offline in hours; use bcrypt, argon2 or scrypt`,
    taint: evidence([step(call, `${alg} is a fast hash`)]),
    sink: 'password digest',
    ...(fix ? { fixes: [fix] } : {}),
  });
}

function fastHashFunction(ctx: RuleContext, call: ts.CallExpression, name: string): void {
  const input = call.arguments[0];
  if (!input) return;
  const fn = enclosingFunction(call);
  const helper = fn && ts.isReturnStatement(call.parent) ? functionName(fn) : undefined;
  const about = [input.getText(), bindingName(call) ?? '', fn ? functionName(fn) ?? '' : ''];
  if (!about.some((t) => PASSWORD.test(t)) && !(helper !== undefined && calledWithPassword(ctx, helper))) return;
  // crypto-js returns a WordArray; the digest string comes from .toString() after it.
  const chain = ts.isPropertyAccessExpression(call.parent) && call.parent.name.text === 'toString' && ts.isCallExpression(call.parent.parent) ? call.parent.parent : call;
  const fix = !helper && !compared(chain) ? bcryptFix(ctx, chain, input.getText()) : undefined;
  ctx.report({
    node: call,
    message: `The password is hashed with ${name}(), a fast unsalted digest that is cracked offline in hours; use bcrypt, argon2 or scrypt`,
    taint: evidence([step(call, `${name} is a fast hash`)]),
    sink: 'password digest',
    ...(fix ? { fixes: [fix] } : {}),
  });
}

function calledWithPassword(ctx: RuleContext, name: string): boolean {
  return ctx.facts.calls.some((c) => c.name === name && c.qualifier === undefined && c.args.some((a) => PASSWORD.test(a.getText())));
}

/** A digest compared with a stored one is a login check; replacing it with bcrypt.hash would break logins. */
function compared(chain: ts.Expression): boolean {
  const p = chain.parent;
  if (ts.isBinaryExpression(p) && /=/.test(p.operatorToken.getText()) && p.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return true;
  if (!ts.isVariableDeclaration(p) || !ts.isIdentifier(p.name)) return false;
  const name = p.name.text;
  let hit = false;
  walk(enclosingFunction(chain) ?? chain.getSourceFile(), (n) => {
    if (ts.isBinaryExpression(n) && /^(===|!==|==|!=)$/.test(n.operatorToken.getText()) && [n.left, n.right].some((s) => s.getText() === name)) hit = true;
  });
  return hit;
}

function lowIterations(ctx: RuleContext, args: readonly ts.Expression[]): void {
  const it = args[2] && unwrap(args[2]);
  if (!it || !ts.isNumericLiteral(it) || Number(it.text.replace(/_/g, '')) >= MIN_PBKDF2_ITERATIONS) return;
  if (!args.slice(0, 1).some((a) => PASSWORD.test(a.getText()))) return;
  ctx.report({ node: it, message: `pbkdf2 runs only ${it.text} iterations, far too few to slow down cracking; use at least ${MIN_PBKDF2_ITERATIONS} or bcrypt/argon2`, taint: evidence([step(it, 'iteration count')]), sink: 'password key derivation' });
}

/** `{ password }` or an INSERT parameter that is the request's password, unhashed. */
function plaintextStore(ctx: RuleContext, call: CallSite, prepared: ts.Expression | undefined): void {
  const args = call.args;
  const sqlArg = prepared ?? args[0];
  const sql = sqlArg && (stringValue(sqlArg, ctx.facts) ?? (ts.isTemplateExpression(unwrap(sqlArg)) ? unwrap(sqlArg).getText() : undefined));
  const values: ts.Expression[] = [];
  if (sql && SQL_WRITE.test(sql)) {
    for (const a of prepared ? args : args.slice(1)) {
      const u = unwrap(a);
      if (ts.isArrayLiteralExpression(u)) values.push(...u.elements);
      else values.push(a);
    }
  }
  // Password fields of object arguments, also one level down: `{ $set: { password } }`.
  const objects = args.map(unwrap).filter(ts.isObjectLiteralExpression);
  for (const o of [...objects]) {
    for (const p of o.properties) {
      const inner = ts.isPropertyAssignment(p) ? unwrap(p.initializer) : undefined;
      if (inner && ts.isObjectLiteralExpression(inner)) objects.push(inner);
    }
  }
  // A model that hashes in its own save hook receives the plaintext on purpose.
  const hashingModel = objects.length > 0 && modelHashes(ctx, call);
  for (const u of hashingModel ? [] : objects) {
    for (const p of u.properties) {
      const n = propertyName(p.name);
      if (!n || !PASSWORD.test(n) || NOT_THE_PASSWORD.test(n)) continue;
      if (ts.isNewExpression(call.node) && u === objects[0] && replacedWithHash(call.node, n, ctx)) continue;
      if (ts.isPropertyAssignment(p)) values.push(p.initializer);
      else if (ts.isShorthandPropertyAssignment(p)) values.push(p.name);
    }
  }
  for (const v of values) {
    if (!PASSWORD.test(v.getText()) || NOT_THE_PASSWORD.test(v.getText()) || !requestDerived(v, ctx.facts) || isHashed(v, ctx)) continue;
    const fix = bcryptFix(ctx, v, v.getText(), ts.isShorthandPropertyAssignment(v.parent) ? `${v.getText()}: ` : '');
    ctx.report({
      node: v,
      message: 'The password from the request is stored as plaintext; hash it with bcrypt (or argon2/scrypt) before saving',
      taint: evidence([step(v, 'the plaintext password')]),
      sink: 'is stored',
      ...(fix ? { fixes: [fix] } : {}),
    });
  }
}

/**
 * `const user = new User({ name, email, password }); user.password = await bcrypt.hash(password, 10);
 * await user.save()`: constructing a model stores nothing, and the field is overwritten with a hash
 * (directly, or with the hash a callback of a hashing call receives) before anything is saved.
 */
function replacedWithHash(node: ts.NewExpression, field: string, ctx: RuleContext): boolean {
  const decl = unwrap(node).parent;
  const holder = ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) ? decl.name.text : undefined;
  const fn = enclosingFunction(node);
  if (!holder || !fn) return false;
  let replaced = false;
  walk(fn, (n) => {
    if (replaced || !ts.isBinaryExpression(n) || n.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
    const t = n.left;
    if (!ts.isPropertyAccessExpression(t) || t.name.text !== field || t.expression.getText() !== holder) return;
    replaced = isHashed(n.right, ctx) || hashCallbackValue(n.right);
  });
  return replaced;
}

/** `bcrypt.hash(pw, salt, (err, hash) => { user.password = hash; … })`: a parameter of a hashing call's callback. */
function hashCallbackValue(e: ts.Expression): boolean {
  const u = unwrap(e);
  if (!ts.isIdentifier(u)) return false;
  for (let n: ts.Node | undefined = u.parent; n; n = n.parent) {
    if ((ts.isArrowFunction(n) || ts.isFunctionExpression(n)) && n.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === u.text)) {
      const call = n.parent;
      return ts.isCallExpression(call) && call.arguments.includes(n as ts.Expression) && HASHING_CALL.test(call.expression.getText());
    }
  }
  return false;
}

/**
 * Whether the model written to hashes passwords in a write hook: declared in this file, or in the
 * relative module the constructor or receiver (`new User(…)`, `User.create(…)`) is imported from.
 */
function modelHashes(ctx: RuleContext, call: CallSite): boolean {
  let local = hashingFiles.get(ctx.sourceFile);
  if (local === undefined) {
    local = hashesPasswordsOnWrite(ctx.sourceFile);
    hashingFiles.set(ctx.sourceFile, local);
  }
  if (local) return true;
  const mod = call.callee?.module;
  return mod !== undefined && ctx.facts.importedTraits?.get(mod)?.hashesPasswords === true;
}

const hashingFiles = new WeakMap<ts.SourceFile, boolean>();

/** `db.prepare(sql).run(a, b)`: the SQL is on the receiver. */
function preparedSql(receiver: ts.Expression | undefined): ts.Expression | undefined {
  const r = receiver && unwrap(receiver);
  if (!r || !ts.isCallExpression(r) || !ts.isPropertyAccessExpression(r.expression) || r.expression.name.text !== 'prepare') return undefined;
  return r.arguments[0];
}

function isHashed(v: ts.Expression, ctx: RuleContext): boolean {
  let e = unwrap(v);
  if (ts.isIdentifier(e)) {
    const def = definitionOf(e, ctx.facts);
    if (def) e = unwrap(def);
  }
  let hashed = false;
  forEachNode(e, (n) => {
    if (hashed) return false;
    if (ts.isCallExpression(n) && HASHING_CALL.test(n.expression.getText())) hashed = true;
    return !hashed;
  });
  return hashed;
}

function bcryptFix(ctx: RuleContext, node: ts.Expression, input: string, prefix = ''): Fix | undefined {
  const fn = enclosingFunction(node);
  const isAsync = fn?.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword) ?? false;
  const bcrypt = ensureModule(ctx, 'bcrypt', 'bcrypt');
  const call = isAsync ? `await ${bcrypt.name}.hash(${input}, 12)` : `${bcrypt.name}.hashSync(${input}, 12)`;
  const edits = [{ span: { start: node.getStart(), end: node.getEnd() }, newText: prefix + call }];
  if (bcrypt.edit) edits.unshift(bcrypt.edit);
  return { title: 'Hash the password with bcrypt', edits };
}
