// Verification of one document: changed function units only (by hash), most suspicious first,
// each checked by verifyUnit; results are kept per unit hash so unchanged functions cost nothing.
import type { Finding, Span } from '../../core/types';
import type { Settings } from '../../config/schema';
import type { PreparedUnit, VerifyPrepareInput, VerifyPrepareOutput } from '../../workers/contracts';
import type { DocumentSnapshot } from '../document-analysis';
import { verificationFindings } from '../../core/verify/findings';
import { incompleteFinding, VERIFICATION_INCOMPLETE, type IncompleteUnit } from '../../core/verify/incomplete';
import { innermost, rankBySuspicion, rankRefs } from '../../core/verify/select';
import type { ModelGate } from './model-gate';
import { verifyUnit } from './unit';

export { incompleteFinding, rankBySuspicion, VERIFICATION_INCOMPLETE, type IncompleteUnit };

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
        // An unreliable model's disagreements are information whatever the orbit shows, so it is
        // not shown more than four rewrites.
        maxOrbit: calibration.unreliable ? Math.min(settings.verify.maxOrbit, 4) : settings.verify.maxOrbit,
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

function shift(f: Finding, delta: number): Finding {
  return { ...f, span: { start: f.span.start + delta, end: f.span.end + delta } };
}
