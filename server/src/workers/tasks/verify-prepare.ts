// Worker task `verifyPrepare`: everything verification needs before the model is asked, for the
// changed function units of one document — the program the model is shown, its orbit of rewrites
// (with maps back to the original), inputs chosen with the sandbox, and the sandbox's real traces.
import { findUnits } from '../../core/source/units';
import { buildModuleHeader, buildUnitProgram } from '../../core/source/transpile';
import { normaliseTrace } from '../../core/trace/normalise';
import { SECURITY_EFFECT_KINDS, type Effect, type JsonValue, type Trace } from '../../core/trace/schema';
import type { Span } from '../../core/types';
import type { PreparedProgram, UnitRef, VerifyPrepareInput, VerifyPrepareOutput } from '../contracts';
import { loadSandbox, ORDINARY_NOW, traceProgram, unitPass } from '../../external/sandbox/harness';
import { verificationOrbit } from '../../core/verify/orbit';

export type { PreparedProgram, PreparedUnit, UnitRef, VerifyPrepareInput, VerifyPrepareOutput } from '../contracts';

const SECURITY = new Set<string>(SECURITY_EFFECT_KINDS);
/** Candidate inputs run in the sandbox before the most telling ones are kept. */
const MAX_CANDIDATES = 12;

export async function verifyPrepare(input: VerifyPrepareInput): Promise<VerifyPrepareOutput> {
  await loadSandbox();
  const { document: doc } = input;
  const parsed = findUnits(doc.fileName, doc.text);
  const out: VerifyPrepareOutput = { units: [], present: [], errors: parsed.errors.filter((e) => e.kind !== 'syntax') };
  if (!parsed.sourceFile) return out;
  const header = buildModuleHeader(doc, parsed);
  const only = input.onlyHashes ? new Set(input.onlyHashes) : undefined;
  for (const unit of parsed.units) {
    const ref: UnitRef = { id: unit.id, name: unit.name, hash: unit.hash, span: unit.span as Span, line: unit.line };
    out.present.push(ref);
    if (only && !only.has(unit.hash)) continue;
    const built = buildUnitProgram(doc, parsed, unit, header);
    // Class members run on a stand-in `this` only the sandbox knows; a model could not be shown them faithfully.
    if ('kind' in built || built.call !== 'function') continue;
    const programs = orbitPrograms(built.program, built.unitStart, built.unitEnd, unit.hash, input);
    // One set of runs: the sandbox pass's own (ordinary inputs, probes, the trigger search), from
    // the harness's per-thread cache when the sandbox pass ran this unit already, and left there
    // for it otherwise. The model is shown arguments only, so runs that need another clock or
    // environment are left out of the inputs it is asked about, but their findings are reported
    // all the same.
    const pass = await unitPass(doc, parsed, header, unit, { limits: { timeMs: input.sandboxTimeMs } });
    if (!pass || 'kind' in pass) continue;
    const candidates = pass.runs
      .filter((r) => !r.input.env && r.input.trigger?.kind !== 'date' && (r.input.role === 'ordinary' || r.input.now === ORDINARY_NOW))
      .map((r) => ({ args: r.input.args, effects: r.securityEffects, ordinary: r.input.role === 'ordinary' }));
    const runs: Array<{ args: JsonValue[]; trace: Trace; effects: Effect[]; ordinary: boolean }> = [];
    for (const c of chooseInputs(candidates, Math.max(input.maxInputs, MAX_CANDIDATES))) {
      // The truth is traced on the program the model is shown, in its lines.
      const trace = await traceProgram(programs[0].program, c.args, { timeMs: input.sandboxTimeMs });
      const normalised = normaliseTrace(trace);
      runs.push({ args: c.args, trace: normalised, effects: normalised.effects, ordinary: c.ordinary });
    }
    const chosen = chooseInputs(runs, input.maxInputs);
    const securityEffects = [...new Set(chosen.flatMap((r) => r.trace.effects.filter((e) => SECURITY.has(e.kind)).map((e) => `${e.kind} ${e.target}`)))];
    const runnable = chosen.length > 0 && chosen.some((r) => r.trace.outcome.kind !== 'throw' || !r.trace.outcome.error.startsWith('sandbox:'));
    out.units.push({
      unit: ref,
      programs,
      inputs: chosen.map((r) => r.args),
      truth: runnable ? chosen.map((r) => r.trace) : null,
      securityEffects,
      size: unit.span.end - unit.span.start,
      sandboxFindings: pass.findings,
      sandboxCovered: pass.coverage.sites.every((x) => x.reached),
    });
  }
  return out;
}

