// Function units: every function in a .js/.jsx/.ts/.tsx file, with its name, kind, span,
// parameters and a content hash, found with the TypeScript compiler API. Pure.
import ts from 'typescript';
import type { AnalysisError, LanguageKind, Span } from '../types';
import { languageFromFileName } from '../types';
import { parseDocument } from './parse';
import { cyrb53 } from '../hash';

export type UnitKind = 'function' | 'arrow' | 'expression' | 'method' | 'getter' | 'setter' | 'constructor';

export interface UnitParam {
  /** The parameter's name; destructured parameters get `arg<i>`. */
  name: string;
  /** Property names read from a destructured object parameter, e.g. ["user", "pass"]. */
  properties?: string[];
  /** The declared TypeScript type, as written. */
  type?: string;
  /** The JSDoc `@param {T}` type, as written. */
  jsdocType?: string;
  /** The default value's source text. */
  defaultText?: string;
  rest?: boolean;
}

export interface FunctionUnit {
  /** Stable within a document: `<name>@<line>`. */
  id: string;
  name: string;
  kind: UnitKind;
  /** The whole function, including modifiers. */
  span: Span;
  /** 1-based line where the function starts. */
  line: number;
  params: UnitParam[];
  async: boolean;
  generator: boolean;
  /** True for class members marked static. */
  isStatic: boolean;
  /** True when the unit sits at the top of the module (or is a member of a top-level class or object). */
  topLevel: boolean;
  /** cyrb53 of the unit's text, as 14 hex digits. */
  hash: string;
}

export interface UnitsResult {
  units: FunctionUnit[];
  errors: AnalysisError[];
  /** The parsed file, for callers that build programs from it. */
  sourceFile?: ts.SourceFile;
  language?: LanguageKind;
}

/** Finds every function unit in a document; never throws on broken code. */
export function findUnits(fileName: string, text: string, language?: LanguageKind): UnitsResult {
  const lang = language ?? languageFromFileName(fileName) ?? 'js';
  const errors: AnalysisError[] = [];
  const parsed = parseDocument(text, lang, errors);
  if (!parsed) return { units: [], errors };
  const sf = parsed.sourceFile;
  const units: FunctionUnit[] = [];
  const visit = (node: ts.Node, depth: number): void => {
    const unit = unitOf(node, sf, text, depth);
    if (unit) units.push(unit);
    ts.forEachChild(node, (child) => visit(child, unit ? depth + 1 : depth));
  };
  visit(sf, 0);
  return { units, errors: parsed.errors, sourceFile: sf, language: lang };
}

/** The syntax node of a unit found earlier in the same source file. */
export function unitNode(sf: ts.SourceFile, unit: FunctionUnit): ts.FunctionLikeDeclaration | undefined {
  let found: ts.FunctionLikeDeclaration | undefined;
  const visit = (n: ts.Node): void => {
    if (found || n.end < unit.span.start || n.pos > unit.span.end) return;
    if (ts.isFunctionLike(n) && n.getStart(sf) === unit.span.start && n.end === unit.span.end) {
      found = n as ts.FunctionLikeDeclaration;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

export { cyrb53 };

function unitOf(node: ts.Node, sf: ts.SourceFile, text: string, depth: number): FunctionUnit | undefined {
  let kind: UnitKind;
  if (ts.isFunctionDeclaration(node)) {
    if (!node.body) return undefined; // an overload signature
    kind = 'function';
  } else if (ts.isArrowFunction(node)) kind = 'arrow';
  else if (ts.isFunctionExpression(node)) kind = 'expression';
  else if (ts.isMethodDeclaration(node)) {
    if (!node.body) return undefined;
    kind = 'method';
  } else if (ts.isGetAccessorDeclaration(node)) {
    if (!node.body) return undefined;
    kind = 'getter';
  } else if (ts.isSetAccessorDeclaration(node)) {
    if (!node.body) return undefined;
    kind = 'setter';
  } else if (ts.isConstructorDeclaration(node)) {
    if (!node.body) return undefined;
    kind = 'constructor';
  } else return undefined;
  const fn = node as ts.FunctionLikeDeclaration;
  const start = node.getStart(sf);
  const span = { start, end: node.end };
  const line = sf.getLineAndCharacterOfPosition(start).line + 1;
  const name = nameOf(fn, sf);
  const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) ?? [] : [];
  const has = (k: ts.SyntaxKind): boolean => mods.some((m) => m.kind === k);
  return {
    id: `${name}@${line}`,
    name,
    kind,
    span,
    line,
    params: fn.parameters.map((p, i) => paramOf(p, i, sf)),
    async: has(ts.SyntaxKind.AsyncKeyword),
    generator: !!fn.asteriskToken,
    isStatic: has(ts.SyntaxKind.StaticKeyword),
    topLevel: depth === 0 && isTopLevel(node),
    hash: cyrb53(text.slice(span.start, span.end)),
  };
}

/** A unit is top-level when no function encloses it. */
function isTopLevel(node: ts.Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (ts.isFunctionLike(p)) return false;
  }
  return true;
}

function nameOf(fn: ts.FunctionLikeDeclaration, sf: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(fn)) return 'constructor';
  if (fn.name) return fn.name.getText(sf);
  const parent = fn.parent;
  // const f = () => …, obj.f = function () {…}, { f: () => … }
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name.getText(sf);
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    return parent.left.getText(sf).replace(/\s+/g, '');
  }
  // app.get('/login', (req, res) => …): name the handler after its route.
  if (ts.isCallExpression(parent)) {
    const callee = parent.expression.getText(sf).replace(/\s+/g, '');
    const route = parent.arguments.find((a) => ts.isStringLiteralLike(a));
    return route && ts.isStringLiteralLike(route) ? `${callee} ${route.text}` : `${callee} callback`;
  }
  if (ts.isExportAssignment(parent)) return 'default';
  return 'anonymous';
}

function paramOf(p: ts.ParameterDeclaration, index: number, sf: ts.SourceFile): UnitParam {
  const param: UnitParam = { name: ts.isIdentifier(p.name) ? p.name.text : `arg${index}` };
  if (ts.isObjectBindingPattern(p.name)) {
    param.properties = p.name.elements.map((e) =>
      e.propertyName ? e.propertyName.getText(sf) : e.name.getText(sf),
    );
  }
  if (p.type) param.type = p.type.getText(sf);
  if (p.initializer) param.defaultText = p.initializer.getText(sf);
  if (p.dotDotDotToken) param.rest = true;
  const tag = ts.getJSDocParameterTags(p)[0];
  if (tag?.typeExpression) param.jsdocType = tag.typeExpression.type.getText(sf);
  return param;
}
