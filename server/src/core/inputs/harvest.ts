// Reads a unit's syntax for what input synthesis needs: the access paths it reads from its
// parameters (req.body.user), and the literals it compares them with, the dates it compares the
// clock with and the environment variables it tests. Backdoors hide behind exactly those values.
import ts from 'typescript';
import type { JsonValue } from '../trace/schema';

/** A value the unit compares one of its inputs with. */
export interface Candidate {
  /** Where the value goes: a parameter path like "0.body.password", "env.DEBUG_KEY" or "clock". */
  target: string;
  value: JsonValue;
  /** How the code compared: "===", "case", "includes", "startsWith", "test", "getDate", "<"… */
  op: string;
  /** The compared expression as written, for messages ("req.body.user"). */
  expr: string;
  /** How many alternatives the same expression is compared with (switch cases, chains of ===). */
  siblings: number;
}

export interface Harvest {
  /** Parameter access paths read by the unit: "0.body.password", "1.status" … */
  paths: string[];
  candidates: Candidate[];
  /** Environment variables read. */
  envKeys: string[];
  /** True when the unit reads the clock (Date, Date.now, new Date()). */
  readsClock: boolean;
  /** True when the unit calls Math.random. */
  readsRandom: boolean;
  /** True when the unit changes module-level variables (a counter, a cache), so behaviour can
   *  depend on how often it was called. */
  keepsState: boolean;
  /** Parameter paths used as arrays (map, filter, reduce, forEach…). */
  arrays: string[];
  /** Parameter paths the unit calls as methods (store.countByDay()): they get a callable stand-in. */
  calls?: string[];
}

const DATE_GETTERS = /^get(UTC)?(Date|Day|Month|FullYear|Hours|Minutes)$/;

