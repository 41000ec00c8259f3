// One module's summary for the workspace index: per exported function, which parameters reach
// which sinks (in this module, or through the summaries of the modules it imports) and which come
// back out. The module's own text is analysed once, with every exported function's parameters
// given a default that is a marked source, so the engine's own rules decide what reaches a sink.
import ts from 'typescript';
import type { FlowStep, LanguageKind, RuleLevel, Span } from '../types';
import { languageFromFileName } from '../types';
import { textHash } from './hash';
import { parseDocument } from '../source/parse';
import { isFunctionLike, type FunctionLike } from '../security/ast';
import { buildTaintFacts } from '../security/engine';
import { allRules, ruleById, runRules } from '../security/registry';
import { crossFileSinks, displayPath, importedCalls, type ImportSummaries } from './link';
import { moduleExports } from './exports';
import { mayHavePolicy, modulePolicy, withMountedRoutes } from './policy';
import { DEPTH_BUDGET, MAX_SINKS_PER_FUNCTION, type FunctionSummary, type ModuleSummary } from './types';

export { textHash } from './hash';

export interface SummariseInput {
  fileName: string;
  text: string;
  /** Summaries of the modules this one imports, by specifier as written; transitive flows come from them. */
  deps?: Readonly<Record<string, ModuleSummary>>;
  /** Only the policy facts are wanted (a module nothing imports): the taint analysis is skipped. */
  policyOnly?: boolean;
}

const MAX_PARAMS = 6;
const MARK = /^user input: orbit_(\d+)_(\d+)\(\)$/;
const LABEL = /^orbit_(\d+)_(\d+)\(\)$/;


/** Summarises one module. Never throws on broken code: a module it cannot read exports nothing. */
export function summariseModule(input: SummariseInput): ModuleSummary {
  const out: ModuleSummary = { fileName: input.fileName, hash: textHash(input.text), functions: {}, handles: {} };
  const language = languageFromFileName(input.fileName);
  const policy = language !== undefined && mayHavePolicy(input.text);
  // A module that never says `export` exports nothing: no need to parse it (unless it wires an app).
  if (!language || (!policy && (input.policyOnly || !/\bexports?\b/.test(input.text)))) return out;
  // A plain parse finds the exports; the analysis parses the marked text the usual way.
  const first = quickParse(input.text, language);
  if (!first) return out;
  if (policy) out.policy = withMountedRoutes(modulePolicy(first.sourceFile), new Map(Object.entries(input.deps ?? {})));
  if (input.policyOnly || !/\bexports?\b/.test(input.text)) return out;
  const exported = moduleExports(first.sourceFile);
  out.handles = exported.handles;
  if (exported.functions.length === 0) return out;

  // One index per distinct function; aliases (export { f as g }) share it.
  const fns: FunctionLike[] = [];
  const keysOf: string[][] = [];
  for (const e of exported.functions) {
    let i = fns.indexOf(e.fn);
    if (i < 0) {
      i = fns.push(e.fn) - 1;
      keysOf.push([]);
    }
    keysOf[i].push(e.key);
  }
  const deps: ImportSummaries = new Map(Object.entries(input.deps ?? {}));
  const summaries = analyseMarked(input, language, first.sourceFile, fns, deps, () => true);
  if (!summaries) return out;
  // Taint from two parameters that meets on the way to a sink (or the return value) is reported
  // once, under the first; so a function with findings and more parameters is analysed again with
  // one parameter marked at a time, for every such function at once.
  const refine = fns.map((fn, i) => summaries[i].sinks.length + summaries[i].returns.length > 0 && fn.parameters.filter(markable).length > 1);
  for (let j = 1; j < MAX_PARAMS && refine.some(Boolean); j++) {
    const which = fns.map((fn, i) => refine[i] && j < fn.parameters.length && markable(fn.parameters[j]));
    if (!which.some(Boolean)) continue;
    const more = analyseMarked(input, language, first.sourceFile, fns, deps, (i, k) => which[i] && k === j);
    more?.forEach((m, i) => {
      const s = summaries[i];
      for (const k of m.sinks) {
        if (s.sinks.length < MAX_SINKS_PER_FUNCTION && !s.sinks.some((x) => x.param === k.param && x.ruleId === k.ruleId && x.span.start === k.span.start)) s.sinks.push(k);
      }
      for (const r of m.returns) if (!s.returns.some((x) => x.param === r.param)) s.returns.push(r);
    });
  }
  fns.forEach((_, i) => {
    for (const key of keysOf[i]) out.functions[key] = { ...summaries[i], name: key };
  });
  return out;
}

/**
 * One analysis of the module with the parameters `mark` picks defaulted to marked sources: per
 * function, the sinks its marked parameters reach and the ones it returns.
 */
