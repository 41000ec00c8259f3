// Security constraints for generation: the constraint set, the incremental statement splitter,
// the statement-level checker and the function target they work on.
export { buildConstraintSet, EMPTY_POLICY, type Constraint, type ConstraintInput, type ConstraintSet, type Policy } from './set';
export { splitBody, closersOf, INITIAL_SPLIT, type Block, type CutPoint, type SplitResult, type SplitState } from './splitter';
export {
  analyseBody,
  baselineKeys,
  checkStatement,
  createPrefixChecker,
  historyChecker,
  type AcceptedPoint,
  type BodyAnalysis,
  type CheckOutcome,
  type PrefixChecker,
  type PrefixCheckerOf,
  type StatementCheck,
  type Violation,
} from './checker';
export { findTarget, formatBody, originalBody, withBody, type RegenTarget } from './target';
export { missingValidation, policyViolations, type PolicyViolation } from './policy';