/** Harvests one unit. `paramNames` are the unit's parameter names in order. */
export function harvestUnit(fn: ts.FunctionLikeDeclaration, sf: ts.SourceFile, paramNames: string[]): Harvest {
  const consts = topLevelConstants(sf);
  const paths = new Set<string>();
  const candidates: Candidate[] = [];
  const envKeys = new Set<string>();
  const arrays = new Set<string>();
  const calls = new Set<string>();
  const dateVars = new Map<string, string>();
  let readsClock = false;
  let readsRandom = false;
  let keepsState = false;
  const moduleVars = topLevelMutables(sf);
  // Local aliases: const { user, pass } = req.body → user ↦ "0.body.user".
  const alias = new Map<string, string>();
  paramNames.forEach((n, i) => alias.set(n, String(i)));

  const pathOf = (e: ts.Expression): string | undefined => {
    e = skipParens(e);
    const envKey = envKeyOf(e);
    if (envKey) return `env.${envKey}`;
    if (ts.isIdentifier(e)) return alias.get(e.text);
    if (ts.isPropertyAccessExpression(e)) {
      const base = pathOf(e.expression);
      return base === undefined ? undefined : `${base}.${e.name.text}`;
    }
    if (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression)) {
      const base = pathOf(e.expression);
      return base === undefined ? undefined : `${base}.${e.argumentExpression.text}`;
    }
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && /^(get|header|toLowerCase|toUpperCase|trim|replace|toString)$/.test(e.expression.name.text)) {
      // req.get('x-key'), req.header('x-key'), s.trim(), s.toLowerCase()
      const base = pathOf(e.expression.expression);
      if (base === undefined) return undefined;
      const arg = e.arguments[0];
      if (/^(get|header)$/.test(e.expression.name.text) && arg && ts.isStringLiteralLike(arg)) return `${base}.headers.${arg.text.toLowerCase()}`;
      return /^(get|header)$/.test(e.expression.name.text) ? undefined : base;
    }
    // parseInt(pin), Number(x), String(x): the comparison is still about the input.
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && /^(parseInt|parseFloat|Number|String)$/.test(e.expression.text) && e.arguments[0]) {
      return pathOf(e.arguments[0]);
    }
    return undefined;
  };
  const literalOf = (e: ts.Expression): JsonValue | undefined => {
    e = skipParens(e);
    if (ts.isStringLiteralLike(e)) return e.text;
    if (ts.isNumericLiteral(e)) return Number(e.text);
    if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand)) return -Number(e.operand.text);
    if (e.kind === ts.SyntaxKind.TrueKeyword) return true;
    if (e.kind === ts.SyntaxKind.FalseKeyword) return false;
    if (ts.isIdentifier(e) && consts.has(e.text)) return consts.get(e.text);
    return undefined;
  };
  const add = (target: string, value: JsonValue, op: string, expr: ts.Node): void => {
    if (candidates.length < 200) candidates.push({ target, value, op, expr: expr.getText(sf).slice(0, 80), siblings: 1 });
  };
  const dateGetter = (e: ts.Expression): string | undefined => {
    e = skipParens(e);
    if (ts.isIdentifier(e)) return dateVars.get(e.text);
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && DATE_GETTERS.test(e.expression.name.text)) return e.expression.name.text;
    return undefined;
  };

  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) && n.initializer && ts.isIdentifier(n.name)) {
      const g = dateGetter(n.initializer);
      if (g) dateVars.set(n.name.text, g);
    }
    if (ts.isVariableDeclaration(n) && n.initializer) {
      const base = pathOf(n.initializer);
      if (base !== undefined) {
        if (ts.isIdentifier(n.name)) alias.set(n.name.text, base);
        else if (ts.isObjectBindingPattern(n.name)) {
          for (const el of n.name.elements) {
            const key = el.propertyName ? el.propertyName.getText(sf) : el.name.getText(sf);
            if (ts.isIdentifier(el.name)) alias.set(el.name.text, `${base}.${key}`);
            if (!base.startsWith('env.')) paths.add(`${base}.${key}`);
          }
        }
      }
    }
    if (ts.isParameter(n) && ts.isObjectBindingPattern(n.name)) {
      const idx = (n.parent as ts.FunctionLikeDeclaration).parameters.indexOf(n);
      if (n.parent === fn) {
        for (const el of n.name.elements) {
          const key = el.propertyName ? el.propertyName.getText(sf) : el.name.getText(sf);
          if (ts.isIdentifier(el.name)) alias.set(el.name.text, `${idx}.${key}`);
          paths.add(`${idx}.${key}`);
        }
      }
    }
    const isCallee = ts.isCallExpression(n.parent) && n.parent.expression === n;
    if (isCallee && ts.isPropertyAccessExpression(n)) {
      const p = pathOf(n);
      if (p !== undefined && !p.startsWith('env.') && p.includes('.')) calls.add(p);
    }
    if ((ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) && !isCallee) {
      const p = pathOf(n);
      if (p !== undefined && !p.startsWith('env.')) paths.add(p);
    }
    const env = ts.isExpression(n) ? envKeyOf(n) : undefined;
    if (env) envKeys.add(env);
    if (isClockRead(n)) readsClock = true;
    if (ts.isPropertyAccessExpression(n) && n.getText(sf) === 'Math.random') readsRandom = true;
    const written = ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment
      ? n.left
      : (ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)
        ? n.operand
        : undefined;
    if (written && ts.isIdentifier(written) && moduleVars.has(written.text)) keepsState = true;

    if (ts.isBinaryExpression(n)) {
      const op = ts.tokenToString(n.operatorToken.kind) ?? '';
      if (/^(===|==|!==|!=|<|>|<=|>=)$/.test(op)) {
        for (const [a, b] of [[n.left, n.right], [n.right, n.left]] as const) {
          const lit = literalOf(b);
          const p = pathOf(a);
          if (lit !== undefined && p !== undefined) add(p, lit, op, a);
          const getter = dateGetter(a);
          if (getter && typeof lit === 'number') add('clock', lit, getter, a);
          if (typeof lit === 'number' && lit > 946684800000 && isClockish(a, sf)) add('clock', lit, op, a);
          const d = dateLiteral(b, consts);
          if (d !== undefined && isClockish(a, sf)) add('clock', d, op, a);
        }
      }
    }
    if (ts.isCaseClause(n)) {
      const sw = n.parent.parent;
      const p = pathOf(sw.expression);
      const lit = literalOf(n.expression);
      if (p !== undefined && lit !== undefined) add(p, lit, 'case', sw.expression);
      const getter = dateGetter(sw.expression);
      if (getter && typeof lit === 'number') add('clock', lit, getter, sw.expression);
    }
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
      const m = n.expression.name.text;
      const recv = n.expression.expression;
      const arg0 = n.arguments[0];
      if (/^(map|filter|reduce|forEach|some|every|find|findIndex|flatMap|sort)$/.test(m)) {
        const p = pathOf(recv);
        if (p !== undefined) arrays.add(p);
      }
      if (/^(startsWith|endsWith|includes|indexOf|localeCompare)$/.test(m) && arg0) {
        const p = pathOf(recv);
        const lit = literalOf(arg0);
        if (p !== undefined && typeof lit === 'string') add(p, lit, m, recv);
        // ['a', 'b'].includes(x): every element is a candidate for x.
        const px = pathOf(arg0);
        if (px !== undefined && ts.isArrayLiteralExpression(skipParens(recv))) {
          for (const el of (skipParens(recv) as ts.ArrayLiteralExpression).elements) {
            const v = literalOf(el);
            if (v !== undefined) add(px, v, 'oneOf', arg0);
          }
        }
        if (px !== undefined && ts.isIdentifier(recv) && consts.has(recv.text)) {
          const arr = consts.get(recv.text);
          if (Array.isArray(arr)) for (const v of arr) add(px, v, 'oneOf', arg0);
        }
      }
      if (m === 'test' && arg0 && ts.isRegularExpressionLiteral(skipParens(recv))) {
        const p = pathOf(arg0);
        const sample = regexSample(skipParens(recv).getText(sf));
        if (p !== undefined && sample !== undefined) add(p, sample, 'test', arg0);
      }
    }
    ts.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  for (const p of fn.parameters) visit(p);
  // Alternatives compared with the same expression: many means dispatch, one means a trigger.
  const counts = new Map<string, number>();
  for (const c of candidates) counts.set(`${c.target}\u0000${c.op === 'case' ? 'case' : 'cmp'}`, (counts.get(`${c.target}\u0000${c.op === 'case' ? 'case' : 'cmp'}`) ?? 0) + 1);
  for (const c of candidates) c.siblings = counts.get(`${c.target}\u0000${c.op === 'case' ? 'case' : 'cmp'}`) ?? 1;
  return { paths: [...paths], candidates, envKeys: [...envKeys], readsClock, readsRandom, keepsState, arrays: [...arrays], calls: [...calls] };
}

function skipParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
  return e;
}

/** process.env.X or process.env['X']. */
function envKeyOf(e: ts.Expression): string | undefined {
  e = skipParens(e);
  const obj = ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) ? e.expression : undefined;
  if (!obj || !ts.isPropertyAccessExpression(obj) || obj.name.text !== 'env') return undefined;
  if (!ts.isIdentifier(obj.expression) || obj.expression.text !== 'process') return undefined;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  if (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression)) return e.argumentExpression.text;
  return undefined;
}

function isClockRead(n: ts.Node): boolean {
  if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'Date' && !(n.arguments && n.arguments.length)) return true;
  return ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'Date' && n.name.text === 'now';
}

/** An expression that plausibly holds the current time: the clock, a `now` or `today` variable… */
function isClockish(e: ts.Expression, sf: ts.SourceFile): boolean {
  const t = e.getText(sf);
  return /Date\.now\(\)|new Date\(\)|\bnow\b|today|current|getTime\(\)|valueOf\(\)|\bDate\b/i.test(t);
}

/** new Date('2025-01-01'), Date.parse('…'), or a date-looking string constant, as epoch ms. */
function dateLiteral(e: ts.Expression, consts: Map<string, JsonValue>): number | undefined {
  e = skipParens(e);
  // new Date('…').getTime(), +new Date('…')
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && /^(getTime|valueOf)$/.test(e.expression.name.text)) e = skipParens(e.expression.expression);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.PlusToken) e = skipParens(e.operand);
  let s: JsonValue | undefined;
  if ((ts.isNewExpression(e) || ts.isCallExpression(e)) && e.arguments?.length) {
    const callee = e.expression.getText();
    if (/^(Date|Date\.parse)$/.test(callee)) {
      const a = e.arguments[0];
      if (ts.isStringLiteralLike(a)) s = a.text;
      else if (ts.isNumericLiteral(a)) return Number(a.text);
      else if (ts.isIdentifier(a)) s = consts.get(a.text);
      if (e.arguments.length >= 2 && e.arguments.every((x) => ts.isNumericLiteral(x))) {
        const n = e.arguments.map((x) => Number((x as ts.NumericLiteral).text));
        return Date.UTC(n[0], n[1], n[2] ?? 1, n[3] ?? 0, n[4] ?? 0);
      }
    }
  } else if (ts.isStringLiteralLike(e) && /^\d{4}-\d{2}-\d{2}/.test(e.text)) s = e.text;
  if (typeof s === 'string') {
    const t = Date.parse(s);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

/** A string the regex accepts, for anchored regexes made of literal characters only. */
function regexSample(src: string): string | undefined {
  const m = /^\/\^?((?:[\w\-.:@ ]|\\.)+)\$?\/[a-z]*$/.exec(src);
  if (!m) return undefined;
  return m[1].replace(/\\(.)/g, '$1');
}

/** Top-level variables declared with let or var. */
function topLevelMutables(sf: ts.SourceFile): Set<string> {
  const out = new Set<string>();
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st) || st.declarationList.flags & ts.NodeFlags.Const) continue;
    for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) out.add(d.name.text);
  }
  return out;
}

/** Top-level `const NAME = literal` (strings, numbers, arrays of literals), for resolving names. */
function topLevelConstants(sf: ts.SourceFile): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>();
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || !d.initializer) continue;
      const init = skipParens(d.initializer);
      if (ts.isStringLiteralLike(init)) out.set(d.name.text, init.text);
      else if (ts.isNumericLiteral(init)) out.set(d.name.text, Number(init.text));
      else if (ts.isArrayLiteralExpression(init)) {
        const vals = init.elements.filter((x) => ts.isStringLiteralLike(x) || ts.isNumericLiteral(x)).map((x) => (ts.isNumericLiteral(x) ? Number(x.text) : (x as ts.StringLiteral).text));
        out.set(d.name.text, vals);
      }
    }
  }
  return out;
}
