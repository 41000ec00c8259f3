// CWE-434: uploads stored under the client's file name, or stored without any type check in a
// directory the app serves back, so an attacker can plant HTML, SVG or scripts on the site.
import ts from 'typescript';
import type { Fix } from '../../../types';
import type { Rule, RuleContext } from '../../rule';
import type { CallSite } from '../../facts';
import { cweUrl } from '../../rule';
import { definitionOf, enclosingFunction, evidence, objectProperty, propertyValue, resolveObject, step, stringValue, walk } from './util';
import { ensureModule } from './imports';

/** The client's file name in multer, express-fileupload, formidable and busboy. */
const ORIGINAL_NAME = /\b(originalname|originalFilename|originalName)\b|\.name\b/;
/** A type check: an allowlist of MIME types or extensions compared with the upload. */
const TYPE_CHECK = /mimetype|mimeType|fileFilter|\bextname\b[\s\S]{0,80}(includes|===|has|test)|fileTypeFromBuffer|file-type|allowedTypes|ALLOWED|\.(test|includes)\([^)]*\.(type|mimetype)/;
const STATIC_SERVE = /static|serve|sendFile/i;
/** A function that handles an upload: multer's req.file(s), @fastify/multipart's request.file(), formidable. */
const UPLOAD_HANDLER = /\b(req|request|ctx\.request)\.files?\b|\.files?\(\)|\.parts\(\)|upload|multipart|formidable|originalFilename|originalname/i;

export const unrestrictedUpload: Rule = {
  meta: {
    id: 'unrestricted-upload',
    cwe: ['CWE-434'],
    defaultSeverity: 'warning',
    title: 'Unrestricted file upload',
    description: 'An upload is saved under the name the client chose, or saved without checking its type into a directory the app serves, so an attacker can store HTML, SVG or scripts that the site then delivers.',
    docsUrl: cweUrl('CWE-434'),
    hasFix: true,
  },
  check(ctx) {
    const served = servedDirs(ctx);
    const typeChecked = TYPE_CHECK.test(ctx.text);
    for (const c of ctx.facts.calls) {
      if (c.name === 'diskStorage' && c.callee?.module === 'multer') diskStorage(ctx, c);
      else if (c.callee?.module === 'multer' && c.callee.path.length <= 1 && c.args.length <= 1) multerDest(ctx, c, served, typeChecked);
      else if (c.name === 'mv' && c.args[0]) moved(ctx, c, c.args[0], served, typeChecked);
      else if (/^(rename|renameSync|copyFile|copyFileSync|writeFile|writeFileSync|createWriteStream)$/.test(c.name) && c.args.length > 0) {
        const dest = c.name.startsWith('write') || c.name === 'createWriteStream' ? c.args[0] : c.args[1];
        const fn = enclosingFunction(c.node);
        if (dest && fn && UPLOAD_HANDLER.test(fn.getText())) moved(ctx, c, dest, served, typeChecked);
      }
    }
  },
};

/** Directory names the app serves statically: express.static('public'), koa-static, @fastify/static root. */
function servedDirs(ctx: RuleContext): string[] {
  const dirs: string[] = [];
  for (const c of ctx.facts.calls) {
    // Fastify: app.register(fastifyStatic, { root }) names the plugin in its first argument.
    const plugin = c.name === 'register' && c.args[0] !== undefined ? c.args[0].getText() : '';
    const text = `${c.callee?.module ?? ''} ${c.qualifier ?? ''}.${c.name} ${plugin}`;
    if (!STATIC_SERVE.test(text)) continue;
    const arg = c.args.find((a) => stringValue(a, ctx.facts) !== undefined || ts.isCallExpression(a) || ts.isObjectLiteralExpression(a));
    const root = arg && (ts.isObjectLiteralExpression(arg) ? propertyValue(objectProperty(arg, 'root')) : arg);
    if (root) dirs.push(...literalsIn(root, ctx));
  }
  return dirs.map((d) => d.replace(/^\.?\/+|\/+$/g, '')).filter((d) => d.length > 0);
}

function literalsIn(e: ts.Node, ctx: RuleContext): string[] {
  const out: string[] = [];
  const v = ts.isExpression(e) ? stringValue(e, ctx.facts) : undefined;
  if (v) out.push(v);
  walk(e, (n) => { if (ts.isStringLiteralLike(n)) out.push(n.text); else if (ts.isIdentifier(n)) { const s = stringValue(n, ctx.facts); if (s) out.push(s); } });
  return out;
}

