// CWE-22: user input choosing a file path — fs reads, writes and streams, res.sendFile and
// res.download, archive entry names (zip slip). Basename and resolve-then-startsWith guards are safe.
import ts from 'typescript';
import type { Fix, TextEdit } from '../../types';
import type { CallSite } from '../facts';
import { cweUrl, type TaintRule, type RuleContext } from '../rule';
import { calleeText, exportName, identifiersIn, isGuarded, moduleOf, receiverRoot } from '../sinks';
import { unwrap } from '../ast';
import { containPathFix } from '../fixes/contain-path';

/** fs functions and which arguments are paths. */
const FS_PATH_ARGS: ReadonlyMap<string, readonly number[]> = new Map<string, readonly number[]>([
  ...['readFile', 'readFileSync', 'writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'createReadStream',
    'createWriteStream', 'unlink', 'unlinkSync', 'rm', 'rmSync', 'rmdir', 'rmdirSync', 'readdir', 'readdirSync', 'stat',
    'statSync', 'lstat', 'lstatSync', 'access', 'accessSync', 'existsSync', 'open', 'openSync', 'mkdir', 'mkdirSync',
    'readlink', 'truncate', 'chmod', 'chown', 'outputFile', 'outputFileSync', 'remove', 'removeSync', 'pathExists',
    'readJson', 'readJsonSync', 'writeJson', 'writeJsonSync', 'ensureDir', 'ensureFile', 'opendir',
  ].map((n): [string, readonly number[]] => [n, [0]]),
  ...['copyFile', 'copyFileSync', 'rename', 'renameSync', 'copy', 'copySync', 'move', 'moveSync', 'symlink', 'link', 'cp'].map((n): [string, readonly number[]] => [n, [0, 1]]),
]);
const RESPONSE_FILE = new Set(['sendFile', 'download', 'sendfile', 'attachment']);
const CONTAINMENT = (n: string): RegExp =>
  new RegExp(`${n}\\s*\\.\\s*(startsWith|includes|indexOf)\\s*\\(|relative\\([^)]*${n}|\\.test\\(\\s*${n}\\s*\\)|isAbsolute\\(\\s*${n}`);

export const pathTraversal: TaintRule = {
  meta: {
    id: 'path-traversal',
    cwe: ['CWE-22'],
    defaultSeverity: 'error',
    title: 'Path traversal',
    description:
      'User input chooses a file path, so `../` sequences (also URL-encoded) read or overwrite files outside the intended folder. Keep only the file name with path.basename, or resolve the path and check it stays inside the base folder.',
    docsUrl: cweUrl('CWE-22'),
    hasFix: true,
    constraint: 'Keep file paths inside their base directory: resolve them and check the result starts with the base, or use path.basename.',
    taint: { sink: 'path', sinkNoun: 'a file path', attackPayload: '../../../../etc/passwd' },
  },
  check(ctx) {
    for (const call of ctx.facts.calls) {
      if (renderOptionsFromRequest(ctx, call)) continue;
      for (const i of pathArgs(call)) {
        const arg = call.args[i];
        if (!arg) continue;
        const taint = ctx.taintAt(arg, 'path');
        if (!taint || isGuarded(arg, guardNames(ctx, arg), CONTAINMENT)) continue;
        const joined = joinedPath(ctx, arg);
        const contain = joined && hasPathBinding(ctx.text) ? containPathFix({ arg, joined, text: ctx.text, isTainted: (n) => ctx.taintAt(n, 'path') !== undefined }) : undefined;
        const fixes = [contain, basenameFix(ctx, arg)].filter((f): f is Fix => f !== undefined);
        ctx.report({
          node: arg,
          message: `User input from ${taint.label} reaches the file path of ${calleeText(call)}`,
          taint,
          sink: `opens the path in ${calleeText(call)}`,
          fixes,
        });
        break;
      }
    }
  },
};

