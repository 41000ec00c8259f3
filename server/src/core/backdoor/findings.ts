// Findings from sandbox traces of one unit: hidden triggers (an effect that only a harvested rare
// input, a date or an environment value brings out), authentication bypass by a magic value,
// concealed effects (exfiltration, decoded code, hidden hosts) and, optionally, unexpected effects.
import type { Finding, Span } from '../types';
import type { JsonValue, Trace } from '../trace/schema';
import type { FunctionUnit } from '../source/units';
import type { InputCase, Trigger } from '../inputs/synth';
import { ENV_MARKER, stringsOf, viewEffects, type EffectView } from './effects';

export interface CaseTrace {
  input: InputCase;
  trace: Trace;
}

export interface BackdoorOptions {
  /** Report network and process use on ordinary inputs (noisy, so off by default). */
  unexpectedEffects: boolean;
}

export const DEFAULT_BACKDOOR_OPTIONS: BackdoorOptions = { unexpectedEffects: false };

/** Values the sandbox itself supplies (fake rows, files, secrets); a comparison with one of them
 *  is a comparison with stored data, not with a value hidden in the code. */
export function isSandboxValue(v: string): boolean {
  // Digests are computed from inputs or secrets at run time (a webhook signature), never typed in.
  return v.includes(ENV_MARKER) || /orbit-(file|remote|host)|\$2b\$10\$orbit|^(alice|bob)(@example\.com)?$|^orbit-[a-z]+-\d+$/.test(v) || /^([a-z0-9]+=)?[0-9a-f]{32,}$/i.test(v);
}

export function backdoorFindings(unit: FunctionUnit, runs: CaseTrace[], source: string, options: BackdoorOptions = DEFAULT_BACKDOOR_OPTIONS): Finding[] {
  const findings: Finding[] = [];
  const reported = new Set<string>();
  const report = (key: string, f: Finding): void => {
    if (reported.has(key)) return;
    reported.add(key);
    findings.push(f);
  };
  const views = runs.map((r) => viewsOf(r, source));
  const ordinary = runs.map((r, i) => ({ r, v: views[i] })).filter((x) => x.r.input.role === 'ordinary');
  const ordinarySigs = new Set(ordinary.flatMap((x) => x.v.filter((e) => e.security).map((e) => e.signature)));
  const ordinaryKinds = new Set(ordinary.flatMap((x) => x.v.filter((e) => e.security).map((e) => e.effect.kind)));
  const middleware = unit.params.some((p) => /^(res|response|reply|ctx|context|next)$/i.test(p.name));

  // Concealed behaviour on ordinary inputs: no trigger needed, the effect is alarming by itself.
  // Boundary inputs (empty strings) cannot be told apart from constants, so they are not used.
  for (const { v } of ordinary.filter((x) => x.r.input.id !== 'boundary')) {
    for (const e of v) {
      if (!e.security || !e.alarms.length) continue;
      report(`concealed|${e.signature}`, finding(unit, source, 'concealed-effect', ['CWE-506'], 'error', e.effect.line,
        `${cap(e.description)}${newAlarms(e).length ? `: ${newAlarms(e).join('; ')}` : ''} (CWE-506)`));
    }
  }

  // Hidden triggers: an effect only a probe brings out (or, for dates, only ordinary days keep).
  for (let i = 0; i < runs.length; i++) {
    const { input } = runs[i];
    const trig = input.trigger;
    if (input.role !== 'probe' || !trig) continue;
    const probeSigs = new Set(views[i].filter((e) => e.security).map((e) => e.signature));
    for (const e of views[i]) {
      if (!e.security || ordinarySigs.has(e.signature)) continue;
      // The probe's own value flowing into an effect the code has anyway is not hidden behaviour.
      if (e.signature.includes('<input>') && ordinaryKinds.has(e.effect.kind) && !e.alarms.length) continue;
      if (!triggerCounts(trig, e, inputsOf(runs[i]))) continue;
      report(`trigger|${e.signature}`, finding(unit, source, 'hidden-trigger', ['CWE-506', 'CWE-912'], 'error', e.effect.line,
        `${cap(e.description)} only when ${trig.description}${extra(e)} (CWE-506)`));
    }
    if (trig.kind === 'date' && /before/.test(trig.description)) {
      for (const x of ordinary[0]?.v ?? []) {
        if (!x.security || probeSigs.has(x.signature) || !triggerCounts(trig, x)) continue;
        report(`trigger|${x.signature}`, finding(unit, source, 'hidden-trigger', ['CWE-506', 'CWE-912'], 'error', x.effect.line,
          `${cap(x.description)} only when ${trig.description.replace('before', 'on or after')} (CWE-506)`));
      }
    }
  }

  // Authentication bypass: ordinary credentials are refused, a value pinned in the code is let in.
  const gate = unit.params.some((p) => /^next$/i.test(p.name));
  if (ordinary.length && ordinary.every((x) => decision(x.r.trace, middleware) === 'denied')) {
    for (const r of runs) {
      const trig = r.input.trigger;
      if (r.input.role !== 'probe' || !trig || !bypassCondition(trig, gate)) continue;
      if (decision(r.trace, middleware) !== 'granted') continue;
      report(`auth|${trig.target}`, finding(unit, source, 'magic-auth-bypass', ['CWE-798', 'CWE-287'], 'error', lineOfTrigger(r.trace, unit),
        `${unit.name} grants access when ${trig.description}, a value written into the code rather than a stored credential (CWE-798)`));
      break;
    }
  }

  if (options.unexpectedEffects) {
    for (const { v } of ordinary) {
      for (const e of v) {
        if (!e.security || e.alarms.length || !/^(network|process|eval)$/.test(e.effect.kind)) continue;
        report(`unexpected|${e.signature}`, finding(unit, source, 'unexpected-effect', ['CWE-912'], 'information', e.effect.line,
          `${unit.name} ${e.description} on ordinary inputs (CWE-912)`));
      }
    }
  }
  return findings;
}