function intoServed(dest: ts.Node, served: string[], ctx: RuleContext): boolean {
  const lits = literalsIn(dest, ctx).map((d) => d.replace(/^\.?\/+|\/+$/g, ''));
  return lits.some((l) => served.some((s) => l === s || l.startsWith(`${s}/`) || s.endsWith(`/${l}`)));
}

/** multer.diskStorage({ filename: (req, file, cb) => cb(null, file.originalname) }). */
function diskStorage(ctx: RuleContext, c: CallSite): void {
  const opts = resolveObject(c.args[0], ctx.facts);
  const fn = propertyValue(objectProperty(opts, 'filename'));
  if (!fn) return;
  walk(fn, (n) => {
    if (!ts.isPropertyAccessExpression(n) || !/^(originalname|originalName)$/.test(n.name.text)) return undefined;
    // path.extname(file.originalname) appended to a random name keeps only the extension; that
    // is a problem for served directories, which the type check below covers.
    if (ts.isCallExpression(n.parent) && /extname/.test(n.parent.expression.getText())) return undefined;
    ctx.report({ node: n, message: 'The upload is saved under the file name the client sent, which can overwrite files and keeps any extension (.html, .svg, .js)', taint: evidence([step(n, 'client-chosen file name')]), sink: 'becomes the stored name', fixes: [randomNameFix(ctx, n)] });
    return false;
  });
}

function randomNameFix(ctx: RuleContext, n: ts.Node): Fix {
  const crypto = ensureModule(ctx, 'crypto', 'crypto');
  const edits = [{ span: { start: n.getStart(), end: n.getEnd() }, newText: `${crypto.name}.randomUUID()` }];
  if (crypto.edit) edits.unshift(crypto.edit);
  return { title: 'Store the upload under a random name', edits };
}

/** multer({ dest: 'public/uploads' }) with no fileFilter while public/ is served. */
function multerDest(ctx: RuleContext, c: CallSite, served: string[], typeChecked: boolean): void {
  const opts = resolveObject(c.args[0], ctx.facts);
  if (!opts || objectProperty(opts, 'fileFilter') || typeChecked) return;
  const dest = propertyValue(objectProperty(opts, 'dest'));
  if (!dest || !intoServed(dest, served, ctx)) return;
  ctx.report({ node: c.node, message: 'Uploads of any type are stored in a directory the app serves, so an uploaded HTML or SVG file runs on this site; add a fileFilter with an allowlist', taint: evidence([step(dest, 'served upload directory')]), sink: 'no type check' });
}

/**
 * The client's name for an upload: `originalname`, express-fileupload's `.name`, @fastify/multipart's
 * `.filename` (multer's `req.file.filename` is its own random name, so not that one).
 */
function clientName(n: ts.PropertyAccessExpression): boolean {
  const recv = n.expression.getText();
  if (!/file|upload|image|avatar|doc|part|data|banner|attachment/i.test(recv)) return false;
  if (n.name.text === 'filename') return !/\b(req|request)\??\.file$/.test(recv);
  return ORIGINAL_NAME.test(`.${n.name.text}`);
}

/** file.mv(path.join(dir, file.name)) and fs writes of uploads. */
function moved(ctx: RuleContext, c: CallSite, dest: ts.Expression, served: string[], typeChecked: boolean): void {
  let original: ts.Node | undefined;
  const d = ts.isIdentifier(dest) ? definitionOf(dest, ctx.facts) : undefined;
  if (d) dest = d;
  walk(dest, (n) => { if (!original && ts.isPropertyAccessExpression(n) && clientName(n)) original = n; });
  if (ts.isPropertyAccessExpression(dest) && ORIGINAL_NAME.test(`.${dest.name.text}`)) original = dest;
  const fn = enclosingFunction(c.node);
  const checked = typeChecked && fn !== undefined && TYPE_CHECK.test(fn.getText());
  if (original && !(ts.isCallExpression(original.parent) && /basename|extname|sanitize/.test(original.parent.expression.getText()) && checked)) {
    ctx.report({ node: original, message: 'The upload is saved under the file name the client sent, which keeps any extension and can overwrite files', taint: evidence([step(original, 'client-chosen file name')]), sink: 'becomes the stored name', fixes: [randomNameFix(ctx, original)] });
  }
  if (!checked && intoServed(dest, served, ctx)) {
    ctx.report({ node: c.node, message: 'Uploads of any type are written to a directory the app serves; check the type against an allowlist first', taint: evidence([step(dest, 'served upload directory')]), sink: 'no type check' });
  }
}
