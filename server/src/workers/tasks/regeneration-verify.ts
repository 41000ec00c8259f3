// Verification of a generated body before anything is offered: it parses, passes every security
// rule and the policy, keeps the function's signature, and — where the sandbox can run it —
// behaves like the original on ordinary inputs while an attack input no longer reaches the sink.
import { analyseBody, withBody, type ConstraintSet, type RegenTarget } from '../../core/constraints';
import { findUnits, type FunctionUnit } from '../../core/source/units';
import type { InputCase } from '../../core/inputs/synth';
import type { JsonValue, Trace } from '../../core/trace/schema';
import { loadSandbox } from '../../external/sandbox/runner';
import { ruleById } from '../../core/security/registry';
import { prepareUnit, traceCase } from '../../external/sandbox/harness';

export interface Verification {
  ok: boolean;
  /** Sentences saying what failed; empty when ok. */
  problems: string[];
  /** 'preserved' or 'changed' on ordinary inputs, or 'not-run' when the sandbox could not run both. */
  behaviour: 'preserved' | 'changed' | 'not-run';
  /** Whether the attack input reached a query, command or path in the original but not now. */
  attack: 'blocked' | 'reaches' | 'not-run';
}

const SINK_KINDS = new Set(['db', 'process', 'fs-read', 'fs-write', 'eval', 'network']);

export interface VerifyOptions {
  /** The rule of the finding being fixed; picks the attack payload. */
  ruleId?: string;
  /** Run the sandbox comparison (off in callers that only need the static checks). */
  sandbox: boolean;
}

export async function verifyBody(target: RegenTarget, set: ConstraintSet, body: string, options: VerifyOptions, signal: AbortSignal): Promise<Verification> {
  const problems: string[] = [];
  const result = analyseBody(target, set, body, 0, true);
  if (result.syntax.length > 0) problems.push(`it does not parse: ${result.syntax[0].message}`);
  for (const f of result.findings) problems.push(`it still has a finding: ${f.message}`);
  for (const p of result.policy) problems.push(`it ${p.message}`);
  const text = withBody(target, body);
  const after = findUnits(target.fileName, text, target.language);
  const unit = after.units.find((u) => u.span.start === target.unit.span.start);
  if (!unit || !sameSignature(unit, target.unit)) problems.push('it changes the function signature');
  const verdict: Verification = { ok: problems.length === 0, problems, behaviour: 'not-run', attack: 'not-run' };
  if (!verdict.ok || !options.sandbox || !unit || signal.aborted) return verdict;
  try {
    return { ...verdict, ...(await compareInSandbox(target, text, unit, options.ruleId, signal)) };
  } catch {
    return verdict; // the sandbox could not run this code: the static verdict stands
  }
}

function sameSignature(a: FunctionUnit, b: FunctionUnit): boolean {
  const params = (u: FunctionUnit): string => JSON.stringify(u.params.map((p) => [p.name, p.type ?? '', p.defaultText ?? '', !!p.rest]));
  return a.name === b.name && a.async === b.async && a.generator === b.generator && params(a) === params(b);
}

async function compareInSandbox(target: RegenTarget, text: string, unit: FunctionUnit, ruleId: string | undefined, signal: AbortSignal): Promise<Pick<Verification, 'behaviour' | 'attack' | 'ok' | 'problems'>> {
  const before = runnable({ fileName: target.fileName, text: target.text }, target.unit);
  const now = runnable({ fileName: target.fileName, text }, unit);
  if (!before || !now) return { behaviour: 'not-run', attack: 'not-run', ok: true, problems: [] };
  const ordinary = before.cases.filter((c) => c.role === 'ordinary');
  let preserved = true;
  for (const c of ordinary) {
    if (signal.aborted) break;
    const [a, b] = [await before.run(c.args, c), await now.run(c.args, c)];
    if (!sameBehaviour(a, b)) preserved = false;
  }
  const payload = (ruleId && ruleById(ruleId)?.taint?.attackPayload) || undefined;
  let attack: Verification['attack'] = 'not-run';
  if (payload && ordinary[0] && !signal.aborted) {
    const args = ordinary[0].args.map((a) => withPayload(a, payload, false));
    const [a, b] = [await before.run(args, ordinary[0]), await now.run(args, ordinary[0])];
    if (reachesSink(a, payload)) attack = reachesSink(b, payload) ? 'reaches' : 'blocked';
  }
  const problems = [
    ...(preserved ? [] : ['it behaves differently from the original on ordinary inputs']),
    ...(attack === 'reaches' ? ['the attack input still reaches the query, command or path'] : []),
  ];
  return { behaviour: preserved ? 'preserved' : 'changed', attack, ok: problems.length === 0, problems };
}

interface Runnable {
  cases: InputCase[];
  run(args: JsonValue[], c: InputCase): Promise<Trace>;
}

function runnable(doc: { fileName: string; text: string }, unit: FunctionUnit): Runnable | undefined {
  const parsed = findUnits(doc.fileName, doc.text);
  const found = parsed.units.find((u) => u.span.start === unit.span.start);
  if (!found) return undefined;
  const ready = prepareUnit(doc, parsed, found, undefined, { maxProbes: 0 });
  if (!ready || 'kind' in ready) return undefined;
  return { cases: ready.cases, run: (args, c) => traceCase(ready.program, { ...c, args }) };
}

/** Same outcome kind, same effect kinds in order, same calls on the response: a parameterised
 *  query or an argument array legitimately changes the text of what is sent, not its shape. */
function sameBehaviour(a: Trace, b: Trace): boolean {
  const shape = (t: Trace): string =>
    JSON.stringify([t.outcome.kind, t.effects.filter((e) => e.kind !== 'log' && e.kind !== 'time').map((e) => e.kind), (t.interactions ?? []).map((i) => i.target)]);
  return shape(a) === shape(b);
}

/** The payload in what a sink was given as its query, command or path (its target or first argument). */
function reachesSink(t: Trace, payload: string): boolean {
  return t.effects.some((e) => SINK_KINDS.has(e.kind) && (e.target.includes(payload) || (typeof e.args[0] === 'string' && e.args[0].includes(payload))));
}

const REQUEST_PARTS = new Set(['query', 'params', 'body', 'cookies']);

/** Replaces the request's data (and synthesised plain string arguments) with the payload. */
function withPayload(value: JsonValue, payload: string, inRequest: boolean): JsonValue {
  if (typeof value === 'string') return inRequest || value.includes('orbit') ? payload : value;
  if (typeof value === 'number') return inRequest ? payload : value;
  if (Array.isArray(value)) return value.map((v) => withPayload(v, payload, inRequest));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k.startsWith('$') ? v : withPayload(v, payload, inRequest || REQUEST_PARTS.has(k))]));
  }
  return value;
}

/** Worker task `regenerationVerify`: the check above for a regeneration the editor runs. It runs
 *  the sandbox, so it is on the deep lane; cancelling ends the thread's work (see engine/pool.ts).
 *  With null it only warms the thread up, while the model is still writing. */
export async function regenerationVerify(input: { target: RegenTarget; set: ConstraintSet; body: string; options: VerifyOptions } | null): Promise<Verification | null> {
  if (input === null) {
    // Warming a thread: loading the engine includes its first, slow run.
    await loadSandbox();
    return null;
  }
  return verifyBody(input.target, input.set, input.body, input.options, new AbortController().signal);
}
