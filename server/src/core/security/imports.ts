// Cross-file taint, one level deep: summaries of the functions a relative import exports (which
// parameters reach which sinks inside that module, which come back out and how cleansed).
import ts from 'typescript';
import type { AnalysisError, Finding, FlowStep, RuleLevel, Span } from '../types';
import { languageFromFileName } from '../types';
import { cyrb53 } from '../hash';
import { parseDocument } from '../source/parse';
import { isFunctionLike, spanOf, type FunctionLike } from './ast';
import type { ImportedCall } from './calls';
import { buildTaintFacts } from './engine';
import type { ModuleRef, TaintFacts } from './facts';
import { allRules, ruleById, runRules } from './registry';
import { cleanse, merge, reaches, withStep, type SinkKind, type Taint } from './taint';

/** An imported module's text, keyed in `DocumentInput.imports` by the specifier as written ('./db'). */
export interface ImportedModule {
  fileName: string;
  text: string;
}

/** A parameter that reaches a sink inside the exported function's module. */
export interface ParamSink {
  param: number;
  ruleId: string;
  kind: SinkKind;
  /** The sink in the other module, for the message and the last flow step. */
  span: Span;
  /** The path inside the other module, from the parameter to the sink (spans in that file). */
  steps: FlowStep[];
}

/** A parameter whose value the function returns, and the sink kinds it is cleansed for on the way. */
export interface ParamReturn {
  param: number;
  cleansed: number;
}

export interface FunctionSummary {
  name: string;
  fileName: string;
  text: string;
  sinks: ParamSink[];
  returns: ParamReturn[];
}

/** Summaries per specifier, then per export name ('default' for a default export). */
export type ImportSummaries = Map<string, Map<string, FunctionSummary>>;

const MAX_PARAMS = 6;
const MARK = /orbit_(\d+)_(\d+)\b/;

/**
 * Summarises every imported module's exported functions. The module is analysed with a harness
 * appended: one route per (function, parameter) that passes request data as that parameter, so
 * the engine's own same-file summaries decide what reaches a sink or the return value.
 */
