// CWE-400/1333 (the parts that are not taint flows into RegExp): catastrophic regex literals,
// uploads and body parsers without sane limits, request numbers driving allocation, loops and
// page sizes, and archive extraction with no size check.
import ts from 'typescript';
import type { Fix } from '../../../types';
import type { Rule, RuleContext } from '../../rule';
import type { CallSite } from '../../facts';
import { cweUrl } from '../../rule';
import { unwrap } from '../../ast';
import { definitionOf, enclosingFunction, evidence, namesIn, nodeIndex, objectProperty, propertyValue, requestDerived, resolveObject, step, stringValue, walk } from './util';
import { catastrophic } from './catastrophic-regex';

const REGEX_USES = /^(test|exec|match|matchAll|replace|replaceAll|search|split)$/;
const ALLOCATORS = /^(alloc|allocUnsafe|allocUnsafeSlow|repeat|padStart|padEnd)$/;
const TYPED_ARRAYS = /^(Array|Uint8Array|Int8Array|Uint16Array|Int32Array|Uint32Array|Float32Array|Float64Array|ArrayBuffer)$/;
const ARCHIVE = /^(extractAllTo|extractAllToAsync|Extract|extract|x)$/;
const SIZE_CHECK = /header\.size|uncompressedSize|compressedSize|\.size\s*>|maxSize|totalSize|maxEntries|maxFiles|MAX_[A-Z_]*(SIZE|BYTES|ENTRIES|FILES)/;
/** 10 MB: bigger body limits are a memory lever, not a convenience. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const UPLOAD_FIX = 'limits: { fileSize: 5 * 1024 * 1024 }';

export const resourceExhaustion: Rule = {
  meta: {
    id: 'resource-exhaustion',
    cwe: ['CWE-400', 'CWE-1333', 'CWE-770'],
    defaultSeverity: 'warning',
    title: 'Uncontrolled resource consumption',
    description: 'A regular expression with catastrophic backtracking, an upload or body parser without a size limit, a request number that sizes an allocation, loop or page without a cap, or archive extraction without size checks lets one request exhaust CPU or memory.',
    docsUrl: cweUrl('CWE-400'),
    hasFix: true,
  },
  check(ctx) {
    regexes(ctx);
    for (const c of ctx.facts.calls) {
      const mod = c.callee?.module ?? '';
      if (mod === 'multer' && isFactory(c)) uploadLimits(ctx, c, 'multer');
      else if (mod === 'express-fileupload' && isFactory(c)) uploadLimits(ctx, c, 'express-fileupload');
      else if (/^(json|urlencoded|raw|text)$/.test(c.name) && (mod === 'express' || mod === 'body-parser' || /^(express|bodyParser)$/.test(c.qualifier ?? ''))) bodyLimit(ctx, c, 'limit');
      else if (mod === 'koa-bodyparser' || mod === 'koa-body') bodyLimit(ctx, c, /^(jsonLimit|formLimit|textLimit|formidable)$/);
      else if (mod === 'fastify' && isFactory(c)) bodyLimit(ctx, c, 'bodyLimit');
      else if (ALLOCATORS.test(c.name) || (ts.isNewExpression(c.node) && TYPED_ARRAYS.test(c.name)) || (c.name === 'from' && c.qualifier === 'Array')) allocation(ctx, c);
      else if (/^(limit|take|top)$/.test(c.name) && c.args[0]) pageSize(ctx, c.args[0]);
      else if (/^(findAll|findMany|find|findAndCountAll)$/.test(c.name)) pageOption(ctx, c);
      else if (/^(all|query|execute|get|each|run|raw)$/.test(c.name)) sqlLimit(ctx, c);
      else if (ARCHIVE.test(c.name) && /zip|tar|unzip|decompress|archive/i.test(`${mod} ${c.qualifier ?? ''}`)) archive(ctx, c);
    }
    loops(ctx);
  },
};

function isFactory(c: CallSite): boolean {
  return c.callee !== undefined && (c.callee.path.length === 0 || (c.callee.path.length === 1 && c.callee.path[0] === '()'));
}

/** Regex literals (and RegExp of a literal) that backtrack catastrophically on input we can see is untrusted. */
function regexes(ctx: RuleContext): void {
  for (const n of nodeIndex(ctx.sourceFile).regexes) {
    let pattern: string | undefined;
    if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) pattern = n.getText().slice(1, n.getText().lastIndexOf('/'));
    else if (ts.isNewExpression(n) && n.arguments?.[0] && ts.isStringLiteralLike(n.arguments[0])) pattern = n.arguments[0].text;
    if (pattern === undefined) continue;
    const why = catastrophic(pattern);
    if (!why || !appliedToUntrusted(ctx, n)) continue;
    ctx.report({ node: n, message: `This regular expression backtracks exponentially: ${why}; a crafted input of a few dozen characters blocks the event loop`, taint: evidence([step(n, 'catastrophic pattern')]), sink: 'matched against request data' });
  }
}

