// Verification of one document: changed function units only (by hash), most suspicious first,
// each checked by verifyUnit; results are kept per unit hash so unchanged functions cost nothing.
import type { Finding, Span } from '../../core/types';
import type { Settings } from '../../config/schema';
import type { PreparedUnit, UnitRef, VerifyPrepareInput, VerifyPrepareOutput } from '../../workers/contracts';
import type { DocumentSnapshot } from '../analyze';
import { verificationFindings } from '../../core/verify/findings';
import type { ModelGate } from './model-gate';
import { verifyUnit } from './unit';

export interface UnitSummary {
  name: string;
  hash: string;
  span: Span;
  /** Rewrites the verdict rests on. */
  orbitSize: number;
  verdict: string;
  /** Aggregated pairwise trace similarity (the consistency score). */
  score: number;
  modelCalls: number;
  naiveCalls: number;
  naiveBatchedCalls: number;
  arq: number;
  findings: Finding[];
}

export interface VerifyReport {
  uri: string;
  version: number;
  findings: Finding[];
  units: UnitSummary[];
  /** Units verified in this run (the rest came from earlier runs). */
  verified: number;
  /** Set when the model was not used, saying why. */
  skipped?: string;
  /** Functions whose verification stayed incomplete after the bounded retries, with the reason;
   *  the report then carries one `verification-incomplete` information finding naming them. */
  incomplete: IncompleteUnit[];
  /** How the model measured against the sandbox on functions the sandbox fully covers and finds
   *  nothing in, over this session: an unreliable model's disagreements are information only. */
  calibration?: Calibration;
}

export interface Calibration {
  /** Fully covered functions without sandbox findings the model was compared on. */
  covered: number;
  /** Of those, how many the model contradicted the sandbox on. */
  disagreed: number;
  unreliable: boolean;
}

export interface IncompleteUnit {
  name: string;
  hash: string;
  line: number;
  reason: string;
}

/** The rule id (and diagnostic code) of the report's one finding about incomplete verification. */
export const VERIFICATION_INCOMPLETE = 'verification-incomplete';

export interface VerifyRequest {
  doc: DocumentSnapshot;
  settings: Settings;
  /** The static findings of the same version: they make a unit suspicious. */
  staticFindings: readonly Finding[];
  /** Verify only the unit around this offset, even if it was verified before (orbit.verifyFunction). */
  at?: number;
  onProgress?: (message: string, percentage: number) => void;
}

export interface VerifierDeps {
  /** Runs the verifyPrepare task (normally on the pool); undefined when cancelled or failed. */
  prepare(input: VerifyPrepareInput, signal: AbortSignal): Promise<VerifyPrepareOutput | undefined>;
  gate: ModelGate;
  log(message: string): void;
}

export interface Verifier {
  /** Undefined when cancelled (a newer version, a close, shutdown). */
  verify(request: VerifyRequest, signal: AbortSignal): Promise<VerifyReport | undefined>;
  /** Drops what is remembered about a document (closed). */
  forget(uri: string): void;
}

/** Units prepared per pool task: small, so static analyses of other files are never held up long. */
const UNITS_PER_TASK = 2;

interface Remembered {
  summary: Omit<UnitSummary, 'span' | 'findings'>;
  /** Findings relative to the unit's start, so they follow the unit when lines above change. */
  findings: Finding[];
}

