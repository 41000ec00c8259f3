// Turns one function unit into a runnable plain-JS program: the module's declarations (imports as
// require calls, constants, helpers) followed by the unit itself, with a map back to source lines.
import ts from 'typescript';
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import type { AnalysisError } from '../types';
import { unitNode, type FunctionUnit, type UnitsResult } from './units';

export interface UnitProgram {
  /** Plain JS. Running it as a CommonJS module body leaves the unit callable in `module.exports`. */
  program: string;
  /** Offsets of the unit's own code in `program`; only that range is instrumented. */
  unitStart: number;
  unitEnd: number;
  /** lineMap[k] is the original 1-based line of program line k+1, or 0 for generated lines. */
  lineMap: number[];
  /** Identifiers the unit reads but neither it nor the module declares (closure variables of an
   *  enclosing function, or globals of another environment); the sandbox supplies stand-ins. */
  freeNames: string[];
  /** How the unit is called: as a function, or as a class member on a stand-in `this`. */
  call: 'function' | 'member' | 'constructor';
}

export interface TranspiledText {
  code: string;
  /** Original 0-based line (relative to the input) for each generated line, or -1. */
  lines: number[];
}

/** Transpiles TS/JSX/JS text to ES2022 JS, keeping a generated-line → source-line map. */
export function transpileText(text: string, fileName: string): TranspiledText {
  const out = ts.transpileModule(text, {
    // JSX is common in .js files; a .jsx name lets the transpiler accept it there.
    fileName: fileName.replace(/\.(c|m)?js$/i, '.jsx'),
    reportDiagnostics: false,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      jsx: ts.JsxEmit.React,
      sourceMap: true,
      removeComments: false,
      moduleDetection: ts.ModuleDetectionKind.Legacy,
    },
  });
  // The emitted "use strict" prologue is blanked (not removed, so lines keep their numbers):
  // units are spliced into a larger program where it would be a stray expression.
  const code = out.outputText
    .replace(/\n?\/\/# sourceMappingURL=.*\s*$/, '\n')
    .replace(/^"use strict";/, '');
  const map = out.sourceMapText ? (JSON.parse(out.sourceMapText) as { mappings: string }) : undefined;
  return { code, lines: map ? firstSourceLines(map.mappings) : [] };
}

/** Builds the program for one unit; the header is shared by all units of a file (pass it in). */
export function buildUnitProgram(
  doc: { fileName: string; text: string },
  unitsResult: UnitsResult,
  unit: FunctionUnit,
  header: ModuleHeader = buildModuleHeader(doc, unitsResult),
): UnitProgram | AnalysisError {
  const sf = unitsResult.sourceFile;
  if (!sf) return { kind: 'internal', message: 'The file could not be parsed.' };
  const node = unitNode(sf, unit);
  if (!node) return { kind: 'internal', message: `The function ${unit.name} was not found again.` };
  const { text, call } = unitSource(doc.text, sf, node, unit);
  // Wrapped so the transpiler sees a complete expression or class; the wrapper is cut off again.
  const wrapped = call === 'function' ? `(${text})` : `class __X {\n${text}\n}`;
  const t = transpileText(wrapped, doc.fileName);
  let body = t.code.replace(/^\n/, '').trimEnd().replace(/;$/, '');
  let srcLines = t.code.startsWith('\n') ? t.lines.slice(1) : t.lines;
  if (call !== 'function') {
    const lines = body.split('\n');
    body = lines.slice(1, -1).join('\n');
    srcLines = srcLines.slice(1).map((l) => (l < 0 ? l : l - 1));
  }
  const pre = `${header.code}\n;module.exports = `;
  const open = call === 'function' ? '' : `__orbitMember(class extends __orbitBase {\n`;
  const close = call === 'function' ? ';\n' : `\n}, ${JSON.stringify(unit.kind)});\n`;
  const program = pre + open + body + close;
  const unitStart = pre.length + open.length;
  const lineMap: number[] = [];
  for (const l of header.lineMap) lineMap.push(l);
  const before = program.slice(0, unitStart).split('\n').length - 1;
  while (lineMap.length < before) lineMap.push(0);
  const bodyLines = body.split('\n').length;
  for (let k = 0; k < bodyLines; k++) {
    const src = srcLines[k];
    lineMap.push(src === undefined || src < 0 ? 0 : unit.line + src);
  }
  lineMap.push(0, 0);
  return { program, unitStart, unitEnd: unitStart + body.length, lineMap, freeNames: freeNamesOf(body), call };
}