/** False only when every use we can find matches a value that is not request data. */
function appliedToUntrusted(ctx: RuleContext, re: ts.Expression): boolean {
  const uses: ts.Expression[] = [];
  const p = re.parent;
  const holder = ts.isVariableDeclaration(p) && ts.isIdentifier(p.name) ? p.name.text : ts.isPropertyAssignment(p) ? p.name.getText() : undefined;
  for (const c of ctx.facts.calls) {
    if (!REGEX_USES.test(c.name) || !c.receiver) continue;
    const recv = unwrap(c.receiver);
    const isRe = (e: ts.Expression | undefined): boolean => e !== undefined && (unwrap(e) === re || (holder !== undefined && (unwrap(e).getText() === holder || unwrap(e).getText().endsWith(`.${holder}`))));
    if (isRe(recv) && c.args[0]) uses.push(c.args[0]);
    else if (isRe(c.args[0])) uses.push(recv);
  }
  if (uses.length === 0) return true;
  return uses.some((u) => requestDerived(u, ctx.facts) || (ts.isIdentifier(unwrap(u)) && definitionOf(unwrap(u) as ts.Identifier, ctx.facts) === undefined));
}

function uploadLimits(ctx: RuleContext, c: CallSite, lib: string): void {
  const opts = c.args[0] && resolveObject(c.args[0], ctx.facts);
  const limits = opts && propertyValue(objectProperty(opts, 'limits'));
  if (limits && objectProperty(limits, /^(fileSize|files|fieldSize)$/)) return;
  if (c.args[0] && !opts) return;
  let fix: Fix | undefined;
  const node = c.node as ts.CallExpression;
  if (!opts) {
    const at = node.getEnd() - 1;
    fix = { title: 'Limit upload size to 5 MB', edits: [{ span: { start: at, end: at }, newText: `{ ${UPLOAD_FIX} }` }] };
  } else if (!limits) {
    const at = opts.getStart() + 1;
    fix = { title: 'Limit upload size to 5 MB', edits: [{ span: { start: at, end: at }, newText: opts.properties.length > 0 ? ` ${UPLOAD_FIX},` : ` ${UPLOAD_FIX} ` }] };
  }
  ctx.report({ node, message: `${lib} is configured without limits.fileSize, so one upload can fill the disk or memory`, taint: evidence([step(node, `${lib} without limits`)]), sink: 'accepts uploads of any size', ...(fix ? { fixes: [fix] } : {}) });
}

