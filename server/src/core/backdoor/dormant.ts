// Effect-bearing branches of a unit, read from its syntax, and which of them the sandbox runs
// reached. A security-relevant effect (a process, eval, a request to a host written in the code,
// a file write, an authentication pass through next() or `return true`) behind a condition that
// compares the function's input, the environment, the date or a hash with a literal is a
// `dormant-trigger` when no run reached it: the search could not meet the condition, so the
// condition is shown for a person to judge. Decided by effect and condition, never by names. Pure.
import ts from 'typescript';
import type { Finding } from '../types';
import type { FunctionUnit } from '../source/units';
import type { Trace } from '../trace/schema';
import { lineSpan } from './findings';

/** An effect-bearing branch: the effect, its line and the condition that guards it. */
export interface EffectSite {
  line: number;
  /** 'process' | 'eval' | 'network' | 'fs-write' | 'auth' */
  kind: string;
  /** Readable: "runs a process (exec)", "lets the request through (next())". */
  effect: string;
  /** The guarding conditions as written, innermost last; empty when the effect is unconditional. */
  conditions: string[];
  /** What the guarding condition compares with a literal: the input, the environment, the date or
   *  a hash; undefined when it compares nothing the function is given. */
  conditionKind?: 'input' | 'env' | 'date' | 'hash';
}

/** Which effect-bearing branches the runs reached. */
export interface UnitCoverage {
  unit: string;
  line: number;
  sites: Array<EffectSite & { reached: boolean }>;
}

const PROCESS = /^(exec|execSync|spawn|spawnSync|execFile|execFileSync|fork)$/;
const FILE_WRITE = /^(writeFile|writeFileSync|appendFile|appendFileSync|createWriteStream|rm|rmSync|unlink|unlinkSync|copyFile|copyFileSync|chmod|chmodSync)$/;
const NETWORK = /^(fetch|request|get|post|put|patch|connect|createConnection|axios|got|lookup|resolve|send)$/;
const EVAL_MEMBER = /^(runInNewContext|runInThisContext|runInContext|compileFunction)$/;
const DATE_READ = /\b(Date|getFullYear|getUTCFullYear|getMonth|getUTCMonth|getDate|getUTCDate|getDay|getUTCDay|getHours|getUTCHours|getTime)\b/;
const HASH_READ = /\b(createHash|createHmac|digest|timingSafeEqual)\b/;

/** The effect-bearing sites of a unit with their guarding conditions. */
export function effectSites(fn: ts.FunctionLikeDeclaration, sf: ts.SourceFile): EffectSite[] {
  const params = new Set(fn.parameters.flatMap((p) => namesOf(p.name)));
  const derived = derivedNames(fn, params);
  const hasNext = params.has('next');
  const sites: EffectSite[] = [];
  const visit = (n: ts.Node): void => {
    const found = siteOf(n, hasNext);
    if (found) {
      const conditions = guardsOf(n, fn).map((g) => guardText(g, sf));
      const kinds = guardsOf(n, fn).map((g) => conditionKind(g, sf, derived)).filter((k): k is NonNullable<EffectSite['conditionKind']> => k !== undefined);
      sites.push({ line: sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1, kind: found.kind, effect: found.effect, conditions, conditionKind: kinds[0] });
    }
    ts.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  return sites;
}

/** Coverage of a unit's effect-bearing branches by a set of runs. A site counts as reached when a
 *  run recorded an effect or a framework call on its line, or (for `return true`) returned true. */
export function coverageOf(unit: FunctionUnit, sites: EffectSite[], traces: Trace[]): UnitCoverage {
  const lines = new Set<number>();
  let returnedTrue = false;
  for (const t of traces) {
    for (const e of t.effects) lines.add(e.line);
    for (const x of t.interactions ?? []) lines.add(x.line);
    if (t.outcome.kind === 'return' && t.outcome.value === true) returnedTrue = true;
  }
  return {
    unit: unit.name,
    line: unit.line,
    sites: sites.map((s) => ({ ...s, reached: s.effect.startsWith('returns true') ? returnedTrue : lines.has(s.line) })),
  };
}

/** `dormant-trigger` warnings for guarded sites no run reached whose condition compares the
 *  input, the environment, the date or a hash with a literal. */
export function dormantFindings(unit: FunctionUnit, coverage: UnitCoverage, source: string): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<number>();
  for (const s of coverage.sites) {
    if (s.reached || !s.conditionKind || !s.conditions.length || seen.has(s.line)) continue;
    seen.add(s.line);
    const cond = s.conditions.map((c) => (c.length > 140 ? `${c.slice(0, 137)}…` : c)).join(' and ');
    const what = { input: 'a value of its input', env: 'an environment value', date: 'a date', hash: 'a hash' }[s.conditionKind];
    out.push({
      ruleId: 'dormant-trigger',
      cwe: ['CWE-912'],
      severity: 'warning',
      message: `${unit.name} ${s.effect} only when ${cond}; the condition compares ${what} with a value written into the code, and no sandbox run met it (CWE-912)`,
      span: lineSpan(source, s.line, unit),
    });
  }
  return out;
}