export interface ModuleHeader {
  code: string;
  lineMap: number[];
}

/** The module's declarations, made safe to run before any unit: side-effecting top-level
 *  statements are left out, imports become require calls, each declaration runs in its own try. */
export function buildModuleHeader(doc: { fileName: string; text: string }, unitsResult: UnitsResult): ModuleHeader {
  const sf = unitsResult.sourceFile;
  if (!sf) return { code: '', lineMap: [] };
  const parts: string[] = [];
  for (const st of sf.statements) {
    const part = headerPart(st, sf, doc.text);
    if (part) parts.push(part);
  }
  const t = transpileText(parts.join('\n'), doc.fileName);
  return { code: t.code, lineMap: t.code.split('\n').map(() => 0) };
}

function headerPart(st: ts.Statement, sf: ts.SourceFile, text: string): string | undefined {
  if (ts.isImportDeclaration(st)) return importToRequire(st, sf);
  if (ts.isImportEqualsDeclaration(st) && ts.isExternalModuleReference(st.moduleReference)) {
    return `var ${st.name.text} = require(${st.moduleReference.expression.getText(sf)});`;
  }
  const mods = ts.canHaveModifiers(st) ? ts.getModifiers(st) ?? [] : [];
  if (mods.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) return undefined;
  // Top-level await cannot run inside the module function the sandbox wraps programs in.
  if (hasTopLevelAwait(st)) return undefined;
  const src = stripExport(text.slice(st.getStart(sf), st.end));
  if (ts.isFunctionDeclaration(st)) return st.body ? src : undefined;
  if (ts.isVariableStatement(st)) return `try { ${src.replace(/^\s*(const|let)\b/, 'var')} } catch (__e) {}`;
  if (ts.isClassDeclaration(st) && st.name) return `try { var ${st.name.text} = ${src} } catch (__e) {}`;
  if (ts.isEnumDeclaration(st) || ts.isModuleDeclaration(st)) return `try { ${src} } catch (__e) {}`;
  if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) return src;
  return undefined;
}

function hasTopLevelAwait(node: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isAwaitExpression(n) || (ts.isForOfStatement(n) && n.awaitModifier)) {
      found = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

function stripExport(src: string): string {
  return src.replace(/^(\s*@[\w.]+(\([^)]*\))?\s*)*/, '').replace(/^export\s+(default\s+)?/, '');
}

function importToRequire(st: ts.ImportDeclaration, sf: ts.SourceFile): string | undefined {
  const from = st.moduleSpecifier.getText(sf);
  const clause = st.importClause;
  if (!clause) return `try { require(${from}); } catch (__e) {}`;
  if (clause.isTypeOnly) return undefined;
  const out: string[] = [];
  if (clause.name) out.push(`var ${clause.name.text} = __orbitDefault(require(${from}));`);
  const nb = clause.namedBindings;
  if (nb && ts.isNamespaceImport(nb)) out.push(`var ${nb.name.text} = require(${from});`);
  if (nb && ts.isNamedImports(nb)) {
    const els = nb.elements.filter((e) => !e.isTypeOnly);
    if (els.length) {
      const parts = els.map((e) => (e.propertyName ? `${e.propertyName.getText(sf)}: ${e.name.text}` : e.name.text));
      out.push(`var { ${parts.join(', ')} } = require(${from});`);
    }
  }
  return `try { ${out.join(' ')} } catch (__e) {}`;
}

