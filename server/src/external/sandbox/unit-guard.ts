// What keeps one hostile function from costing the rest of its file: a function whose runs keep
// hitting the time limit gets no more runs, a trace the host could not accept is left out, and
// either is reported for that function alone (the engine shows it as sandbox-incomplete).
import type { FunctionUnit } from '../../core/source/units';
import type { Trace } from '../../core/trace/schema';
import type { AnalysisError } from '../../core/types';
import { SANDBOX_FAILURE_PREFIX } from './runner';

/** Runs of one function that may end in the time or instruction limit before its other inputs
 *  are skipped: each such run costs a whole time limit, and the file's budget is shared. */
export const MAX_TIMEOUTS_PER_UNIT = 2;

export interface UnitGuard {
  /** Whether a trace may be used; counts time-outs and rejected traces. */
  accept(trace: Trace): boolean;
  /** True once the function has used up its time-outs. */
  stopped(): boolean;
  /** Notes an input that was not run. */
  skip(): void;
  /** The error to report for this function, if any of its runs was lost. */
  problem(): AnalysisError | undefined;
}

export function createUnitGuard(unit: FunctionUnit): UnitGuard {
  let timeouts = 0;
  let skipped = 0;
  const rejected: string[] = [];
  return {
    accept(trace) {
      const o = trace.outcome;
      if (o.kind === 'throw' && o.error.startsWith(SANDBOX_FAILURE_PREFIX)) {
        rejected.push(o.error.slice(SANDBOX_FAILURE_PREFIX.length));
        return false;
      }
      if (o.kind === 'limit' && (o.limit === 'time' || o.limit === 'instructions')) timeouts++;
      return true;
    },
    stopped: () => timeouts >= MAX_TIMEOUTS_PER_UNIT,
    skip() {
      skipped++;
    },
    problem() {
      const parts: string[] = [];
      if (skipped > 0) parts.push(`${unit.name} ran into the sandbox's time limit ${timeouts} times, so ${skipped} of its inputs were not run`);
      if (rejected.length > 0) parts.push(`${rejected.length} run(s) of ${unit.name} were left out (${rejected[0]})`);
      return parts.length > 0 ? { kind: 'limit', message: `${parts.join('; ')}.`, span: unit.span } : undefined;
    },
  };
}

/** A host-side error while handling one function, as that function's error. */
export function unitFailure(unit: FunctionUnit, err: unknown): AnalysisError {
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'internal', message: `the sandbox could not check ${unit.name}: ${message.slice(0, 300)}`, span: unit.span };
}
