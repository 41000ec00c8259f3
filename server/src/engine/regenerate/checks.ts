// The parsing work of a regeneration behind one interface: finding the function, checking each
// statement the model completes, checking a whole body, and verifying the result (the sandbox
// included). The editor runs them as pool tasks (poolChecks), so the thread that answers the
// editor never parses; tests and the evaluation run the same task functions in-process.
import type { AcceptedPoint, BodyAnalysis, CutPoint, StatementCheck } from '../../core/constraints';
import type { AnalysisPool } from '../pool';
import { regenerationCheck, regenerationPrepare, regenerationVerify } from '../../workers/in-process';
import type {
  PreparedRegeneration,
  RegenerationCheckInput,
  RegenerationCheckOutput,
  RegenerationPrepareInput,
  Verification,
  VerifyOptions,
} from '../../workers/contracts';

export type { PreparedRegeneration, RegenerationPrepareInput } from '../../workers/contracts';

/** Thrown by a check that could not run (a worker crashed or timed out), never for bad code. */
export class CheckFailed extends Error {}

export interface RegenerationChecks {
  /** undefined when the span is not inside a function with a block body. */
  prepare(input: RegenerationPrepareInput, signal: AbortSignal): Promise<PreparedRegeneration | undefined>;
  statement(p: PreparedRegeneration, body: string, cut: CutPoint, accepted: AcceptedPoint, signal: AbortSignal): Promise<StatementCheck>;
  body(p: PreparedRegeneration, body: string, policyFrom: number, signal: AbortSignal): Promise<BodyAnalysis>;
  verify(p: PreparedRegeneration, body: string, options: VerifyOptions, signal: AbortSignal): Promise<Verification>;
  /** Starts and warms what `verify` runs on, without waiting: a regeneration was just offered. */
  warm(): void;
}

/** The checks on the calling thread. */
export const localChecks: RegenerationChecks = {
  prepare: async (input) => regenerationPrepare(input) ?? undefined,
  statement: async (p, body, cut, accepted) => statementOf(regenerationCheck({ kind: 'statement', target: p.target, set: p.set, body, cut, accepted })),
  body: async (p, body, policyFrom) => bodyOf(regenerationCheck({ kind: 'body', target: p.target, set: p.set, body, policyFrom })),
  verify: async (p, body, options) => (await regenerationVerify({ target: p.target, set: p.set, body, options })) as Verification,
  warm: () => undefined,
};

/** The checks as pool tasks: parsing and rule checks on the static lane (each bounded like a static
 *  pass), the sandbox comparison on the deep one (bounded by the regeneration's own time limit). */
export function poolChecks(pool: () => Promise<AnalysisPool>, limits: { checkMs: number; verifyMs: number }): RegenerationChecks {
  const run = async <T>(name: 'regenerationPrepare' | 'regenerationCheck' | 'regenerationVerify', input: unknown, signal: AbortSignal): Promise<T> => {
    const timeoutMs = name === 'regenerationVerify' ? limits.verifyMs : limits.checkMs;
    const outcome = await (await pool()).run(name, input as never, { signal, timeoutMs });
    if (outcome.kind === 'done') return outcome.value as T;
    if (outcome.kind === 'cancelled') throw new CheckFailed('cancelled');
    throw new CheckFailed(`the ${name === 'regenerationVerify' ? 'verification' : 'check'} of the generated code ${outcome.reason === 'timeout' ? 'took too long' : `failed (${outcome.message})`}`);
  };
  return {
    prepare: async (input, signal) => (await run<PreparedRegeneration | null>('regenerationPrepare', input, signal)) ?? undefined,
    statement: async (p, body, cut, accepted, signal) =>
      statementOf(await run<RegenerationCheckOutput>('regenerationCheck', { kind: 'statement', target: p.target, set: p.set, body, cut, accepted } satisfies RegenerationCheckInput, signal)),
    body: async (p, body, policyFrom, signal) =>
      bodyOf(await run<RegenerationCheckOutput>('regenerationCheck', { kind: 'body', target: p.target, set: p.set, body, policyFrom } satisfies RegenerationCheckInput, signal)),
    verify: (p, body, options, signal) => run<Verification>('regenerationVerify', { target: p.target, set: p.set, body, options }, signal),
    warm() {
      // The sandbox lane starts its threads on first use (usually the first save); a session that
      // regenerates before saving would otherwise pay for that, and a first sandbox run, at the end.
      pool().then(
        (lane) => {
          for (let i = 0; i < lane.size; i++) void run('regenerationVerify', null, new AbortController().signal).catch(() => undefined);
        },
        () => undefined,
      );
    },
  };
}

function statementOf(out: RegenerationCheckOutput): StatementCheck {
  if (out.kind !== 'statement') throw new CheckFailed('unexpected answer from the statement check');
  return out.check;
}

function bodyOf(out: RegenerationCheckOutput): BodyAnalysis {
  if (out.kind !== 'body') throw new CheckFailed('unexpected answer from the body check');
  return out.analysis;
}