/** The unit's text, rewritten so it is an expression (functions) or a class member (methods). */
function unitSource(
  text: string,
  sf: ts.SourceFile,
  node: ts.FunctionLikeDeclaration,
  unit: FunctionUnit,
): { text: string; call: UnitProgram['call'] } {
  const full = text.slice(unit.span.start, unit.span.end);
  if (unit.kind === 'function' || unit.kind === 'arrow' || unit.kind === 'expression') {
    // Keep the first line's length so columns and lines still match the source map.
    const lead = /^(\s*@[\w.]+(\([^)]*\))?\s*)*(export\s+)?(default\s+)?/.exec(full)?.[0] ?? '';
    return { text: ' '.repeat(lead.replace(/\n/g, ' ').length) + full.slice(lead.length), call: 'function' };
  }
  let from: number;
  if (unit.kind === 'constructor') from = text.indexOf('constructor', unit.span.start);
  else from = (node.name ?? node).getStart(sf);
  let prefix = unit.isStatic ? 'static ' : '';
  if (unit.async) prefix += 'async ';
  if (unit.generator) prefix += '*';
  if (unit.kind === 'getter') prefix += 'get ';
  if (unit.kind === 'setter') prefix += 'set ';
  return { text: prefix + text.slice(from, unit.span.end), call: unit.kind === 'constructor' ? 'constructor' : 'member' };
}

/** Decodes a source map's mappings: the source line of the first segment on each generated line. */
function firstSourceLines(mappings: string): number[] {
  const out: number[] = [];
  let srcLine = 0;
  for (const lineText of mappings.split(';')) {
    let first = -1;
    for (const seg of lineText.split(',')) {
      if (!seg) continue;
      const v = decodeVlq(seg);
      if (v.length >= 4) {
        srcLine += v[2];
        if (first < 0) first = srcLine;
      }
    }
    out.push(first);
  }
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeVlq(seg: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of seg) {
    const d = B64.indexOf(ch);
    value += (d & 31) << shift;
    if (d & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** Names the code reads without declaring them anywhere in it. Scopes are not modelled: a name
 *  declared anywhere in the code counts as bound, which only ever under-reports. */
export function freeNamesOf(code: string): string[] {
  let ast: acorn.Node;
  try {
    ast = acorn.parse(`(${code})`, { ecmaVersion: 'latest', allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true });
  } catch {
    try {
      ast = acorn.parse(`(class { ${code} })`, { ecmaVersion: 'latest' });
    } catch {
      return [];
    }
  }
  const declared = new Set<string>();
  const used = new Set<string>();
  const bind = (p: acorn.Node | null | undefined): void => {
    if (!p) return;
    walk.full(p, (n) => {
      if (n.type === 'Identifier') declared.add((n as acorn.Identifier).name);
    });
  };
  walk.full(ast, (n) => {
    switch (n.type) {
      case 'VariableDeclarator':
        bind((n as acorn.VariableDeclarator).id);
        break;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression': {
        const f = n as acorn.Function;
        if (f.id) declared.add(f.id.name);
        for (const p of f.params) bind(p);
        break;
      }
      case 'ClassDeclaration':
      case 'ClassExpression': {
        const c = n as acorn.Class;
        if (c.id) declared.add(c.id.name);
        break;
      }
      case 'CatchClause':
        bind((n as acorn.CatchClause).param);
        break;
    }
  });
  const skip = new Set<acorn.Node>();
  walk.full(ast, (n) => {
    if (n.type === 'MemberExpression' && !(n as acorn.MemberExpression).computed) skip.add((n as acorn.MemberExpression).property);
    if ((n.type === 'Property' || n.type === 'MethodDefinition' || n.type === 'PropertyDefinition') && !(n as acorn.Property).computed) {
      const p = n as acorn.Property;
      if (!(n.type === 'Property' && p.shorthand)) skip.add(p.key);
    }
    if (n.type === 'LabeledStatement' || n.type === 'BreakStatement' || n.type === 'ContinueStatement') {
      const l = (n as acorn.LabeledStatement).label;
      if (l) skip.add(l);
    }
  });
  walk.full(ast, (n) => {
    if (n.type === 'Identifier' && !skip.has(n)) used.add((n as acorn.Identifier).name);
  });
  return [...used].filter((name) => !declared.has(name) && name !== 'undefined' && name !== 'arguments');
}