export function createVerifier(deps: VerifierDeps): Verifier {
  const calibrations = new WeakMap<object, Calibration>();
  const memory = new Map<string, Map<string, Remembered>>();

  async function verify(request: VerifyRequest, signal: AbortSignal): Promise<VerifyReport | undefined> {
    const { doc, settings } = request;
    const known = memory.get(doc.uri) ?? new Map<string, Remembered>();
    const base: VerifyReport = { uri: doc.uri, version: doc.version, findings: [], units: [], verified: 0, incomplete: [] };
    const risky = new Map<string, boolean>();

    const model = deps.gate.current();
    if (!model) {
      deps.gate.announce();
      return { ...base, skipped: deps.gate.reason || 'the model is not available' };
    }
    const calibration = calibrations.get(model) ?? { covered: 0, disagreed: 0, unreliable: false };
    calibrations.set(model, calibration);
    const prepared = await prepareChanged(request, known, signal);
    if (!prepared || signal.aborted) return undefined;
    const order = rankBySuspicion(prepared.units, request.staticFindings).slice(0, settings.verify.maxFunctions);
    const next = new Map<string, Remembered>();
    for (const ref of prepared.present) {
      const old = known.get(ref.hash);
      if (old && !order.some((u) => u.unit.hash === ref.hash)) next.set(ref.hash, old);
    }
    for (const [i, u] of order.entries()) {
      if (signal.aborted) return undefined;
      const label = `${u.unit.name || 'anonymous function'} (${i + 1}/${order.length})`;
      request.onProgress?.(`verifying ${label}`, Math.round((i / order.length) * 100));
      const statics = request.staticFindings.filter((f) => f.span.start >= u.unit.span.start && f.span.end <= u.unit.span.end).length;
      const result = await verifyUnit(u, model, {
        maxOrbit: settings.verify.maxOrbit,
        adaptive: settings.verify.adaptive,
        staticFindings: statics,
        priorityKey: doc.uri,
        onStage: (stage) => request.onProgress?.(`${label}: ${stage}`, Math.round(((i + 0.5) / order.length) * 100)),
      }, signal);
      if (result.kind === 'cancelled') return undefined;
      if (result.kind === 'model-failed') {
        deps.gate.failed(result.failure);
        deps.gate.announce();
        base.skipped = result.failure.detail;
        break;
      }
      risky.set(u.unit.hash, result.risky);
      // Benign by every account: no static finding, no sandbox finding, every effect-bearing branch run.
      if (!result.incomplete && u.truth && u.sandboxCovered && statics === 0 && (u.sandboxFindings ?? []).length === 0) {
        calibration.covered++;
        if (result.contradictions.length > 0) calibration.disagreed++;
        // The sandbox's traces are the whole truth there: one contradiction is a measured error,
        // and the model stays marked for the session.
        calibration.unreliable ||= calibration.disagreed > 0;
      }
      if (result.incomplete) {
        // Not remembered: the function is verified again on the next save.
        base.incomplete.push({ name: u.unit.name || 'anonymous function', hash: u.unit.hash, line: u.unit.line, reason: result.incomplete });
        base.findings.push(...(u.sandboxFindings ?? []));
        continue;
      }
      // What the sandbox saw in these same runs is reported with the verdict: one sandbox truth.
      const findings = [...verificationFindings(u.unit, result, doc.text), ...(u.sandboxFindings ?? [])];
      next.set(u.unit.hash, {
        summary: {
          name: u.unit.name, hash: u.unit.hash, orbitSize: result.orbitSize, verdict: result.verdict.verdict, score: result.verdict.score,
          modelCalls: result.cost.modelCalls, naiveCalls: result.naiveCalls, naiveBatchedCalls: result.naiveBatchedCalls, arq: result.cost.arq,
        },
        findings: findings.map((f) => shift(f, -u.unit.span.start)),
      });
      base.verified++;
    }
    if (signal.aborted) return undefined;
    memory.set(doc.uri, next);
    for (const ref of prepared.present) {
      const r = next.get(ref.hash);
      if (!r) continue;
      const findings = r.findings.map((f) => shift(f, ref.span.start));
      base.units.push({ ...r.summary, span: ref.span, findings });
      base.findings.push(...findings);
    }
    base.calibration = { ...calibration };
    if (calibration.unreliable) {
      // A model measured wrong on code the sandbox fully covers: what it says is information.
      const note = ` This model contradicted the sandbox on ${calibration.disagreed} of ${calibration.covered} function(s) the sandbox fully covers and finds nothing in, so its disagreements are shown as information.`;
      const soften = (f: Finding): Finding => (f.ruleId.startsWith('orbit/') ? { ...f, severity: 'information', message: f.message + note } : f);
      base.findings = base.findings.map(soften);
      for (const unit of base.units) unit.findings = unit.findings.map(soften);
    }
    if (base.incomplete.length) base.findings.push(incompleteFinding(base.incomplete, prepared.present, risky, doc.text));
    request.onProgress?.(`verified ${base.verified} function(s)`, 100);
    return base;
  }

  /** Lists the units, then prepares the changed ones (or the one at the cursor) a few per pool
   *  task, so a file's first verification never holds the pool for long. */
  async function prepareChanged(request: VerifyRequest, known: Map<string, Remembered>, signal: AbortSignal): Promise<VerifyPrepareOutput | undefined> {
    const { doc, settings } = request;
    const base = {
      document: { fileName: doc.uri, text: doc.text },
      maxOrbit: settings.verify.maxOrbit,
      deltaMin: settings.verify.deltaMin,
      maxInputs: settings.verify.maxInputs,
      sandboxTimeMs: settings.sandbox.timeMs,
    };
    const listing = await deps.prepare({ ...base, onlyHashes: [] }, signal);
    if (!listing) return undefined;
    const wanted = request.at === undefined ? listing.present.filter((r) => !known.has(r.hash)) : innermost(listing.present, request.at);
    // Static findings and size pick which changed units are prepared when there are very many.
    const capped = rankRefs(wanted, request.staticFindings).slice(0, settings.verify.maxFunctions * 2);
    const units: PreparedUnit[] = [];
    for (let i = 0; i < capped.length; i += UNITS_PER_TASK) {
      const part = await deps.prepare({ ...base, onlyHashes: capped.slice(i, i + UNITS_PER_TASK).map((r) => r.hash) }, signal);
      if (!part || signal.aborted) return undefined;
      units.push(...part.units);
    }
    return { units, present: listing.present, errors: listing.errors };
  }

  return { verify, forget: (uri) => void memory.delete(uri) };
}