/** Effect views of a run, plus the environment secrets it hands back in the response. */
function viewsOf(run: CaseTrace, source: string): EffectView[] {
  const inputs = stringsOf(run.input.args);
  if (run.input.trigger && typeof run.input.trigger.value === 'string') inputs.push(run.input.trigger.value);
  const out = viewEffects(run.trace.effects, source, inputs);
  const back: Array<{ payload: string; line: number }> = (run.trace.interactions ?? []).map((x) => ({ payload: JSON.stringify(x.args), line: x.line }));
  if (run.trace.outcome.kind === 'return') back.push({ payload: JSON.stringify(run.trace.outcome.value), line: 0 });
  for (const b of back) {
    const leaked = [...new Set([...b.payload.matchAll(/orbit-env-([A-Z0-9_]+)/g)].map((m) => m[1]))];
    if (leaked.length < 2) continue;
    out.push({ effect: { kind: 'env', target: 'response', args: [], line: b.line }, signature: 'response|env', security: true, leakedEnv: leaked,
      alarms: ['environment secrets leave the function'], description: `returns environment secrets (${leaked.slice(0, 3).join(', ')}) to the caller` });
  }
  return out;
}

/** Whether a trigger is hidden enough, and the effect serious enough, to be reported. Decided by
 *  the effect and the condition, never by what the code's identifiers are called. */
function triggerCounts(t: Trigger, e: EffectView, inputs: string[] = []): boolean {
  if (e.alarms.length > 0) return true;
  // A value computed at run time (a signature over the body) is not written into the code.
  if (typeof t.value === 'string' && isSandboxValue(t.value)) return false;
  // Secrets leaving for a host written in the code are exfiltration whatever the trigger.
  if (e.effect.kind === 'network' && e.leakedEnv.length > 0) return true;
  const runsCode = /^(process|eval)$/.test(e.effect.kind);
  switch (t.kind) {
    case 'date':
      // A scheduled request to a host named in the source, carrying nothing secret, is a report
      // or a reminder; code run on a date is not.
      return runsCode;
    case 'random':
    case 'state':
      // Sampling and batching are common; only alarming or code-running effects count here.
      return runsCode;
    case 'env':
      // A switch ("true", "on", "1") guards an ordinary feature unless it runs code; an odd value does not.
      return runsCode || magicCondition(t);
    case 'literal':
      // Code or a command taken from the request behind a condition on the request is a hidden
      // entry point whatever the condition's value; a fixed tool picked by a word is dispatch.
      return magicCondition(t) || (runsCode && carriesInput(e, inputs, t.value));
  }
}

