// View locals that no render call passes: what middleware puts in `res.locals` and `app.locals` for
// every view, including connect-flash messages and the view-helpers package. A template can write
// such a name raw safely when every value the project gives it is server-made: a flash message is
// what the project's own `req.flash(type, message)` calls stored, csurf's token is random, and
// view-helpers' pagination markup is built from page numbers it counts itself.
import ts from 'typescript';
import { forEachNode, unwrap } from '../security/ast';

/** What this module needs of render-sites' per-file scope. */
export interface LocalsScope {
  serverMade(node: ts.Node, depth: number): boolean;
  flashRead: (type: string) => boolean;
}

export interface MiddlewareLocals {
  /** Per name set by middleware: true when every value set for it is server-made. */
  names: Map<string, boolean>;
  /** Helpers whose result is server-made whatever they are given. */
  whole: Set<string>;
  /** Names some render call passes; a view's own data replaces the middleware's then. */
  passed: Set<string>;
}

/**
 * What the view-helpers package sets on res.locals for each request. `req` is the request itself;
 * isActive returns 'active' or ''; formatDate and formatDatetime print a Date from month names and
 * numbers; createPagination builds links from page numbers it counts and the query string through
 * querystring.stringify, which percent-encodes quotes and angle brackets. The flash names hold what
 * req.flash stored under the type given.
 */
const VIEW_HELPERS: Record<string, boolean | { flash: string }> = {
  appName: true, title: true, req: false, isActive: true, formatDate: true, formatDatetime: true,
  createPagination: true, stripScript: false, firstLetterToCaps: false,
  info: { flash: 'info' }, errors: { flash: 'error' }, success: { flash: 'success' }, warning: { flash: 'warning' },
};
const VIEW_HELPERS_WHOLE = ['isActive', 'formatDate', 'formatDatetime', 'createPagination'];
/** Passport options that put the strategy's own message (or a given one) into a flash type. */
const PASSPORT_FLASH: Record<string, string> = { failureFlash: 'error', successFlash: 'success' };

export function middlewareLocals(files: ReadonlyArray<{ sf: ts.SourceFile; scope: LocalsScope }>, passed: Set<string>): MiddlewareLocals {
  const names = new Map<string, boolean>();
  const whole = new Set<string>();
  // Flash types: true while every message written under the type is server-made.
  const flash = new Map<string, boolean>();
  let anyFlashType = true;
  const note = (map: Map<string, boolean>, key: string, ok: boolean): void => {
    map.set(key, (map.get(key) ?? true) && ok);
  };
  for (const { sf, scope } of files) {
    forEachNode(sf, (n) => {
      if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'flash' && n.arguments.length >= 2) {
        const type = unwrap(n.arguments[0]);
        if (!ts.isStringLiteralLike(type)) anyFlashType = false;
        else note(flash, type.text, n.arguments.slice(1).every((a) => scope.serverMade(a, 0)));
      }
      if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && PASSPORT_FLASH[n.name.text]) {
        const v = unwrap(n.initializer);
        // `failureFlash: true` stores whatever message the strategy's done() gave; a string is itself.
        if (v.kind !== ts.SyntaxKind.FalseKeyword) note(flash, PASSPORT_FLASH[n.name.text], ts.isStringLiteralLike(v));
      }
      return true;
    });
  }
  const flashRead = (type: string): boolean => anyFlashType && flash.get(type) !== false;
  for (const { scope } of files) scope.flashRead = flashRead;
  for (const { sf, scope } of files) {
    let viewHelpers = false;
    forEachNode(sf, (n) => {
      if (ts.isStringLiteralLike(n) && n.text === 'view-helpers' && (ts.isCallExpression(n.parent) || ts.isImportDeclaration(n.parent) || ts.isExternalModuleReference(n.parent))) viewHelpers = true;
      // res.locals.name = value; app.locals.name = value
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        const t = n.left;
        if ((ts.isPropertyAccessExpression(t) || ts.isElementAccessExpression(t)) && isLocals(t.expression)) {
          const name = ts.isPropertyAccessExpression(t) ? t.name.text : ts.isStringLiteralLike(unwrap(t.argumentExpression)) ? (unwrap(t.argumentExpression) as ts.StringLiteralLike).text : undefined;
          if (name !== undefined) note(names, name, scope.serverMade(n.right, 0));
        }
      }
      return true;
    });
    if (viewHelpers) {
      for (const [name, v] of Object.entries(VIEW_HELPERS)) note(names, name, v === true || (typeof v === 'object' && flashRead(v.flash)));
      for (const name of VIEW_HELPERS_WHOLE) whole.add(name);
    }
  }
  // A name the project sets itself as well as through a package is only as safe as both.
  for (const name of [...whole]) if (names.get(name) !== true) whole.delete(name);
  return { names, whole, passed };
}

/** `res.locals`, `response.locals`, `app.locals`, `req.app.locals`. */
function isLocals(e: ts.Expression): boolean {
  const u = unwrap(e);
  return ts.isPropertyAccessExpression(u) && u.name.text === 'locals' && /^(res|response|app|req\.app|request\.app)$/.test(u.expression.getText());
}