export function summariseImports(imports: Readonly<Record<string, ImportedModule>>, errors: AnalysisError[]): ImportSummaries {
  const out: ImportSummaries = new Map();
  for (const [specifier, mod] of Object.entries(imports)) {
    if (!/^\.\.?\//.test(specifier)) continue;
    try {
      out.set(specifier, remembered(mod));
    } catch (err) {
      errors.push({ kind: 'internal', message: `Imports from ${specifier} were not followed: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  return out;
}

/** The export a call reaches through `mod` (`findUser` of './db', or 'default'), if summarised. */
export function summaryFor(summaries: ImportSummaries | undefined, mod: ModuleRef | undefined): FunctionSummary | undefined {
  if (!summaries || !mod) return undefined;
  const fns = summaries.get(mod.module);
  if (!fns) return undefined;
  const path = mod.path[mod.path.length - 1] === '()' ? mod.path.slice(0, -1) : mod.path;
  if (path.length === 0) return fns.get('default');
  if (path.length === 1) return fns.get(path[0]);
  return undefined;
}

/** What a call into a summarised module returns: each returned parameter's taint, cleansed as inside. */
export function importedCalls(summaries: ImportSummaries): ImportedCall {
  return (mod, args, node) => {
    const summary = summaryFor(summaries, mod);
    if (!summary) return undefined;
    let taint: Taint | undefined;
    for (const r of summary.returns) {
      const t = args[r.param];
      if (t) taint = merge(taint, cleanse(withStep(t, spanOf(node), `returned by ${summary.name}()`), r.cleansed));
    }
    return { taint };
  };
}

/**
 * Findings at the call sites of this file for request data passed to an export whose parameter
 * reaches a sink in its own module. The flow continues into that module (steps with its fileName).
 */
export function crossFileFindings(facts: TaintFacts, summaries: ImportSummaries, levels: Record<string, RuleLevel>): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const c of facts.calls) {
    const summary = summaryFor(summaries, c.callee);
    if (!summary || !ts.isCallExpression(c.node)) continue;
    for (const sink of summary.sinks) {
      const meta = ruleById(sink.ruleId);
      const level = levels[sink.ruleId] ?? meta?.defaultSeverity;
      const arg = c.args[sink.param];
      const t = arg ? facts.taintOf(arg) : undefined;
      if (!meta || !level || level === 'off' || !reaches(t, sink.kind)) continue;
      const span = spanOf(c.node);
      const key = `${sink.ruleId}:${span.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const where = `${displayPath(c.callee?.module ?? '', summary.fileName)}:${lineOf(summary.text, sink.span.start)}`;
      out.push({
        ruleId: sink.ruleId,
        cwe: [...meta.cwe],
        severity: level,
        message: `User input from ${t.label} reaches ${meta.taint?.sinkNoun ?? 'a sink'} in ${summary.name}() (${where}) (${meta.cwe[0]})`,
        span,
        flow: [...t.steps, { span, message: `passed to ${summary.name}()` }, ...sink.steps.map((st) => ({ ...st, fileName: summary.fileName }))],
        fixes: [],
      });
    }
  }
  return out;
}

/** './db' with file /app/db.js → './db.js'; './lib' with /app/lib/index.ts → './lib/index.ts'. */
function displayPath(specifier: string, fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const cut = specifier.lastIndexOf('/');
  const last = specifier.slice(cut + 1);
  return base.startsWith(`${last}.`) || base === last ? `${specifier.slice(0, cut + 1)}${base}` : `${specifier}/${base}`;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Summaries of recently seen module texts. A module is summarised again on every keystroke in the
 * files that import it otherwise; the summaries are plain data and never changed once built.
 */
const recent = new Map<string, Map<string, FunctionSummary>>();
const MAX_RECENT = 64;

function remembered(mod: ImportedModule): Map<string, FunctionSummary> {
  const key = `${mod.fileName}\u0000${mod.text.length}\u0000${cyrb53(mod.text)}`;
  let fns = recent.get(key);
  if (!fns) {
    fns = summariseModule(mod);
    if (recent.size >= MAX_RECENT) recent.delete(recent.keys().next().value as string);
    recent.set(key, fns);
  }
  return fns;
}

function summariseModule(mod: ImportedModule): Map<string, FunctionSummary> {
  const fns = new Map<string, FunctionSummary>();
  const language = languageFromFileName(mod.fileName);
  if (!language) return fns;
  const first = parseDocument(mod.text, language, []);
  if (!first) return fns;
  const exported = exportedFunctions(first.sourceFile);
  if (exported.length === 0) return fns;
  // The harness: request data into each parameter of each export, one route per parameter.
  let text = `${mod.text}\n;const orbit_app = require('express')();\n`;
  const calls: { at: number; fn: number; param: number }[] = [];
  exported.forEach(({ local, fn }, f) => {
    const n = Math.min(fn.parameters.length, MAX_PARAMS);
    for (let p = 0; p < n; p++) {
      const args = Array.from({ length: n }, (_, i) => (i === p ? `req.query.orbit_${f}_${p}` : 'undefined'));
      const head = `orbit_app.get('/', (req, res) => { const r = `;
      calls.push({ at: text.length + head.length, fn: f, param: p });
      text += `${head}${local}(${args.join(', ')}); });\n`;
    }
  });
  const parsed = parseDocument(text, language, []);
  if (!parsed) return fns;
  const facts = buildTaintFacts(parsed.sourceFile, { extraSources: [] });
  const levels: Record<string, RuleLevel> = Object.fromEntries(allRules().map((m) => [m.id, m.taint ? 'error' : 'off']));
  const findings = runRules({ sourceFile: parsed.sourceFile, text, language, facts, levels }, []);
  exported.forEach(({ name }) => fns.set(name, { name, fileName: mod.fileName, text: mod.text, sinks: [], returns: [] }));
  const limit = mod.text.length;
  for (const f of findings) {
    const m = MARK.exec(f.flow?.[0]?.message ?? '');
    const kind = ruleById(f.ruleId)?.taint?.sink;
    if (!m || !kind || f.span.start >= limit) continue;
    const summary = fns.get(exported[Number(m[1])].name);
    const inside = (f.flow ?? []).filter((s) => s.span.end <= limit);
    summary?.sinks.push({ param: Number(m[2]), ruleId: f.ruleId, kind, span: f.span, steps: inside });
  }
  const byStart = new Map<number, ts.Node>();
  for (const c of facts.calls) byStart.set(c.node.getStart(parsed.sourceFile), c.node);
  for (const c of calls) {
    const node = byStart.get(c.at);
    const t = node && ts.isExpression(node) ? facts.taintOf(node) : undefined;
    const m = t && MARK.exec(t.label);
    if (!t || !m || Number(m[1]) !== c.fn || Number(m[2]) !== c.param) continue;
    fns.get(exported[c.fn].name)?.returns.push({ param: c.param, cleansed: t.cleansed });
  }
  return fns;
}

interface Exported { name: string; local: string; fn: FunctionLike }

/**
 * Exported functions with a local name the harness can call: `export function f`, `export const
 * f = (…) => …`, `export { f as g }`, `export default function f`, `module.exports = { f, g: h }`,
 * `module.exports = f` and `exports.g = f`.
 */
function exportedFunctions(sf: ts.SourceFile): Exported[] {
  const locals = new Map<string, FunctionLike>();
  const out: Exported[] = [];
  const add = (name: string, local: string): void => {
    const fn = locals.get(local);
    if (fn && !out.some((e) => e.name === name)) out.push({ name, local, fn });
  };
  const exportedDirectly = (s: ts.Statement): boolean => ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const isDefault = (s: ts.Statement): boolean => ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
  for (const s of sf.statements) {
    if (ts.isFunctionDeclaration(s) && s.name) locals.set(s.name.text, s);
    if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.initializer && isFunctionLike(d.initializer)) locals.set(d.name.text, d.initializer);
      }
    }
  }
  for (const s of sf.statements) {
    if (ts.isFunctionDeclaration(s) && s.name && exportedDirectly(s)) add(isDefault(s) ? 'default' : s.name.text, s.name.text);
    if (ts.isVariableStatement(s) && exportedDirectly(s)) {
      for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) add(d.name.text, d.name.text);
    }
    if (ts.isExportDeclaration(s) && !s.moduleSpecifier && s.exportClause && ts.isNamedExports(s.exportClause)) {
      for (const e of s.exportClause.elements) add(e.name.text, (e.propertyName ?? e.name).text);
    }
    if (ts.isExportAssignment(s) && ts.isIdentifier(s.expression)) add('default', s.expression.text);
    if (ts.isExpressionStatement(s) && ts.isBinaryExpression(s.expression) && s.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      commonJsExport(s.expression.left, s.expression.right, add);
    }
  }
  return out;
}

function commonJsExport(left: ts.Expression, right: ts.Expression, add: (name: string, local: string) => void): void {
  const target = left.getText().replace(/\s/g, '');
  if (target === 'module.exports') {
    if (ts.isIdentifier(right)) add('default', right.text);
    if (ts.isObjectLiteralExpression(right)) {
      for (const p of right.properties) {
        if (ts.isShorthandPropertyAssignment(p)) add(p.name.text, p.name.text);
        else if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && ts.isIdentifier(p.initializer)) add(p.name.text, p.initializer.text);
      }
    }
    return;
  }
  const m = /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(target);
  if (m && ts.isIdentifier(right)) add(m[1], right.text);
}