/** Body parsers have sane defaults (100 kB in Express); only an explicit huge or infinite limit is a problem. */
function bodyLimit(ctx: RuleContext, c: CallSite, key: string | RegExp): void {
  const opts = c.args[0] && resolveObject(c.args[0], ctx.facts);
  const prop = opts && objectProperty(opts, key);
  const v = propertyValue(prop);
  if (!v || !ts.isPropertyAssignment(prop as ts.Node)) return;
  const bytes = sizeOf(v);
  if (bytes === undefined || bytes <= MAX_BODY_BYTES) return;
  const newText = ts.isStringLiteralLike(unwrap(v)) || /Infinity/.test(v.getText()) ? "'100kb'" : '1048576';
  ctx.report({
    node: v,
    message: `The request body limit is ${v.getText()}; every request may make the server buffer that much — keep it small`,
    taint: evidence([step(c.node, 'body parser')]),
    sink: 'oversized body limit',
    fixes: [{ title: `Limit request bodies to ${newText === '1048576' ? '1 MB' : '100 kB'}`, edits: [{ span: { start: v.getStart(), end: v.getEnd() }, newText }] }],
  });
}

function sizeOf(v: ts.Expression): number | undefined {
  const u = unwrap(v);
  if (u.getText() === 'Infinity' || u.getText() === 'Number.MAX_SAFE_INTEGER') return Infinity;
  if (ts.isNumericLiteral(u)) return Number(u.text);
  if (ts.isBinaryExpression(u) && u.operatorToken.kind === ts.SyntaxKind.AsteriskToken) {
    const l = sizeOf(u.left);
    const r = sizeOf(u.right);
    return l !== undefined && r !== undefined ? l * r : undefined;
  }
  if (ts.isStringLiteralLike(u)) {
    const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(u.text.trim());
    if (!m) return undefined;
    const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b'];
    return Number(m[1]) * unit;
  }
  return undefined;
}

/** A cap: Math.min around the value, or a comparison of it anywhere in the function. */
function capped(expr: ts.Expression, ctx: RuleContext): boolean {
  if (/Math\.min|clamp/.test(expr.getText())) return true;
  const names = namesIn(expr);
  for (const n of [...names]) {
    const id = findIdentifier(expr, n);
    const def = id && definitionOf(id, ctx.facts);
    if (def) {
      if (/Math\.min|clamp/.test(def.getText())) return true;
      for (const m of namesIn(def)) names.add(m);
    }
  }
  const fn = enclosingFunction(expr) ?? expr.getSourceFile();
  let ok = false;
  walk(fn, (n) => {
    if (ok || !ts.isBinaryExpression(n)) return undefined;
    const k = n.operatorToken.kind;
    if (k !== ts.SyntaxKind.GreaterThanToken && k !== ts.SyntaxKind.GreaterThanEqualsToken && k !== ts.SyntaxKind.LessThanToken && k !== ts.SyntaxKind.LessThanEqualsToken) return undefined;
    if (n.parent && ts.isForStatement(n.parent) && n.parent.condition === n) return undefined;
    const side = [...namesIn(n.left), ...namesIn(n.right)];
    if (side.some((s) => names.has(s) && s !== 'req' && s !== 'query' && s !== 'body')) ok = true;
    return undefined;
  });
  return ok;
}

function findIdentifier(root: ts.Node, name: string): ts.Identifier | undefined {
  if (ts.isIdentifier(root) && root.text === name) return root;
  let found: ts.Identifier | undefined;
  walk(root, (n) => { if (!found && ts.isIdentifier(n) && n.text === name) found = n; });
  return found;
}

function allocation(ctx: RuleContext, c: CallSite): void {
  let size = c.name === 'from' ? propertyValue(objectProperty(c.args[0], 'length')) : c.args[0];
  if (c.name === 'repeat' || c.name === 'padStart' || c.name === 'padEnd') size = c.args[0];
  if (!size || !requestDerived(size, ctx.facts) || capped(size, ctx)) return;
  ctx.report({ node: c.node, message: `The size ${size.getText()} comes from the request and is not capped, so one request can allocate gigabytes`, taint: evidence([step(size, 'size from the request')]), sink: 'sizes an allocation', fixes: [capFix(size, 1000)] });
}

function pageSize(ctx: RuleContext, size: ts.Expression): void {
  if (!requestDerived(size, ctx.facts) || capped(size, ctx)) return;
  ctx.report({ node: size, message: `The page size ${size.getText()} comes from the request with no upper bound, so one request can load the whole table`, taint: evidence([step(size, 'page size from the request')]), sink: 'unbounded page size', fixes: [capFix(size, 100, 20)] });
}