function siteOf(n: ts.Node, hasNext: boolean): { kind: string; effect: string } | undefined {
  if (ts.isReturnStatement(n) && n.expression && n.expression.kind === ts.SyntaxKind.TrueKeyword) return { kind: 'auth', effect: 'returns true' };
  if (!ts.isCallExpression(n) && !ts.isNewExpression(n)) return undefined;
  const callee = n.expression;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  const args = n.arguments ?? ts.factory.createNodeArray();
  if (hasNext && ts.isIdentifier(callee) && name === 'next' && args.length === 0) return { kind: 'auth', effect: 'lets the request through (next())' };
  if (ts.isIdentifier(callee) && (name === 'eval' || name === 'Function')) return { kind: 'eval', effect: `evaluates code (${name})` };
  if (EVAL_MEMBER.test(name)) return { kind: 'eval', effect: `evaluates code (${name})` };
  if (PROCESS.test(name)) return { kind: 'process', effect: `runs a process (${name})` };
  if (FILE_WRITE.test(name) && ts.isPropertyAccessExpression(callee)) return { kind: 'fs-write', effect: `writes a file (${name})` };
  if (NETWORK.test(name)) {
    const host = literalHost(args);
    if (host) return { kind: 'network', effect: `contacts ${host}` };
  }
  return undefined;
}

/** A host written into a call's arguments: a URL, a host name or an address, or an options
 *  object's host, hostname or url. */
function literalHost(args: ts.NodeArray<ts.Expression>): string | undefined {
  for (const a of args) {
    const text = ts.isStringLiteralLike(a) ? a.text : ts.isTemplateExpression(a) ? a.head.text : undefined;
    const h = text !== undefined ? hostIn(text) : undefined;
    if (h) return h;
    if (ts.isObjectLiteralExpression(a)) {
      for (const p of a.properties) {
        if (ts.isPropertyAssignment(p) && /^(host|hostname|url)$/.test(p.name.getText()) && ts.isStringLiteralLike(p.initializer)) {
          const hp = hostIn(p.initializer.text);
          if (hp) return hp;
        }
      }
    }
  }
  return undefined;
}

function hostIn(text: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)/i.exec(text) ?? /^(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text) ?? /^([a-z0-9-]+(?:\.[a-z0-9-]+)+\.[a-z]{2,})$/i.exec(text);
  return m ? m[1] : undefined;
}

/** Conditions between a node and the function: if tests, ternaries, the left of && and ||, and
 *  switch cases (as `discriminant === case`). */
function guardsOf(n: ts.Node, fn: ts.Node): ts.Node[] {
  const out: ts.Node[] = [];
  let child: ts.Node = n;
  for (let p = n.parent; p && p !== fn; child = p, p = p.parent) {
    if (ts.isIfStatement(p) && child !== p.expression) out.push(p.expression);
    else if (ts.isConditionalExpression(p) && child !== p.condition) out.push(p.condition);
    else if (ts.isBinaryExpression(p) && child === p.right && (p.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken || p.operatorToken.kind === ts.SyntaxKind.BarBarToken)) out.push(p.left);
    else if (ts.isCaseClause(p)) out.push(p.expression);
    if (ts.isFunctionLike(p)) break;
  }
  return out.reverse();
}

/** A guard as written; a case label reads as `discriminant === label`. */
function guardText(g: ts.Node, sf: ts.SourceFile): string {
  const text = g.getText(sf).replace(/\s+/g, ' ');
  if (g.parent && ts.isCaseClause(g.parent)) return `${g.parent.parent.parent.expression.getText(sf).replace(/\s+/g, ' ')} === ${text}`;
  return text;
}

