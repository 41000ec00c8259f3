// Verification of one document: changed function units only (by hash), most suspicious first,
// each checked by verifyUnit; results are kept per unit hash so unchanged functions cost nothing.
import type { Finding, Span } from '../../core/types';
import type { Settings } from '../../config/schema';
import type { VerifyPrepareInput, VerifyPrepareOutput, PreparedUnit } from '../../workers/tasks/verifyPrepare';
import type { DocumentSnapshot } from '../analyze';
import { verificationFindings } from './findings';
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

interface Remembered {
  summary: Omit<UnitSummary, 'span' | 'findings'>;
  /** Findings relative to the unit's start, so they follow the unit when lines above change. */
  findings: Finding[];
}

export function createVerifier(deps: VerifierDeps): Verifier {
  const memory = new Map<string, Map<string, Remembered>>();

  async function verify(request: VerifyRequest, signal: AbortSignal): Promise<VerifyReport | undefined> {
    const { doc, settings } = request;
    const known = memory.get(doc.uri) ?? new Map<string, Remembered>();
    const base: VerifyReport = { uri: doc.uri, version: doc.version, findings: [], units: [], verified: 0 };
    const model = deps.gate.current();
    if (!model) {
      deps.gate.announce();
      return { ...base, skipped: deps.gate.reason || 'the model is not available' };
    }
    const prepared = await deps.prepare(
      {
        document: { fileName: doc.uri, text: doc.text },
        maxOrbit: settings.verify.maxOrbit,
        deltaMin: settings.verify.deltaMin,
        maxInputs: settings.verify.maxInputs,
        sandboxTimeMs: settings.sandbox.timeMs,
        // verifyFunction re-verifies the unit at the cursor, so nothing is skipped then.
        skipHashes: request.at === undefined ? [...known.keys()] : undefined,
      },
      signal,
    );
    if (!prepared || signal.aborted) return undefined;
    const inScope = request.at === undefined ? prepared.units : innermost(prepared.units, request.at);
    const fresh = inScope.filter((u) => request.at !== undefined || !known.has(u.unit.hash));
    const order = rankBySuspicion(fresh, request.staticFindings).slice(0, settings.verify.maxFunctions);
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
      const findings = verificationFindings(u.unit, result, doc.text);
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
    request.onProgress?.(`verified ${base.verified} function(s)`, 100);
    return base;
  }

  return { verify, forget: (uri) => void memory.delete(uri) };
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
function innermost(units: readonly PreparedUnit[], at: number): PreparedUnit[] {
  const around = units.filter((u) => u.unit.span.start <= at && at <= u.unit.span.end);
  around.sort((a, b) => a.unit.span.end - a.unit.span.start - (b.unit.span.end - b.unit.span.start));
  return around.slice(0, 1);
}

function shift(f: Finding, delta: number): Finding {
  return { ...f, span: { start: f.span.start + delta, end: f.span.end + delta } };
}
