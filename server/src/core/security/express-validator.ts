// express-validator: `await check('email').isEmail().run(req)` (or `body('email')…` in the route's
// middleware list) followed by `if (!validationResult(req).isEmpty()) return …`. A field that
// passed a format validator is a string of that format, never an object of query operators.
import ts from 'typescript';
import { forEachNode } from './ast';

/** Chains that name a request field: check('f'), body('f'), query('f'), param('f'), cookie('f'). */
const FIELD_CHAINS = /^(check|body|query|param|params|cookie|header)$/;
/** Validators a non-string value can never pass (express-validator stringifies objects first). */
const FORMAT_VALIDATORS = /^(isEmail|isInt|isFloat|isNumeric|isDecimal|isUUID|isMongoId|isAlpha|isAlphanumeric|isHexadecimal|isBoolean|isDate|isISO8601|isURL|isIn|isString|matches|isLength|isJWT|isSlug|isPostalCode|isMobilePhone|isIP|isBase64|normalizeEmail|toInt|toFloat|toBoolean|toDate|escape|trim)$/;

/**
 * Fields of the request the function (or a function around it) has checked with a format
 * validator and rejected on `validationResult`. Empty when it never reads the result.
 */
export function validatedFields(node: ts.Node): Set<string> {
  const fields = new Set<string>();
  for (let fn = enclosing(node); fn; fn = enclosing(fn)) {
    let readsResult = false;
    const checked: string[] = [];
    forEachNode(fn, (n) => {
      if (!ts.isCallExpression(n)) return undefined;
      const callee = n.expression;
      if (ts.isIdentifier(callee) && callee.text === 'validationResult') readsResult = true;
      if (ts.isPropertyAccessExpression(callee) && FORMAT_VALIDATORS.test(callee.name.text)) {
        const field = chainField(callee.expression);
        if (field) checked.push(field);
      }
      return undefined;
    });
    if (readsResult) for (const f of checked) fields.add(f);
  }
  return fields;
}

/** The field a validator chain starts from: `check('email', msg).isEmail()` → 'email'. */
function chainField(e: ts.Expression): string | undefined {
  let x = e;
  while (ts.isCallExpression(x) || ts.isPropertyAccessExpression(x)) {
    if (ts.isCallExpression(x) && ts.isIdentifier(x.expression) && FIELD_CHAINS.test(x.expression.text)) {
      const arg = x.arguments[0];
      return arg && ts.isStringLiteralLike(arg) ? arg.text : undefined;
    }
    x = x.expression;
  }
  return undefined;
}

function enclosing(n: ts.Node): ts.Node | undefined {
  for (let p = n.parent; p; p = p.parent) {
    if (ts.isFunctionLike(p)) return p;
  }
  return undefined;
}
