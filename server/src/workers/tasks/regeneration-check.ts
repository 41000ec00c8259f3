// Worker task `regenerationCheck`: while a model writes a function body, the check of the newest
// complete statement (taint carried from the accepted ones), or of a whole body at the end.
import { analyseBody, checkStatement, type AcceptedPoint, type BodyAnalysis, type ConstraintSet, type CutPoint, type RegenTarget, type StatementCheck } from '../../core/constraints';

export type RegenerationCheckInput =
  | { kind: 'statement'; target: RegenTarget; set: ConstraintSet; body: string; cut: CutPoint; accepted: AcceptedPoint }
  | { kind: 'body'; target: RegenTarget; set: ConstraintSet; body: string; policyFrom: number };

export type RegenerationCheckOutput = { kind: 'statement'; check: StatementCheck } | { kind: 'body'; analysis: BodyAnalysis };

export function regenerationCheck(input: RegenerationCheckInput): RegenerationCheckOutput {
  return input.kind === 'statement'
    ? { kind: 'statement', check: checkStatement(input.target, input.set, input.body, input.cut, input.accepted) }
    : { kind: 'body', analysis: analyseBody(input.target, input.set, input.body, input.policyFrom) };
}