/** The strings a run's inputs carried. */
function inputsOf(run: CaseTrace): string[] {
  return stringsOf(run.input.args).filter((s) => s.length >= 4);
}

/** Whether the program run, or the code evaluated, is the request's own input (the trigger's
 *  value aside: a word that picks a fixed command is not a command from the caller). */
function carriesInput(e: EffectView, inputs: string[], trigger?: JsonValue): boolean {
  const own = inputs.filter((s) => s !== trigger);
  const text = e.effect.kind === 'process' ? (e.effect.target.trim().split(/\s+/)[0] ?? '') : JSON.stringify(e.effect.args);
  return /orbit-[a-z]+-\d+/.test(text) || own.some((s) => text.includes(s));
}

/** A condition nobody meets by accident: a value (or a literal the condition pins) that looks
 *  made up, or an exact number with four or more digits that is not round and not a year. */
function magicCondition(t: Trigger): boolean {
  // A searched input is judged by the literals its conditions pin, not by the value the solver
  // made up to satisfy a pattern or a length ("7777-77" for /^\d{4}-\d{2}$/ is nobody's secret).
  const values = t.literals ?? [t.value];
  return values.some((v) => magicLooking(v) || magicNumber(v));
}

function magicNumber(v: JsonValue): boolean {
  return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) >= 1000 && v % 100 !== 0 && !(v >= 1900 && v <= 2100);
}

/** Whether a probe's condition is one a bypass hides behind: the caller's own input (or the
 *  environment) pinned to a value written in the code, not stored state such as req.user, and
 *  not one of several keys a declared list holds. Plain functions need a value that looks made
 *  up or a compared parameter that carries a credential; middleware that calls next() needs
 *  only the pinned value. */
function bypassCondition(t: Trigger, middleware: boolean): boolean {
  if (t.kind !== 'literal' && t.kind !== 'env') return false;
  if (t.pinned === false) return false;
  if (t.op === 'oneOf' && t.siblings >= 2) return false;
  if (typeof t.value === 'string' && isSandboxValue(t.value)) return false;
  if (t.kind === 'literal' && serverState(t.target)) return false;
  if (middleware) return true;
  return magicCondition(t) || (t.kind === 'literal' && credentialLike(t) && typeof t.value === 'string' && t.value.length >= 4);
}

/** Request fields the server sets (the signed-in user, the session, locals), not the client. */
function serverState(target: string): boolean {
  return /^\d+\.(user|session|auth|locals|state|account|principal)(\.|$)/.test(target);
}

const CREDENTIAL = /(user|username|userid|uid|email|login|account|pass|passwd|password|pwd|token|secret|key|auth|authorization|cred|sig|signature|otp|pin|magic|admin|x-[a-z-]+)$/i;

/** The last name in a compared expression, past wrappers: parseInt(pin, 10) → pin. */
function lastName(expr: string): string {
  const words = expr.split(/[^\w-]+/).filter((w) => w && !/^\d+$/.test(w) && !/^(parseInt|parseFloat|Number|String|get|header|toLowerCase|toUpperCase|trim|replace|toString)$/.test(w));
  return words.pop() ?? expr;
}

/** A plain function's compared parameter that carries a credential (a password, a token). */
function credentialLike(t: Trigger): boolean {
  return CREDENTIAL.test(lastName(t.expr)) || /^headers\.|\.headers\./.test(`${t.target}.`);
}