function pageOption(ctx: RuleContext, c: CallSite): void {
  const size = propertyValue(objectProperty(c.args[0], /^(limit|take|perPage|pageSize)$/));
  if (size && !ts.isShorthandPropertyAssignment(size.parent)) pageSize(ctx, size);
}

/** `LIMIT ?` / `LIMIT $2` / `LIMIT ${n}` in SQL, with the page size bound from the request. */
function sqlLimit(ctx: RuleContext, c: CallSite): void {
  const prepared = c.receiver && unwrap(c.receiver);
  const fromPrepare = prepared && ts.isCallExpression(prepared) && /\.prepare$/.test(prepared.expression.getText()) ? prepared.arguments[0] : undefined;
  const sqlArg = fromPrepare ?? c.args[0];
  if (!sqlArg) return;
  const sqlNode = unwrap(sqlArg);
  if (ts.isTemplateExpression(sqlNode)) {
    for (const span of sqlNode.templateSpans) {
      const before = span === sqlNode.templateSpans[0] ? sqlNode.head.text : sqlNode.templateSpans[sqlNode.templateSpans.indexOf(span) - 1].literal.text;
      if (/\blimit\s*$/i.test(before)) pageSize(ctx, span.expression);
    }
    return;
  }
  const sql = stringValue(sqlArg, ctx.facts);
  const m = sql && /\blimit\s+(\?|\$(\d+))/i.exec(sql);
  if (!sql || !m) return;
  const index = m[2] ? Number(m[2]) - 1 : (sql.slice(0, m.index).match(/\?/g) ?? []).length;
  const rest = fromPrepare ? c.args : c.args.slice(1);
  const first = rest[0] && unwrap(rest[0]);
  const params = first && ts.isArrayLiteralExpression(first) ? first.elements : rest;
  const size = params[index];
  if (size && !ts.isSpreadElement(size)) pageSize(ctx, size);
}

function capFix(size: ts.Expression, max: number, fallback = 0): Fix {
  return { title: `Cap at ${max}`, edits: [{ span: { start: size.getStart(), end: size.getEnd() }, newText: `Math.min(${asNumber(size)} || ${fallback}, ${max})` }] };
}

/** The value as a number: a conversion already written (`Number(x)`, `parseInt(x, 10)`, `+x`)
 *  is kept as it is rather than wrapped again. */
function asNumber(size: ts.Expression): string {
  const u = unwrap(size);
  const converted =
    (ts.isCallExpression(u) && /^(Number|parseInt|parseFloat|Number\.parseInt|Number\.parseFloat)$/.test(u.expression.getText())) ||
    (ts.isPrefixUnaryExpression(u) && u.operator === ts.SyntaxKind.PlusToken);
  return converted ? u.getText() : `Number(${size.getText()})`;
}

/** `for (let i = 0; i < n; i++)` where n is a request number with no cap. */
function loops(ctx: RuleContext): void {
  for (const n of nodeIndex(ctx.sourceFile).forStatements) {
    if (!n.condition || !ts.isBinaryExpression(n.condition)) continue;
    const bound = n.condition.right;
    if (/\.(length|size)\b/.test(bound.getText()) || !requestDerived(bound, ctx.facts) || capped(bound, ctx)) continue;
    ctx.report({ node: n.condition, message: `The loop runs ${bound.getText()} times, a number the client chooses without a cap`, taint: evidence([step(bound, 'loop bound from the request')]), sink: 'bounds a loop', fixes: [capFix(bound, 1000)] });
  }
}

function archive(ctx: RuleContext, c: CallSite): void {
  if (SIZE_CHECK.test(ctx.text)) return;
  ctx.report({ node: c.node, message: 'The archive is extracted without checking entry sizes or counts, so a zip bomb fills the disk or memory', taint: evidence([step(c.node, 'archive extraction')]), sink: 'no size limit' });
}