/** The original program and its rewrites: only the unit's own text is rewritten; the module
 *  header around it is the same for all, and each variant's lines are mapped back. */
function orbitPrograms(program: string, start: number, end: number, hash: string, input: VerifyPrepareInput): PreparedProgram[] {
  const code = program.slice(start, end);
  const before = withoutOwnCopy(program.slice(0, start), code);
  const after = program.slice(end);
  const headerLines = before.split('\n').length - 1;
  const unitLines = code.split('\n').length;
  const totalLines = program.split('\n').length;
  const out: PreparedProgram[] = [{ index: 0, program: before + code + after, transforms: [], mapping: {} }];
  if (input.maxOrbit <= 0) return out;
  for (const [i, v] of verificationOrbit(code, { k: input.maxOrbit, seed: seedOf(hash), deltaMin: input.deltaMin }).entries()) {
    const variantLines = v.code.split('\n').length;
    const lineMap: number[] = [];
    for (let l = 1; l <= headerLines; l++) lineMap.push(l);
    for (let l = 0; l < variantLines; l++) lineMap.push(headerLines + (v.lineMap[l] ?? l + 1));
    for (let l = headerLines + unitLines + 1; l <= totalLines; l++) lineMap.push(l);
    out.push({
      index: i + 1,
      program: before + v.code + after,
      transforms: v.transforms,
      mapping: { renames: v.renames, introduced: v.introduced, lineMap },
    });
  }
  return out;
}

/** Ordinary behaviour first, then the inputs whose security effects differ from it (where
 *  hidden behaviour shows), then the remaining ordinary cases; duplicates of behaviour skipped. */
function chooseInputs<R extends { effects: ReadonlyArray<Pick<Effect, 'kind' | 'target'>>; ordinary: boolean }>(runs: R[], max: number): R[] {
  const signature = (r: R): string => r.effects.filter((e) => SECURITY.has(e.kind)).map((e) => `${e.kind} ${e.target}`).sort().join('|');
  const first = runs.find((r) => r.ordinary) ?? runs[0];
  if (!first) return [];
  const chosen = [first];
  const seen = new Set([signature(first)]);
  for (const r of runs) {
    if (chosen.length >= max) break;
    const s = signature(r);
    if (seen.has(s)) continue;
    seen.add(s);
    chosen.push(r);
  }
  for (const r of runs) {
    if (chosen.length >= max) break;
    if (r.ordinary && !chosen.includes(r)) chosen.push(r);
  }
  return chosen;
}

/** The module header declares every top-level function, this one included. Its copy there would
 *  show the model the original text in every variant, so it is reduced to an empty stand-in. */
function withoutOwnCopy(header: string, code: string): string {
  const inner = code.startsWith('(') && code.endsWith(')') ? code.slice(1, -1) : code;
  const at = header.lastIndexOf(inner);
  if (at < 0 || inner.length === 0) return header;
  const declared = /^(?:async\s+)?function\s*\*?\s*([\w$]+)/.exec(inner);
  const stand = declared ? `function ${declared[1]}() {}` : 'undefined';
  return header.slice(0, at) + stand + header.slice(at + inner.length);
}

function seedOf(hash: string): number {
  return parseInt(hash.slice(0, 8), 16) >>> 0 || 1;
}
