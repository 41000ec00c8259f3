// Module summaries applied at an importer: what a call into another module returns, which
// arguments reach a sink there, and what an imported value is (a Sequelize instance, a pg Pool).
import ts from 'typescript';
import type { Finding, RuleLevel } from '../types';
import { spanOf } from '../security/ast';
import type { ImportedCall } from '../security/calls';
import type { CallSite, ModuleRef, TaintFacts } from '../security/facts';
import { ruleById } from '../security/registry';
import { cleanse, merge, reaches, withStep, type Taint } from '../security/taint';
import type { FunctionSummary, ModuleSummary, ParamSink } from './types';

/** Summaries of a document's imports, by specifier as written ('./db'). */
export type ImportSummaries = Map<string, ModuleSummary>;

/** The key of the export a member path names: ['UserDAO', '()', 'add'] → 'UserDAO.add'; [] → 'default'. */
export function exportKey(path: readonly string[]): string {
  const names = path.filter((p) => p !== '()' && p !== 'default');
  return names.length === 0 ? 'default' : names.join('.');
}

/** The export a call reaches through `mod` (`findUser` of './db', or 'default'), if summarised. */
export function summaryFor(summaries: ImportSummaries | undefined, mod: ModuleRef | undefined): { module: ModuleSummary; fn: FunctionSummary } | undefined {
  const module = summaries && mod ? summaries.get(mod.module) : undefined;
  if (!module || !mod) return undefined;
  const key = exportKey(mod.path);
  const fn = Object.prototype.hasOwnProperty.call(module.functions, key) ? module.functions[key] : undefined;
  return fn && { module, fn };
}

/**
 * What an imported value is when the module exports a package's instance under that name:
 * ('../models', ['sequelize', 'query']) → ('sequelize', ['Sequelize', '()', 'query']).
 */
export function handleFor(summaries: ImportSummaries, mod: ModuleRef): ModuleRef | undefined {
  const module = summaries.get(mod.module);
  if (!module) return undefined;
  const names = mod.path.filter((p) => p !== 'default');
  for (let n = Math.min(names.length, 3); n >= 1; n--) {
    const key = names.slice(0, n).filter((p) => p !== '()').join('.');
    const handle = Object.prototype.hasOwnProperty.call(module.handles, key) ? module.handles[key] : undefined;
    if (handle) return { module: handle.module, path: [...handle.path, ...names.slice(n)] };
  }
  return undefined;
}

/** What a call into a summarised module returns (each returned parameter's taint, cleansed as inside), and what imported handles are. */
export function importedCalls(summaries: ImportSummaries): ImportedCall {
  const call: ImportedCall = (mod, args, node) => {
    const hit = summaryFor(summaries, mod);
    if (!hit) return undefined;
    let taint: Taint | undefined;
    for (const r of hit.fn.returns) {
      const t = args[r.param];
      if (t) taint = merge(taint, cleanse(withStep(t, spanOf(node), `returned by ${label(hit.fn)}()`), r.cleansed));
    }
    return { taint };
  };
  call.handle = (mod) => handleFor(summaries, mod);
  return call;
}

/** A call site of this file that passes tainted data to a parameter that reaches a sink in another module. */
export interface CrossFileSink {
  call: CallSite;
  specifier: string;
  module: ModuleSummary;
  fn: FunctionSummary;
  sink: ParamSink;
  taint: Taint;
}

export function crossFileSinks(facts: TaintFacts, summaries: ImportSummaries, levels: Record<string, RuleLevel>): CrossFileSink[] {
  const out: CrossFileSink[] = [];
  for (const c of facts.calls) {
    const hit = summaryFor(summaries, c.callee);
    if (!hit || !c.callee || !ts.isCallExpression(c.node)) continue;
    for (const sink of hit.fn.sinks) {
      const meta = ruleById(sink.ruleId);
      const level = levels[sink.ruleId] ?? meta?.defaultSeverity;
      const arg = c.args[sink.param];
      const t = arg ? facts.taintOf(arg) : undefined;
      if (!meta || !level || level === 'off' || !reaches(t, sink.kind)) continue;
      out.push({ call: c, specifier: c.callee.module, module: hit.module, fn: hit.fn, sink, taint: t });
    }
  }
  return out;
}

/**
 * Findings at the call sites of this file for request data passed to an export whose parameter
 * reaches a sink in its own module or further down. The flow continues into that module (steps
 * with its fileName).
 */
export function crossFileFindings(facts: TaintFacts, summaries: ImportSummaries, levels: Record<string, RuleLevel>): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const x of crossFileSinks(facts, summaries, levels)) {
    const meta = ruleById(x.sink.ruleId);
    if (!meta) continue;
    const span = spanOf(x.call.node);
    const key = `${x.sink.ruleId}:${span.start}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const where = x.sink.via ?? `${displayPath(x.specifier, x.module.fileName)}:${x.sink.line}`;
    const level = levels[x.sink.ruleId] ?? meta.defaultSeverity;
    const severity = level === 'off' ? meta.defaultSeverity : level;
    out.push({
      ruleId: x.sink.ruleId,
      cwe: [...meta.cwe],
      severity,
      message: `User input from ${x.taint.label} reaches ${meta.taint?.sinkNoun ?? 'a sink'} in ${label(x.fn)}() (${where}) (${meta.cwe[0]})`,
      span,
      flow: [...x.taint.steps, { span, message: `passed to ${label(x.fn)}()` }, ...x.sink.steps.map((st) => ({ ...st, fileName: x.module.fileName }))],
      fixes: [],
    });
  }
  return out;
}

/** The name a message gives an export: 'findUser', 'UserDAO.add'; a default export by its module. */
function label(fn: FunctionSummary): string {
  return fn.name === 'default' ? 'the default export' : fn.name;
}

/** './db' with file /app/db.js → './db.js'; './lib' with /app/lib/index.ts → './lib/index.ts'. */
export function displayPath(specifier: string, fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const cut = specifier.lastIndexOf('/');
  const last = specifier.slice(cut + 1);
  return base.startsWith(`${last}.`) || base === last ? `${specifier.slice(0, cut + 1)}${base}` : `${specifier}/${base}`;
}