/** Values nobody types by accident: mixed letters and digits, underscores, symbols, long hex or base64. */
function magicLooking(v: JsonValue): boolean {
  if (typeof v !== 'string' || v.length < 5) return false;
  if (/^[0-9a-f]{16,}$/i.test(v) || /^[A-Za-z0-9+/=_-]{20,}$/.test(v)) return true;
  if (/[:;|~<>{}[\]\\=+?]/.test(v) && /[a-z0-9]/i.test(v)) return true;
  if (/[a-z]/i.test(v) && /\d/.test(v) && !/^\d+$/.test(v)) return true;
  return /^_|__|[!@#$%^&*]/.test(v) || /^[a-z0-9]+[_-][a-z0-9_-]+$/i.test(v);
}

type Decision = 'granted' | 'denied' | 'unknown';

/** Whether a run let the caller in: from the framework calls, else from the returned value. */
function decision(trace: Trace, middleware: boolean): Decision {
  const calls = trace.interactions ?? [];
  const statusCall = calls.find((c) => /^(res\.status|res\.sendStatus|reply\.code|reply\.status|ctx\.status|ctx\.throw|res\.writeHead)$/.test(c.target) && typeof c.args[0] === 'number' && c.args[0] >= 400);
  if (statusCall) return 'denied';
  if (calls.some((c) => c.target === 'next' && c.args.length === 0)) return 'granted';
  if (calls.some((c) => c.target === 'next' && c.args.length > 0)) return 'denied';
  if (calls.some((c) => /^(res\.(json|send|end|redirect|cookie)|reply\.send|ctx\.body|ctx\.redirect)$/.test(c.target))) return 'granted';
  const o = trace.outcome;
  if (o.kind !== 'return') return 'denied';
  // A hook that neither refuses nor throws lets the request through (Fastify preHandler).
  if (middleware && !calls.some((c) => c.target === 'next')) return 'granted';
  const v = o.value;
  if (v === true) return 'granted';
  if (v === false || v === null || v === '[undefined]' || v === '' || v === 0) return 'denied';
  if (typeof v === 'object' && !Array.isArray(v)) {
    const r = v as Record<string, JsonValue>;
    if (r.ok === false || r.success === false || r.authenticated === false || r.valid === false || r.allowed === false || 'error' in r) return 'denied';
    return 'granted';
  }
  return typeof v === 'string' && !/^\[|error|denied|invalid|unauthori[sz]ed/i.test(v) ? 'granted' : 'unknown';
}

function lineOfTrigger(trace: Trace, unit: FunctionUnit): number {
  return trace.steps.length ? trace.steps[Math.min(1, trace.steps.length - 1)].line : unit.line;
}

function finding(unit: FunctionUnit, source: string, ruleId: string, cwe: string[], severity: Finding['severity'], line: number, message: string): Finding {
  return { ruleId, cwe, severity, message, span: lineSpan(source, line, unit) };
}

/** The span of a line's text (without indentation), inside the unit; the unit's start otherwise. */
export function lineSpan(source: string, line: number, unit: FunctionUnit): Span {
  if (line < unit.line) line = unit.line;
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = source.indexOf('\n', start);
    if (nl < 0) return { start: unit.span.start, end: Math.min(unit.span.end, unit.span.start + 1) };
    start = nl + 1;
  }
  let end = source.indexOf('\n', start);
  if (end < 0) end = source.length;
  while (start < end && /\s/.test(source[start])) start++;
  if (start >= unit.span.end || end <= unit.span.start) return { start: unit.span.start, end: unit.span.start + 1 };
  return { start: Math.max(start, unit.span.start), end: Math.min(end, unit.span.end) };
}

/** Alarms the description does not already state. */
function newAlarms(e: EffectView): string[] {
  return e.alarms.filter((a) => !(a.startsWith('it carries environment secrets') && e.description.includes('environment secrets')) && !e.description.toLowerCase().startsWith(a.replace(/^it /, '').toLowerCase()));
}

/** The first new alarm, in parentheses. */
function extra(e: EffectView): string {
  const alarm = newAlarms(e)[0];
  return alarm ? ` (${alarm})` : '';
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