/** What a condition compares with a literal, if it compares something the function is given. */
function conditionKind(cond: ts.Node, sf: ts.SourceFile, derived: Map<string, Set<string>>): EffectSite['conditionKind'] {
  let kind: EffectSite['conditionKind'];
  const sideKind = (e: ts.Node): EffectSite['conditionKind'] => {
    const kinds = kindsOf(e, derived);
    for (const k of ['hash', 'date', 'env', 'input'] as const) if (kinds.has(k)) return k;
    return undefined;
  };
  const visit = (x: ts.Node): void => {
    if (kind) return;
    if (ts.isBinaryExpression(x) && /^(===|==|!==|!=|<|>|<=|>=)$/.test(x.operatorToken.getText(sf))) {
      for (const [a, b] of [[x.left, x.right], [x.right, x.left]] as const) {
        if (isLiteral(b)) kind ??= sideKind(a);
      }
    }
    if (ts.isCallExpression(x) && ts.isPropertyAccessExpression(x.expression) && /^(startsWith|endsWith|includes|indexOf|test|match)$/.test(x.expression.name.text)) {
      const recv = x.expression.expression;
      const arg = x.arguments[0];
      if (arg && isLiteral(arg)) kind ??= sideKind(recv);
      if (arg && isLiteral(recv)) kind ??= sideKind(arg);
    }
    ts.forEachChild(x, visit);
  };
  if (cond.parent && ts.isCaseClause(cond.parent)) {
    // A case label is a literal; its switch's discriminant is the compared side.
    return isLiteral(cond) ? sideKind(cond.parent.parent.parent.expression) : undefined;
  }
  visit(cond);
  return kind;
}

function isLiteral(e: ts.Node): boolean {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (ts.isStringLiteralLike(e) || ts.isNumericLiteral(e) || ts.isRegularExpressionLiteral(e)) return true;
  if (ts.isPrefixUnaryExpression(e) && ts.isNumericLiteral(e.operand)) return true;
  // new Date('2027-01-01') and its getTime()
  if (ts.isNewExpression(e) && e.expression.getText() === 'Date' && e.arguments?.length && e.arguments.every((a) => ts.isStringLiteralLike(a) || ts.isNumericLiteral(a))) return true;
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'getTime') return isLiteral(e.expression.expression);
  return false;
}

/** Local names and the kinds of value they carry: parameters carry input; a variable assigned
 *  from an expression carries what that expression reads (input, env, date, hash). */
function derivedNames(fn: ts.FunctionLikeDeclaration, params: Set<string>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const p of params) out.set(p, new Set(['input']));
  const assigns: Array<[string[], ts.Node]> = [];
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) && n.initializer) assigns.push([namesOf(n.name), n.initializer]);
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(n.left)) assigns.push([[n.left.text], n.right]);
    ts.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  for (let round = 0; round < 4; round++) {
    let changed = false;
    for (const [names, init] of assigns) {
      const kinds = kindsOf(init, out);
      for (const name of names) {
        const have = out.get(name) ?? new Set<string>();
        for (const k of kinds) if (!have.has(k)) {
          have.add(k);
          changed = true;
        }
        out.set(name, have);
      }
    }
    if (!changed) break;
  }
  return out;
}

/** Calls that pass their input through (conversions, string methods, header getters); any other
 *  call's result is stored or computed data (a database row, a lookup), not the input. */
const PASS_THROUGH = /^(String|Number|parseInt|parseFloat|Boolean|decodeURIComponent|atob|from|parse|toLowerCase|toUpperCase|trim|trimStart|trimEnd|slice|substring|substr|split|replace|replaceAll|get|header|toString|padStart|padEnd|at|join|normalize|cookies)$/;

/** The kinds of value an expression carries. */
function kindsOf(e: ts.Node, names: Map<string, Set<string>>): Set<string> {
  const out = new Set<string>();
  const text = e.getText();
  if (/process\.env/.test(text)) out.add('env');
  if (DATE_READ.test(text)) out.add('date');
  if (HASH_READ.test(text)) out.add('hash');
  const visit = (x: ts.Node): void => {
    if (ts.isIdentifier(x)) {
      for (const k of names.get(x.text) ?? []) out.add(k);
      return;
    }
    if (ts.isCallExpression(x)) {
      const callee = x.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      if (!PASS_THROUGH.test(name)) return;
      if (ts.isPropertyAccessExpression(callee)) visit(callee.expression);
      x.arguments.forEach(visit);
      return;
    }
    if (ts.isFunctionLike(x)) return;
    ts.forEachChild(x, visit);
  };
  visit(e);
  return out;
}

function namesOf(b: ts.BindingName): string[] {
  if (ts.isIdentifier(b)) return [b.text];
  return b.elements.flatMap((el) => (ts.isOmittedExpression(el) ? [] : namesOf(el.name)));
}