/** One information finding per document naming the functions the model could not verify and
 *  why. Failures that cluster on the functions where the sandbox sees security-relevant effects,
 *  while the others verify, are themselves evidence, and the message says so. */
export function incompleteFinding(incomplete: IncompleteUnit[], present: UnitRef[], risky: Map<string, boolean>, text: string): Finding {
  const names = incomplete.map((u) => `${u.name} (line ${u.line}): ${u.reason}`).join('; ');
  const verifiedOthers = [...risky].filter(([hash]) => !incomplete.some((u) => u.hash === hash));
  const clustered = incomplete.every((u) => risky.get(u.hash)) && verifiedOthers.length > 0 && verifiedOthers.every(([, r]) => !r);
  const cluster = clustered ? ' The model failed only on functions where the sandbox sees security-relevant effects, while it answered for the others: a model that fails exactly where an honest answer would expose it is itself a warning sign.' : '';
  const first = present.find((r) => r.hash === incomplete[0].hash);
  const start = first?.span.start ?? 0;
  const nl = text.indexOf('\n', start);
  return {
    ruleId: VERIFICATION_INCOMPLETE,
    cwe: [],
    severity: 'information',
    message: `Model verification is incomplete for ${incomplete.length} function(s): ${names}.${cluster} Static and sandbox findings still apply; verification retries these functions on the next save.`,
    span: { start, end: nl < 0 ? text.length : Math.max(start + 1, nl) },
  };
}

/** Static findings weigh most, then effects the sandbox saw, then size. */
export function rankBySuspicion(units: readonly PreparedUnit[], statics: readonly Finding[]): PreparedUnit[] {
  const score = (u: PreparedUnit): number => {
    const inside = statics.filter((f) => f.span.start >= u.unit.span.start && f.span.end <= u.unit.span.end).length;
    return inside * 100 + u.securityEffects.length * 30 + Math.min(u.size, 5000) / 100;
  };
  return [...units].sort((a, b) => score(b) - score(a));
}

/** The smallest unit containing the offset (a callback inside a handler, not the whole handler). */
function innermost(units: readonly UnitRef[], at: number): UnitRef[] {
  const around = units.filter((u) => u.span.start <= at && at <= u.span.end);
  around.sort((a, b) => a.span.end - a.span.start - (b.span.end - b.span.start));
  return around.slice(0, 1);
}

function rankRefs(refs: readonly UnitRef[], statics: readonly Finding[]): UnitRef[] {
  const score = (r: UnitRef): number =>
    statics.filter((f) => f.span.start >= r.span.start && f.span.end <= r.span.end).length * 100 + Math.min(r.span.end - r.span.start, 5000) / 100;
  return [...refs].sort((a, b) => score(b) - score(a));
}

function shift(f: Finding, delta: number): Finding {
  return { ...f, span: { start: f.span.start + delta, end: f.span.end + delta } };
}