function pathArgs(call: CallSite): readonly number[] {
  const mod = moduleOf(call);
  if (mod === 'fs' || mod === 'graceful-fs') return FS_PATH_ARGS.get(exportName(call) ?? '') ?? [];
  if (!call.callee && call.qualifier && /^(fs|fsp|fsPromises|fs\.promises|fse)$/.test(call.qualifier)) return FS_PATH_ARGS.get(call.name) ?? [];
  if (RESPONSE_FILE.has(call.name) && /^(res|response|ctx\.res)$/.test(receiverRoot(call) ?? '')) {
    // Express's `root` option refuses paths that climb out of it.
    const options = call.args[1] && unwrap(call.args[1]);
    const rooted = options && ts.isObjectLiteralExpression(options) && options.properties.some((p) => p.name?.getText() === 'root');
    return rooted ? [] : [0];
  }
  if (call.name === 'send' && moduleOf(call) === 'koa-send') return [1];
  return [];
}

/** Names whose checks count as guards: the argument's identifiers and the variables they came from. */
function guardNames(ctx: RuleContext, arg: ts.Expression): string[] {
  const names = identifiersIn(arg);
  const e = unwrap(arg);
  if (ts.isIdentifier(e)) {
    const def = ctx.facts.definitionOf(e);
    if (def) names.push(...identifiersIn(def));
  }
  return names;
}

/** `path.join(base, …)` / `path.resolve(base, …)` as the argument or its variable's definition. */
function joinedPath(ctx: RuleContext, arg: ts.Expression): ts.CallExpression | undefined {
  let e = unwrap(arg);
  if (ts.isIdentifier(e)) {
    const def = ctx.facts.definitionOf(e);
    if (!def) return undefined;
    e = unwrap(def);
  }
  const isJoin = ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) &&
    /^(join|resolve)$/.test(e.expression.name.text) && e.expression.expression.getText() === 'path';
  return isJoin ? (e as ts.CallExpression) : undefined;
}

function hasPathBinding(text: string): boolean {
  return /\b(const|let|var|import)\s+(\*\s+as\s+)?path\b/.test(text);
}

/** Wraps the tainted segments of `path.join(base, name)` or a template in path.basename. */
function basenameFix(ctx: RuleContext, arg: ts.Expression): Fix | undefined {
  if (!hasPathBinding(ctx.text)) return undefined;
  let target = unwrap(arg);
  if (ts.isIdentifier(target)) {
    const def = ctx.facts.definitionOf(target);
    if (!def) return undefined;
    target = unwrap(def);
  }
  let segments: readonly ts.Expression[] = [];
  if (ts.isCallExpression(target) && ts.isPropertyAccessExpression(target.expression) && /^(join|resolve)$/.test(target.expression.name.text)) {
    segments = target.arguments.slice(1);
  } else if (ts.isTemplateExpression(target)) {
    segments = target.templateSpans.map((s) => s.expression);
  }
  const edits: TextEdit[] = [];
  for (const seg of segments) {
    if (!ctx.taintAt(seg, 'path')) continue;
    edits.push({ span: { start: seg.getStart(), end: seg.getEnd() }, newText: `path.basename(${seg.getText()})` });
  }
  if (edits.length === 0) return undefined;
  return { title: 'Keep only the file name (path.basename)', edits };
}

/**
 * `res.render('account', req.body)`: the request object itself becomes the render options, and
 * Express hands them to the view engine, where `layout` (hbs, express-handlebars, ejs-locals) names
 * the file rendered around the view and `settings`/`view options` configure the engine — so the
 * client picks a file to render (a local file read) or engine options. Named fields are safe.
 */
function renderOptionsFromRequest(ctx: RuleContext, call: CallSite): boolean {
  if (call.name !== 'render' || !call.qualifier || !/^(res|response)$/.test(call.qualifier)) return false;
  const opts = call.args[1];
  if (!opts || ts.isObjectLiteralExpression(unwrap(opts))) return false;
  const taint = ctx.taintAt(opts, 'path');
  if (!taint || !taint.maybeObject || !/\.(body|query)$/.test(taint.label)) return false;
  ctx.report({
    node: opts,
    message: `The whole ${taint.label} object is passed as the options of ${calleeText(call)}, so the client sets \`layout\` (the file the view engine renders around the view) or engine settings; pass the named fields the view needs`,
    taint,
    sink: `render options of ${calleeText(call)}`,
    fixes: [],
  });
  return true;
}