function analyseMarked(input: SummariseInput, language: LanguageKind, first: ts.SourceFile, fns: readonly FunctionLike[], deps: ImportSummaries, mark: (fn: number, param: number) => boolean): FunctionSummary[] | undefined {
  const levels: Record<string, RuleLevel> = Object.fromEntries(allRules().map((m) => [m.id, m.taint ? 'error' : 'off']));
  const edits: { at: number; text: string }[] = [];
  const markers: string[] = [];
  fns.forEach((fn, i) => {
    fn.parameters.slice(0, MAX_PARAMS).forEach((p, j) => {
      if (!markable(p) || !mark(i, j)) return;
      const marker = `orbit_${i}_${j}()`;
      markers.push(marker);
      const bare = ts.isArrowFunction(fn) && fn.parameters.length === 1 && !/\($/.test(input.text.slice(fn.getStart(first), p.getStart(first)).trimEnd());
      if (bare) edits.push({ at: p.getStart(first), text: '(' });
      edits.push({ at: p.end, text: ` = ${marker}${bare ? ')' : ''}` });
    });
  });
  edits.sort((a, b) => a.at - b.at);
  let text = '';
  let last = 0;
  for (const e of edits) {
    text += input.text.slice(last, e.at) + e.text;
    last = e.at;
  }
  text += input.text.slice(last);
  const back = (offset: number): number | undefined => {
    let shift = 0;
    for (const e of edits) {
      const at = e.at + shift;
      if (offset < at) break;
      if (offset < at + e.text.length) return undefined;
      shift += e.text.length;
    }
    return offset - shift;
  };
  const backSpan = (s: Span): Span | undefined => {
    const start = back(s.start);
    const end = back(s.end) ?? start;
    return start === undefined || end === undefined ? undefined : { start, end };
  };

  const parsed = parseDocument(text, language, []);
  if (!parsed) return undefined;
  const facts = buildTaintFacts(parsed.sourceFile, { extraSources: markers, ...(deps.size > 0 ? { importedCall: importedCalls(deps) } : {}) });
  const findings = runRules({ sourceFile: parsed.sourceFile, text, language, facts, levels }, []);

  const summaries: FunctionSummary[] = fns.map(() => ({ name: '', sinks: [], returns: [] }));
  const steps = (flow: readonly FlowStep[]): FlowStep[] =>
    flow.flatMap((s) => {
      if (s.fileName) return [];
      const span = backSpan(s.span);
      return span ? [{ span, message: s.message }] : [];
    });
  const lineOf = (offset: number): number => {
    let line = 1;
    for (let i = input.text.indexOf('\n'); i >= 0 && i < offset; i = input.text.indexOf('\n', i + 1)) line++;
    return line;
  };
  for (const f of findings) {
    const m = MARK.exec(f.flow?.[0]?.message ?? '');
    const kind = ruleById(f.ruleId)?.taint?.sink;
    const span = backSpan(f.span);
    if (!m || !kind || !span) continue;
    const s = summaries[Number(m[1])];
    if (s && s.sinks.length < MAX_SINKS_PER_FUNCTION) s.sinks.push({ param: Number(m[2]), ruleId: f.ruleId, kind, span, line: lineOf(span.start), depth: 1, steps: steps(f.flow ?? []) });
  }
  for (const x of crossFileSinks(facts, deps, levels)) {
    const m = LABEL.exec(x.taint.label);
    const span = backSpan({ start: x.call.node.getStart(parsed.sourceFile), end: x.call.node.end });
    if (!m || !span || x.sink.depth >= DEPTH_BUDGET) continue;
    const s = summaries[Number(m[1])];
    if (!s || s.sinks.length >= MAX_SINKS_PER_FUNCTION) continue;
    const via = x.sink.via ?? `${displayPath(x.specifier, x.module.fileName)}:${x.sink.line}`;
    s.sinks.push({
      param: Number(m[2]),
      ruleId: x.sink.ruleId,
      kind: x.sink.kind,
      span,
      line: lineOf(span.start),
      via,
      depth: x.sink.depth + 1,
      steps: [...steps(x.taint.steps), { span, message: `passed to ${x.fn.name}() (${via})` }],
    });
  }
  // What each function returns: the taint of its return expressions, traced back to a parameter.
  const forward = (offset: number): number => offset + edits.reduce((n, e) => (e.at < offset ? n + e.text.length : n), 0);
  const starts = new Map(fns.map((f, i) => [forward(f.getStart(first)), i]));
  const fnsOf = new Map<ts.Node, number>();
  parsed.sourceFile.forEachChild(function visit(n: ts.Node): void {
    const i = isFunctionLike(n) ? starts.get(n.getStart(parsed.sourceFile)) : undefined;
    if (i !== undefined) fnsOf.set(n, i);
    n.forEachChild(visit);
  });
  for (const [fn, i] of fnsOf) {
    const cleansed = new Map<number, number>();
    for (const e of returnedExpressions(fn as FunctionLike)) {
      const t = facts.taintOf(e);
      const m = t && LABEL.exec(t.label);
      if (!t || !m || Number(m[1]) !== i) continue;
      const p = Number(m[2]);
      cleansed.set(p, (cleansed.get(p) ?? t.cleansed) & t.cleansed);
    }
    for (const [param, c] of cleansed) summaries[i].returns.push({ param, cleansed: c });
  }
  return summaries;
}

function markable(p: ts.ParameterDeclaration): boolean {
  return !p.initializer && !p.dotDotDotToken && !(ts.isIdentifier(p.name) && p.name.text === 'this');
}

const SCRIPT_KIND = { js: ts.ScriptKind.JS, jsx: ts.ScriptKind.JSX, ts: ts.ScriptKind.TS, tsx: ts.ScriptKind.TSX } as const;

function quickParse(text: string, language: keyof typeof SCRIPT_KIND): { sourceFile: ts.SourceFile } | undefined {
  try {
    return { sourceFile: ts.createSourceFile(`module.${language}`, text, ts.ScriptTarget.Latest, true, SCRIPT_KIND[language]) };
  } catch {
    return undefined;
  }
}

/** The expressions a function returns, not counting those of functions nested in it. */
function returnedExpressions(fn: FunctionLike): ts.Expression[] {
  if (!fn.body) return [];
  if (!ts.isBlock(fn.body)) return [fn.body];
  const out: ts.Expression[] = [];
  const visit = (n: ts.Node): void => {
    if (isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isReturnStatement(n) && n.expression) out.push(n.expression);
    n.forEachChild(visit);
  };
  fn.body.forEachChild(visit);
  return out;
}
